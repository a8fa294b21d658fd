"""The class-level files, built from the stored per-student reports alone."""

from pathlib import Path

from grader.batch import store
from grader.report.class_report import write_class_report
from grader.report.csv_report import grades_csv
from grader.report.layout import CLASS_REPORT, GRADES


def write_class_files(out: Path, students: list[str]) -> dict[str, dict]:
    """grades.csv and class_report.md (with its plots) for ``students``."""
    reports = {name: report for name, report in store.load_all(out).items() if name in students}
    store.write_atomic(out / GRADES, grades_csv(reports))
    store.write_atomic(out / CLASS_REPORT, write_class_report(reports, out))
    return reports
