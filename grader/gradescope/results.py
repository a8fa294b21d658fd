"""Turn a report into Gradescope's results.json (one test per rubric check).

Feedback quotes the submission, so every ``output`` goes through ``plain`` and
is declared ``text``: Gradescope then shows it as typed, never as HTML or Markdown.
"""

from grader.i18n import DEFAULT, about, text
from grader.report.table import GRADER_ERROR, count_grader_errors, count_words
from grader.score.rubric import load_rubric
from grader.score.scoring import Report
from grader.text import plain

VISIBILITIES = ("after_published", "after_due_date", "visible", "hidden")
TEXT = "text"


def results(report: Report, visibility: str = "after_published", lang: str = DEFAULT) -> dict:
    """Gradescope's results for ``report``: details shown per ``visibility``, text in ``lang``."""
    abouts = {c.id: c.about for checks in load_rubric().values() for c in checks}
    tests = []
    for number, unit in enumerate(report.units, start=1):
        for index, check in enumerate(unit.checks, start=1):
            tests.append({
                "name": _name(check.id, abouts.get(check.id, ""), lang),
                "name_format": TEXT,
                "number": f"{number}.{index}",
                "score": check.score,
                "max_score": check.max_score,
                "status": "passed" if check.status == "passed" else "failed",
                "output": _output(check, lang),
                "output_format": TEXT,
                "visibility": visibility,
            })
    return {
        "score": report.score,
        "output": _summary(report, visibility, lang),
        "output_format": TEXT,
        "test_output_format": TEXT,
        "test_name_format": TEXT,
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
    }


def _name(check: str, english: str, lang: str) -> str:
    """``<check id>: <what it grades>``, the words in ``lang``."""
    if lang == DEFAULT or not english:
        return f"{check}: {english}".rstrip(": ")
    return text("gs_name", lang, check=check, about=about(english, lang))


def _output(check, lang: str) -> str:
    feedback = plain(check.feedback or "")
    if check.status == GRADER_ERROR:
        return text("gs_not_graded", lang) + feedback
    return feedback or text("gs_passed", lang)


def _summary(report: Report, visibility: str, lang: str) -> str:
    graded = [u.unit for u in report.units if u.status != "missing"]
    files = ", ".join(f"{u}.py" for u in graded) or text("gs_no_files", lang)
    lines = [text("gs_received", lang, files=files)]
    lines += [text("gs_flag", lang, flag=plain(flag)) for flag in report.flags]
    errors = count_grader_errors(report)
    if errors:
        lines.append(text("gs_warning", lang, count=count_words(errors, lang)))
    if visibility != "visible":
        lines.append(text("gs_hidden", lang))
    return "\n".join(lines)
