"""Turn a report into Gradescope's results.json (one test per rubric check).

Feedback quotes the submission, so every ``output`` goes through ``plain`` and
is declared ``text``: Gradescope then shows it as typed, never as HTML or Markdown.
"""

from grader.report.table import GRADER_ERROR, count_grader_errors
from grader.score.rubric import load_rubric
from grader.score.scoring import Report
from grader.text import plain, plural

VISIBILITIES = ("after_published", "after_due_date", "visible", "hidden")
TEXT = "text"
NOT_GRADED = ("Not graded: the grader failed on this check, not your code; this is not your "
              "fault. Tell your instructor. What went wrong: ")


def results(report: Report, visibility: str = "after_published") -> dict:
    """Gradescope's results for ``report``; checks' details shown per ``visibility``."""
    about = {c.id: c.about for checks in load_rubric().values() for c in checks}
    tests = []
    for number, unit in enumerate(report.units, start=1):
        for index, check in enumerate(unit.checks, start=1):
            tests.append({
                "name": f"{check.id}: {about.get(check.id, '')}".rstrip(": "),
                "name_format": TEXT,
                "number": f"{number}.{index}",
                "score": check.score,
                "max_score": check.max_score,
                "status": "passed" if check.status == "passed" else "failed",
                "output": _output(check),
                "output_format": TEXT,
                "visibility": visibility,
            })
    return {
        "score": report.score,
        "output": _summary(report, visibility),
        "output_format": TEXT,
        "test_output_format": TEXT,
        "test_name_format": TEXT,
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
    }


def _output(check) -> str:
    feedback = plain(check.feedback or "")
    if check.status == GRADER_ERROR:
        return NOT_GRADED + feedback
    return feedback or "passed"


def _summary(report: Report, visibility: str) -> str:
    graded = [u.unit for u in report.units if u.status != "missing"]
    lines = [f"Received: {', '.join(f'{u}.py' for u in graded) or 'no unit files'}."]
    lines += [f"Flag: {plain(flag)}" for flag in report.flags]
    errors = count_grader_errors(report)
    if errors:
        lines.append(f"Warning: {plural(errors, 'check')} could not be graded because of a "
                     "grader error: these are not your fault. Tell your instructor.")
    if visibility != "visible":
        lines.append("Each unit is graded by hidden checks against PyTorch; their scores and "
                     "feedback appear here once the grades are published. Run the public "
                     "checks (`dlmath check`) to test your code before submitting.")
    return "\n".join(lines)
