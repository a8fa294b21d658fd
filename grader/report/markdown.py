"""A student's feedback as Markdown: the score, then what to fix, check by check."""

from grader.score.scoring import Report


def feedback_markdown(student: str, report: Report) -> str:
    lines = [f"# Feedback for {student}", "",
             f"**Score: {report.score:g} / {report.max_score:g}**", ""]
    for flag in report.flags:
        lines += [f"> **Flag:** {flag}", ""]
    lines += ["| unit | status | points |", "|---|---|---:|"]
    lines += [f"| {u.unit} | {u.status} | {u.score:g} / {u.max_score:g} |" for u in report.units]
    for unit in report.units:
        failing = [c for c in unit.checks if c.status != "passed"]
        if not failing:
            continue
        lines += ["", f"## {unit.unit}", ""]
        if unit.status != "graded":
            lines.append(failing[0].feedback)
            continue
        for check in failing:
            lines.append(f"- **{check.id}** ({check.status}, 0 / {check.max_score:g}): "
                         f"{check.feedback}")
    return "\n".join(lines) + "\n"
