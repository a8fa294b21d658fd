"""grades.csv: one row per student; the total, each unit and each check."""

import csv
import io


def grades_csv(reports: dict[str, dict]) -> str:
    """The CSV text for ``reports`` (student name -> contract JSON report)."""
    if not reports:
        return "student,score,max_score\n"
    first = next(iter(reports.values()))
    units = [u["unit"] for u in first["units"]]
    checks = [c["id"] for u in first["units"] for c in u["checks"]]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["student", "score", "max_score", *units, *checks])
    for student, report in sorted(reports.items()):
        unit_scores = {u["unit"]: u["score"] for u in report["units"]}
        check_scores = {c["id"]: c["score"] for u in report["units"] for c in u["checks"]}
        writer.writerow([student, _num(report["score"]), _num(report["max_score"]),
                         *(_num(unit_scores.get(u, 0)) for u in units),
                         *(_num(check_scores.get(c, 0)) for c in checks)])
    return out.getvalue()


def _num(value: float) -> str:
    return f"{value:g}"
