"""The human-readable plan: a tree of components and their children grouped by region, and a summary.

Two views: `collapsed` (the default: one line per component, or per group of like components such as one
ConfigRecording per region, with what it declares summarized by type and region, and one table of resources
by service) fits a terminal of 100 columns; `full` prints every resource and the two wide summary tables."""

from collections import Counter, defaultdict

from rich.console import Console
from rich.markup import escape
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


LINE_WIDTH = 100
TREE_VIEWS = ("collapsed", "full", "none")


def _where(counts: Counter) -> str:
    """Where one type stands: 'in us-east-1', '(global)', 'in each of 17 regions', 'in 17 regions (18-23 each)'."""
    regions = sorted(counts)
    if len(regions) == 1:
        return "(global)" if regions[0] == GLOBAL else f"in {regions[0]}"
    low, high = min(counts.values()), max(counts.values())
    if low == high:
        return f"in each of {len(regions)} regions" + (f" (×{low})" if low > 1 else "")
    return f"in {len(regions)} regions ({low}-{high} each)"


def _declares(resources: list[Registration]) -> str:
    """Types that stand in the same places share one clause: 'kms.Key, kms.Alias in each of 2 regions'."""
    by_type: dict[str, Counter] = defaultdict(Counter)
    declared_at: dict[str, tuple[str, int, str]] = {}
    for resource in resources:
        type_ = short_type(resource.type)
        by_type[type_][region_of(resource)] += 1
        # Types in the order the source declares them (the engine's registration order varies between runs).
        declared_at[type_] = min(declared_at.get(type_, (resource.source_file, resource.source_line, type_)),
                                 (resource.source_file, resource.source_line, type_))
    clauses: dict[str, list[str]] = defaultdict(list)
    for type_, counts in sorted(by_type.items(), key=lambda item: declared_at[item[0]]):
        total = sum(counts.values())
        plural = total > 1 and len(counts) == 1 or len(set(counts.values())) > 1
        clauses[_where(counts)].append(f"{type_} ×{total}" if plural else type_)
    return "; ".join(f"{', '.join(types)} {where}" for where, types in clauses.items())


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def build_collapsed_tree(result: RunResult, width: int = LINE_WIDTH) -> Tree:
    """Components only, one line each (like siblings of one type as one line, e.g. "ConfigRecording ×17"), saying
    what they declare, cut to the width: `--tree full` has every resource."""
    children: dict[str, list[Registration]] = defaultdict(list)
    for resource in result.resources:
        children[resource.parent].append(resource)

    def resources_under(urn: str) -> list[Registration]:
        found = []
        for kid in children.get(urn, []):
            found.extend([kid] if kid.custom else resources_under(kid.urn))
        return found

    def add(node: Tree, parent_urn: str, depth: int) -> None:
        kids = children.get(parent_urn, [])
        room = width - 4 * (depth + 1)
        own = [k for k in kids if k.custom]
        if own and parent_urn != result.stack_urn:
            node.add(escape(_fit(_declares(own), room)))
        groups: dict[str, list[Registration]] = defaultdict(list)
        for component in (k for k in kids if not k.custom):
            groups[component.type].append(component)
        for type_, group in groups.items():
            label = type_.rsplit(":", 1)[-1]
            inner = [r for c in group for r in resources_under(c.urn)]
            head = f"{label} {group[0].name}" if len(group) == 1 else f"{label} ×{len(group)}"
            if len(group) == 1 and any(not k.custom for k in children.get(group[0].urn, [])):
                add(node.add(f"[cyan]{escape(head)}[/] [dim]({len(inner)} resources)[/]"), group[0].urn, depth + 1)
                continue
            line = _fit(f"{head} ({len(inner)}): {_declares(inner)}", room)
            name, _, rest = line.partition(" (")
            node.add(f"[cyan]{escape(name)}[/] [dim]({escape(rest)}[/]")

    root = Tree(f"[bold]{result.project.name}[/] stack [bold]{result.stack}[/]")
    add(root, result.stack_urn, 0)
    return root


def plan_totals(result: RunResult) -> str:
    custom = [r for r in result.resources if r.custom]
    regions = {region_of(r) for r in custom} - {GLOBAL}
    home = result.stack_outputs.get("homeRegion")
    return (f"{len(custom)} resources in {len(result.resources) - len(custom)} components, {len(regions)} region(s)"
            + (f", home {home}" if home else "") + " (`--tree full`: every resource; `--no-tree`: tables by region and type)")


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


def print_plan(result: RunResult, console: Console | None = None, view: str = "collapsed") -> None:
    """`collapsed` (default), `full` (every resource, both wide tables) or `none` (the tables of `full` only)."""
    console = console or wide_console()
    if view == "collapsed":
        width = min(console.width, LINE_WIDTH)
        console.print(build_collapsed_tree(result, width), width=width)
        console.print(plan_totals(result), width=width, style="dim")
        return
    if view == "full":
        console.print(build_tree(result))
    for table in build_summary(result):
        console.print(table)
