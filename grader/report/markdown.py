"""A student's feedback as Markdown: the score, then what to fix, check by check.

The name (a folder name), flags and feedback (which quote the submission's
exceptions and output) are escaped: they render as the literal text.
"""

from grader.report.table import (
    GRADER_ERROR,
    confinement_of,
    confinement_summary,
    count_grader_errors,
)
from grader.score.scoring import Report
from grader.text import markdown_cell, markdown_escape, plural


def feedback_markdown(student: str, report: Report) -> str:
    """The feedback file for ``student``'s ``report``."""
    lines = [f"# Feedback for {markdown_cell(student)}", "",
             f"**Score: {report.score:g} / {report.max_score:g}**", ""]
    lines += _notes(report)
    for flag in report.flags:
        lines += [f"> **Flag:** {_indented(flag, '> ')}", ""]
    lines += ["| unit | status | points |", "|---|---|---:|"]
    lines += [f"| {markdown_cell(u.unit)} | {markdown_cell(u.status)} | "
              f"{u.score:g} / {u.max_score:g} |" for u in report.units]
    for unit in report.units:
        failing = [c for c in unit.checks if c.status != "passed"]
        if not failing:
            continue
        lines += ["", f"## {markdown_cell(unit.unit)}", ""]
        if unit.status != "graded":
            lines.append(_indented(failing[0].feedback, ""))
            continue
        for check in failing:
            status = check.status
            if status == GRADER_ERROR:
                status = "grader error, not your fault"
            lines.append(f"- **{markdown_escape(check.id)}** ({markdown_cell(status)}, "
                         f"{check.score:g} / {check.max_score:g}): "
                         f"{_indented(check.feedback, '  ')}")
    return "\n".join(lines) + "\n"


def _notes(report: Report) -> list[str]:
    lines = []
    errors = count_grader_errors(report)
    if errors:
        lines += [f"> **Note:** {plural(errors, 'check')} could not be graded because of a "
                  "grader error: these are not your fault. Tell your instructor: they can "
                  "regrade them once the grader is fixed.", ""]
    confinement = confinement_of(report)
    if confinement is not None:
        line, warnings = confinement_summary(confinement)
        lines += [markdown_escape(line), ""]
        lines += [f"- Sandbox warning: {markdown_cell(w)}" for w in warnings]
        lines += [""] if warnings else []
    return lines


def _indented(text: str, prefix: str) -> str:
    """``text`` escaped, its continuation lines prefixed to stay inside the list item or quote."""
    return markdown_escape(text).replace("\n", "\n" + prefix)
