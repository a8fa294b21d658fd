"""grades.csv: one row per student; the total, each unit and each check.

Student names are folder names: cleaned with ``plain`` and guarded against
spreadsheet formula injection (a leading ``= + - @`` gets a ``'``).
"""

import csv
import io

from grader.text import csv_cell


def grades_csv(reports: dict[str, dict]) -> str:
    """The CSV text for ``reports`` (student name -> contract JSON report)."""
    if not reports:
        return "student,score,max_score\n"
    first = next(iter(reports.values()))
    units = [u["unit"] for u in first["units"]]
    checks = [c["id"] for u in first["units"] for c in u["checks"]]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["student", "score", "max_score", *map(csv_cell, units),
                     *map(csv_cell, checks)])
    for student, report in sorted(reports.items()):
        unit_scores = {u["unit"]: u["score"] for u in report["units"]}
        check_scores = {c["id"]: c["score"] for u in report["units"] for c in u["checks"]}
        writer.writerow([csv_cell(student), _num(report["score"]), _num(report["max_score"]),
                         *(_num(unit_scores.get(u, 0)) for u in units),
                         *(_num(check_scores.get(c, 0)) for c in checks)])
    return out.getvalue()


def _num(value: float) -> str:
    return f"{float(value):g}"
