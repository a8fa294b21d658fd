"""Per-student results in the output folder, each written atomically when done."""

import json
import os
from pathlib import Path

from grader.report.json_report import to_json
from grader.report.layout import FEEDBACK, REPORTS
from grader.report.markdown import feedback_markdown
from grader.score.scoring import Report

# The longest file name made from a student's name is '.<name>.json.partial', and file
# systems refuse names over 255 bytes: longer student names are refused at discovery.
MAX_NAME_BYTES = 255 - len("..json.partial")


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` so that ``path`` is either absent or complete, never half-written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(text)
    os.replace(partial, path)


def save(out: Path, student: str, report: Report, lang: str = "en") -> None:
    """The student's JSON report, then (last, as the mark of completion) nothing else."""
    write_atomic(out / FEEDBACK / f"{student}.md", feedback_markdown(student, report, lang))
    write_atomic(out / REPORTS / f"{student}.json", to_json(report, lang=lang))


def is_done(out: Path, student: str, lang: str = "en") -> bool:
    """Graded already, with feedback in ``lang`` (a report in another language is redone)."""
    path = out / REPORTS / f"{student}.json"
    return path.exists() and json.loads(path.read_text()).get("lang", "en") == lang


def load_all(out: Path) -> dict[str, dict]:
    """Every finished student's report, by name, sorted."""
    return {p.stem: json.loads(p.read_text()) for p in sorted((out / REPORTS).glob("*.json"))}
