"""The human-readable plan: a tree of components and their children grouped by region, and a summary."""

from collections import Counter, defaultdict

from rich.console import Console
from rich.table import Table
from rich.tree import Tree

from aws_logging_baseline.offline.engine import Registration, RunResult

GLOBAL = "global"


def region_of(resource: Registration) -> str:
    return resource.region or GLOBAL


def short_type(type_: str) -> str:
    """aws:s3/bucketPolicy:BucketPolicy -> s3.BucketPolicy (what a reader of the code would write)."""
    if ":" not in type_:
        return type_
    package, module, name = (type_.split(":") + ["", ""])[:3]
    if package == "aws":
        return f"{module.split('/')[0]}.{name}"
    return f"{package}:{module}:{name}"


def build_tree(result: RunResult) -> Tree:
    children: dict[str, list[Registration]] = defaultdict(list)
    for resource in result.resources:
        children[resource.parent].append(resource)
    root = Tree(f"[bold]{result.project.name}[/] stack [bold]{result.stack}[/]")

    def add(node: Tree, parent_urn: str) -> None:
        kids = children.get(parent_urn, [])
        for component in (k for k in kids if not k.custom):
            branch = node.add(f"[cyan]{component.type}[/] {component.name}")
            add(branch, component.urn)
        by_region: dict[str, list[Registration]] = defaultdict(list)
        for resource in (k for k in kids if k.custom):
            by_region[region_of(resource)].append(resource)
        for region in sorted(by_region):
            group = node if len(by_region) == 1 and region == GLOBAL else node.add(f"[magenta]{region}[/]")
            for resource in by_region[region]:
                group.add(f"{short_type(resource.type)} [dim]{resource.name}[/]")

    add(root, result.stack_urn)
    return root


def service_of(type_: str) -> str:
    """aws:cfg/rule:Rule -> cfg; non-AWS types keep their package."""
    package, _, rest = type_.partition(":")
    return rest.split("/")[0] if package == "aws" else package


def _region_order(regions: set[str], home: str | None) -> list[str]:
    return sorted(regions, key=lambda r: (r == GLOBAL, r != home, r))


def build_summary(result: RunResult) -> list[Table]:
    """Two tables that fit a terminal: resources by region and service, and resources by type."""
    custom = [r for r in result.resources if r.custom]
    home = result.stack_outputs.get("homeRegion")
    by_region_service = Counter((region_of(r), service_of(r.type)) for r in custom)
    regions = _region_order({region for region, _ in by_region_service}, home)
    services = sorted({service for _, service in by_region_service})
    title = f"Resources by region and service ({len(custom)} resources, {len(result.resources) - len(custom)} components)"
    matrix = Table(title=title, min_width=len(title))  # a stack with few services must not wrap its title
    matrix.add_column("region")
    for service in services:
        matrix.add_column(service, justify="right")
    matrix.add_column("total", justify="right", style="bold")
    for region in regions:
        cells = [str(by_region_service.get((region, service), "")) for service in services]
        label = f"{region} (home)" if region == home else region
        matrix.add_row(label, *cells, str(sum(by_region_service[(region, s)] for s in services)))
    totals = [str(sum(v for (_, s), v in by_region_service.items() if s == service)) for service in services]
    matrix.add_row("[bold]total[/]", *totals, str(len(custom)), end_section=True)

    by_type: dict[str, Counter] = defaultdict(Counter)
    for r in custom:
        by_type[r.type][region_of(r)] += 1
    types = Table(title="Resources by type")
    types.add_column("type")
    types.add_column("total", justify="right", style="bold")
    types.add_column("regions", justify="right")
    types.add_column("per region")
    for type_ in sorted(by_type):
        counts = by_type[type_]
        spread = sorted(set(counts.values()))
        per_region = GLOBAL if set(counts) == {GLOBAL} else "-".join(map(str, (spread[0], spread[-1]) if len(spread) > 1 else spread))
        types.add_row(short_type(type_), str(sum(counts.values())), str(len(counts)), per_region)
    return [matrix, types]


def wide_console(stderr: bool = False) -> Console:
    """A console that does not squeeze tables to 80 columns when output goes to a file or a pipe."""
    console = Console(stderr=stderr)
    return console if console.is_terminal else Console(stderr=stderr, width=200)


def print_plan(result: RunResult, console: Console | None = None, tree: bool = True) -> None:
    console = console or wide_console()
    if tree:
        console.print(build_tree(result))
    for table in build_summary(result):
        console.print(table)
