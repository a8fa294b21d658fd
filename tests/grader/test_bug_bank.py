"""The bug bank: each plausible student bug loses points exactly where it breaks.

Every ``tests/submissions/bugs/<unit>/<bug>.py`` is graded through the real
grader, alone in a submission folder, and must fail exactly the checks that
``bugs.toml`` lists for it, and where it lists ``says``, name that likely
mistake in the feedback. Every ``tests/submissions/alt/<unit>.py`` (correct,
but written differently) must score full marks.
"""

import shutil
from pathlib import Path

import pytest

from grader.compat import tomllib
from grader.pipeline import grade

BANK = Path(__file__).resolve().parents[1] / "submissions"


def _bugs():
    for listing in sorted((BANK / "bugs").glob("*/bugs.toml")):
        unit = listing.parent.name
        for bug, entry in tomllib.loads(listing.read_text()).items():
            yield pytest.param(unit, bug, entry["fails"], entry.get("says"), id=f"{unit}-{bug}")


def _grade_alone(source: Path, unit: str, folder: Path):
    shutil.copyfile(source, folder / f"{unit}.py")
    (unit_report,) = grade(folder, [unit]).units
    return unit_report


@pytest.mark.parametrize("unit, bug, fails, says", list(_bugs()))
def test_bug_fails_exactly_its_checks(unit, bug, fails, says, tmp_path, record_catch):
    report = _grade_alone(BANK / "bugs" / unit / f"{bug}.py", unit, tmp_path)
    record_catch(unit, report.score < report.max_score)
    failing = {c.id: c.feedback for c in report.checks if c.status != "passed"}
    assert set(failing) == set(fails), failing
    assert report.score < report.max_score
    if says:  # the diagnosis the feedback must give
        assert any(says in feedback for feedback in failing.values()), failing


@pytest.mark.parametrize("source", sorted((BANK / "alt").glob("*.py")), ids=lambda p: p.stem)
def test_alternative_solution_gets_full_marks(source, tmp_path):
    report = _grade_alone(source, source.stem, tmp_path)
    failing = {c.id: c.feedback for c in report.checks if c.status != "passed"}
    assert not failing
    assert report.score == report.max_score
