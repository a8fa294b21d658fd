"""The class table printed after grading a class."""

from pathlib import Path

from rich.console import Console
from rich.table import Table

from grader.batch.classfiles import CLASS_REPORT, GRADES
from grader.batch.store import FEEDBACK, REPORTS


def print_class(reports: dict[str, dict], out: Path, console: Console) -> None:
    if not reports:
        console.print("No submissions found.")
        return
    units = [u["unit"] for u in next(iter(reports.values()))["units"]]
    table = Table(title="class grades")
    table.add_column("student")
    for unit in units:
        table.add_column(unit, justify="right")
    top = next(iter(reports.values()))["max_score"]
    table.add_column(f"total / {top:g}", justify="right")
    for student, report in sorted(reports.items()):
        scores = {u["unit"]: u for u in report["units"]}
        cells = [_cell(scores[unit]) for unit in units]
        table.add_row(student, *cells, f"[bold]{report['score']:g}")
    console.print(table)
    console.print(f"Grades: {out / GRADES}\nClass report: {out / CLASS_REPORT}\n"
                  f"Per-student reports: {out / REPORTS}/ and feedback: {out / FEEDBACK}/")


def _cell(unit: dict) -> str:
    if unit["status"] == "missing":
        return "[dim]-[/]"
    style = "green" if unit["score"] == unit["max_score"] else "red" if unit["score"] == 0 else ""
    text = f"{unit['score']:g}"
    return f"[{style}]{text}[/]" if style else text
