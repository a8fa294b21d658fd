"""A student's feedback as Markdown: the score, then what to fix, check by check.

The name (a folder name), flags and feedback (which quote the submission's
exceptions and output) are escaped: they render as the literal text.
"""

from grader.i18n import DEFAULT, text
from grader.report.table import (
    GRADER_ERROR,
    confinement_of,
    confinement_summary,
    count_grader_errors,
    count_words,
    status_words,
)
from grader.score.scoring import Report
from grader.text import markdown_cell, markdown_escape


def feedback_markdown(student: str, report: Report, lang: str = DEFAULT) -> str:
    """The feedback file for ``student``'s ``report``, its frame in ``lang``."""
    lines = [text("md_title", lang, student=markdown_cell(student)), "",
             text("md_score", lang, score=report.score, max_score=report.max_score), ""]
    lines += _notes(report, lang)
    for flag in report.flags:
        lines += [text("md_flag", lang, flag=_indented(flag, '> ')), ""]
    lines += [text("md_header", lang), "|---|---|---:|"]
    lines += [f"| {markdown_cell(u.unit)} | {markdown_cell(status_words(u.status, lang))} | "
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
            status = status_words(check.status, lang)
            if check.status == GRADER_ERROR:
                status = text("md_grader_error", lang)
            lines.append(f"- **{markdown_escape(check.id)}** ({markdown_cell(status)}, "
                         f"{check.score:g} / {check.max_score:g}): "
                         f"{_indented(check.feedback, '  ')}")
    return "\n".join(lines) + "\n"


def _notes(report: Report, lang: str) -> list[str]:
    lines = []
    errors = count_grader_errors(report)
    if errors:
        lines += [text("md_note", lang, count=count_words(errors, lang)), ""]
    confinement = confinement_of(report)
    if confinement is not None:
        line, warnings = confinement_summary(confinement, lang)
        lines += [markdown_escape(line), ""]
        lines += [text("md_sandbox_warning", lang, warning=markdown_cell(w)) for w in warnings]
        lines += [""] if warnings else []
    return lines


def _indented(text: str, prefix: str) -> str:
    """``text`` escaped, its continuation lines prefixed to stay inside the list item or quote."""
    return markdown_escape(text).replace("\n", "\n" + prefix)
