"""Step 4b: the terminal table of units and checks, with feedback for what failed."""

from rich.console import Console
from rich.table import Table

from grader.score.scoring import Report

STYLE = {"passed": "green", "failed": "red", "error": "magenta", "timeout": "yellow",
         "graded": "green", "missing": "dim"}


def render(report: Report, console: Console) -> None:
    table = Table(title="dlmath grade", show_lines=False)
    for column, justify in (("check", "left"), ("status", "left"), ("points", "right")):
        table.add_column(column, justify=justify)
    for unit in report.units:
        table.add_row(f"[bold]{unit.unit}[/bold]", _styled(unit.status),
                      f"[bold]{unit.score:g} / {unit.max_score:g}[/bold]")
        if unit.status == "graded":
            for check in unit.checks:
                table.add_row(f"  {check.id.split('/', 1)[1]}", _styled(check.status),
                              f"{check.score:g} / {check.max_score:g}")
    table.add_section()
    table.add_row("[bold]total[/bold]", "", f"[bold]{report.score:g} / {report.max_score:g}[/bold]")
    console.print(table)
    _print_feedback(report, console)


def _print_feedback(report: Report, console: Console) -> None:
    for flag in report.flags:
        console.print(f"[bold magenta]flag:[/bold magenta] {flag}", highlight=False)
    for unit in report.units:
        failing = [c for c in unit.checks if c.status != "passed"]
        if unit.status != "graded" and failing:
            console.print(f"[bold]{unit.unit}[/bold]: {failing[0].feedback}", highlight=False)
            continue
        for check in failing:
            console.print(f"[bold]{check.id}[/bold] ({check.status}): {check.feedback}",
                          highlight=False)


def _styled(status: str) -> str:
    return f"[{STYLE.get(status, 'white')}]{status}[/]"


def render_capstones(results: list, console: Console) -> None:
    """Each capstone's metric beside its target (capstones earn no points)."""
    table = Table(title="capstones (no points)")
    for column in ("capstone", "metric", "reached", "target", "seconds", ""):
        table.add_column(column)
    for r in results:
        value = "-" if r.value is None else f"{r.value:.4g}"
        seconds = "-" if r.seconds is None else f"{r.seconds:.1f}"
        verdict = "[green]yes[/]" if r.reached else f"[red]no[/] {r.message}"
        table.add_row(r.name, r.metric, value, f"{r.target:.4g}", seconds, verdict)
    console.print(table)
