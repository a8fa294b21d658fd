"""The class table printed after grading a class."""

from pathlib import Path

from rich.console import Console
from rich.table import Table

from grader.report.class_report import grader_errors
from grader.report.layout import CLASS_REPORT, FEEDBACK, GRADES, REPORTS
from grader.report.table import confinement_of, confinement_summary, is_full
from grader.text import plural, rich_escape, rich_text


def print_class(reports: dict[str, dict], out: Path, console: Console) -> None:
    """One row per student (names escaped: they are folder names), a column per unit."""
    if not reports:
        console.print("No submissions found.")
        return
    units = [u["unit"] for u in next(iter(reports.values()))["units"]]
    table = Table(title="class grades")
    table.add_column("student")
    for unit in units:
        table.add_column(rich_text(rich_escape(unit)), justify="right")
    top = next(iter(reports.values()))["max_score"]
    table.add_column(f"total / {top:g}", justify="right")
    for student, report in sorted(reports.items()):
        scores = {u["unit"]: u for u in report["units"]}
        cells = [_cell(scores[unit]) if unit in scores else "[dim]-[/]" for unit in units]
        table.add_row(rich_text(rich_escape(_one_line(student))), *map(rich_text, cells),
                      rich_text(f"[bold]{report['score']:g}"))
    console.print(table)
    print_grader_errors(reports, console)
    print_weak_sandboxes(reports, console)
    console.print(f"Grades: {out / GRADES}\nClass report: {out / CLASS_REPORT}\n"
                  f"Per-student reports: {out / REPORTS}/ and feedback: {out / FEEDBACK}/",
                  markup=False, emoji=False, highlight=False)


def print_grader_errors(reports: dict[str, dict], console: Console) -> None:
    """A loud warning when the grader, not the students, failed on some checks."""
    errors = grader_errors(reports)
    total = sum(len(found) for found in errors.values())
    if not total:
        return
    students = sorted({student for found in errors.values() for student, _ in found})
    console.print(rich_text(
        f"[bold red]WARNING: {plural(total, 'check')} could not be graded because of a grader "
        "error: these are not the students' fault.[/] Their units are marked ! above; they "
        f"count in no pass rate. Fix the grader and regrade: {rich_escape(', '.join(students))}"))


def print_weak_sandboxes(reports: dict[str, dict], console: Console) -> None:
    """A loud warning naming the students whose submission was not fully sandboxed."""
    weak = {}
    for student, report in sorted(reports.items()):
        confinement = confinement_of(report)
        if confinement is not None and not is_full(confinement):
            weak[student] = confinement_summary(confinement)[0]
    if weak:
        console.print(rich_text(
            f"[bold red]WARNING: {plural(len(weak), 'submission')} not fully sandboxed:[/] "
            + rich_escape("; ".join(f"{name}: {line}" for name, line in weak.items()))))


def _one_line(name: str) -> str:
    """A folder name on one line: a line break in it shows as ␤ instead of starting a row
    of its own in the table."""
    return "\u2424".join(name.splitlines()) if name else name


def _cell(unit: dict) -> str:
    if unit["status"] == "missing":
        return "[dim]-[/]"
    style = "green" if unit["score"] == unit["max_score"] else "red" if unit["score"] == 0 else ""
    text = f"{unit['score']:g}"
    if any(c["status"] == "grader_error" for c in unit["checks"]):
        return f"[magenta]{text}![/]"
    return f"[{style}]{text}[/]" if style else text
