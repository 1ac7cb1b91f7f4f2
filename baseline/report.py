"""The human-readable plan: a tree of components and their children grouped by region, and a summary."""

from collections import Counter, defaultdict

from rich.console import Console
from rich.table import Table
from rich.tree import Tree

from baseline.engine import Registration, RunResult

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


def build_summary(result: RunResult) -> Table:
    custom = [r for r in result.resources if r.custom]
    counts = Counter((r.type, region_of(r)) for r in custom)
    regions = sorted({region for _, region in counts}, key=lambda r: (r == GLOBAL, r))
    table = Table(title=f"Resources by type and region ({len(custom)} resources, {len(result.resources) - len(custom)} components)")
    table.add_column("type")
    for region in regions:
        table.add_column(region, justify="right")
    table.add_column("total", justify="right", style="bold")
    for type_ in sorted({t for t, _ in counts}):
        row = [str(counts.get((type_, region), "") or "") for region in regions]
        table.add_row(short_type(type_), *row, str(sum(counts[(type_, r)] for r in regions)))
    per_region = [str(sum(v for (t, r), v in counts.items() if r == region)) for region in regions]
    table.add_row("[bold]total[/]", *per_region, str(len(custom)), end_section=True)
    return table


def print_plan(result: RunResult, console: Console | None = None, tree: bool = True) -> None:
    console = console or Console()
    if tree:
        console.print(build_tree(result))
    console.print(build_summary(result))
