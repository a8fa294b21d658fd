"""The class table printed after grading a class."""

from pathlib import Path

from rich.console import Console
from rich.table import Table

from grader.i18n import DEFAULT, text
from grader.report.class_report import class_lang, count_of, grader_errors
from grader.report.layout import CLASS_REPORT, FEEDBACK, GRADES, REPORTS
from grader.report.table import confinement_of, confinement_summary, is_full
from grader.text import rich_escape, rich_text


def print_class(reports: dict[str, dict], out: Path, console: Console) -> None:
    """One row per student (names escaped: they are folder names), a column per unit.

    In the language of the students' feedback when they share one (English otherwise)."""
    if not reports:
        console.print("No submissions found.")
        return
    lang = class_lang(reports)
    units = [u["unit"] for u in next(iter(reports.values()))["units"]]
    table = Table(title=text("ct_title", lang))
    table.add_column(text("ct_student", lang))
    for unit in units:
        table.add_column(rich_text(rich_escape(unit)), justify="right")
    top = next(iter(reports.values()))["max_score"]
    table.add_column(text("ct_total", lang, top=top), justify="right")
    for student, report in sorted(reports.items()):
        scores = {u["unit"]: u for u in report["units"]}
        cells = [_cell(scores[unit]) if unit in scores else "[dim]-[/]" for unit in units]
        table.add_row(rich_text(rich_escape(_one_line(student))), *map(rich_text, cells),
                      rich_text(f"[bold]{report['score']:g}"))
    console.print(table)
    print_grader_errors(reports, console, lang)
    print_weak_sandboxes(reports, console, lang)
    console.print(text("ct_files", lang, grades=out / GRADES, report=out / CLASS_REPORT,
                       reports=out / REPORTS, feedback=out / FEEDBACK),
                  markup=False, emoji=False, highlight=False)


def print_grader_errors(reports: dict[str, dict], console: Console,
                        lang: str = DEFAULT) -> None:
    """A loud warning when the grader, not the students, failed on some checks."""
    errors = grader_errors(reports)
    total = sum(len(found) for found in errors.values())
    if not total:
        return
    students = sorted({student for found in errors.values() for student, _ in found})
    warning = text("ct_errors_warning", lang, count=count_of(total, "check", lang))
    rest = text("ct_errors_rest", lang, students=rich_escape(", ".join(students)))
    console.print(rich_text(f"[bold red]{warning}[/]{rest}"))


def print_weak_sandboxes(reports: dict[str, dict], console: Console,
                         lang: str = DEFAULT) -> None:
    """A loud warning naming the students whose submission was not fully sandboxed."""
    weak = {}
    for student, report in sorted(reports.items()):
        confinement = confinement_of(report)
        if confinement is not None and not is_full(confinement):
            weak[student] = confinement_summary(confinement, lang)[0]
    if weak:
        warning = text("ct_weak", lang, count=count_of(len(weak), "submission", lang))
        console.print(rich_text(
            f"[bold red]{warning}[/] "
            + rich_escape(text("ct_weak_sep", lang).join(f"{name}: {line}"
                                                         for name, line in weak.items()))))


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
