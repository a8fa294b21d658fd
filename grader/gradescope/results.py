"""Turn a report into Gradescope's results.json (one test per rubric check)."""

from grader.score.rubric import load_rubric
from grader.score.scoring import Report

VISIBILITIES = ("after_published", "after_due_date", "visible", "hidden")


def results(report: Report, visibility: str = "after_published") -> dict:
    """Gradescope's results for ``report``; checks' details shown per ``visibility``."""
    about = {c.id: c.about for checks in load_rubric().values() for c in checks}
    tests = []
    for number, unit in enumerate(report.units, start=1):
        for index, check in enumerate(unit.checks, start=1):
            tests.append({
                "name": f"{check.id}: {about.get(check.id, '')}".rstrip(": "),
                "number": f"{number}.{index}",
                "score": check.score,
                "max_score": check.max_score,
                "status": "passed" if check.status == "passed" else "failed",
                "output": check.feedback or "passed",
                "visibility": visibility,
            })
    return {
        "score": report.score,
        "output": _summary(report, visibility),
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
    }


def _summary(report: Report, visibility: str) -> str:
    graded = [u.unit for u in report.units if u.status != "missing"]
    lines = [f"Received: {', '.join(f'{u}.py' for u in graded) or 'no unit files'}."]
    lines += [f"Flag: {flag}" for flag in report.flags]
    if visibility != "visible":
        lines.append("Each unit is graded by hidden checks against PyTorch; their scores and "
                     "feedback appear here once the grades are published. Run the public "
                     "checks (`dlmath check`) to test your code before submitting.")
    return "\n".join(lines)
