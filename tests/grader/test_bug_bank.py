"""The bug bank: each plausible student bug loses points exactly where it breaks.

Every ``tests/submissions/bugs/<unit>/<bug>.py`` is graded through the real
grader, alone in a submission folder, and must fail exactly the checks that
``bugs.toml`` lists for it, and where it lists ``says``, name that likely
mistake in the feedback. Every ``tests/submissions/alt/<unit>.py`` (correct,
but written differently) must score full marks.

The bank is graded as one class by ``grade_class`` with two workers: the
selected submissions only, each in its own child, as a teaching assistant
would grade them.
"""

import shutil
from pathlib import Path

import pytest

from grader.batch import store
from grader.batch.pool import grade_class
from grader.compat import tomllib

BANK = Path(__file__).resolve().parents[1] / "submissions"
ALTS = sorted((BANK / "alt").glob("*.py"))


def _bugs():
    for listing in sorted((BANK / "bugs").glob("*/bugs.toml")):
        unit = listing.parent.name
        for bug, entry in tomllib.loads(listing.read_text()).items():
            yield pytest.param(unit, bug, entry["fails"], entry.get("says"), id=f"{unit}-{bug}")


def _student(unit: str, bug: str | None) -> str:
    return f"{unit}--{bug}" if bug else f"{unit}--alt"


@pytest.fixture(scope="module")
def bank_reports(request, tmp_path_factory) -> dict[str, dict]:
    """Grade every selected bank submission as one class; reports by student name."""
    klass = tmp_path_factory.mktemp("bank")
    for item in request.session.items:
        params = getattr(item, "callspec", None)
        if item.module is not request.module or params is None:
            continue
        unit, bug = params.params.get("unit"), params.params.get("bug")
        if unit is None:  # an alternative submission
            source = params.params["source"]
            unit, bug = source.stem, None
        else:
            source = BANK / "bugs" / unit / f"{bug}.py"
        folder = klass / "submissions" / _student(unit, bug)
        folder.mkdir(parents=True)
        shutil.copyfile(source, folder / f"{unit}.py")
    grade_class(klass / "submissions", klass / "out", jobs=2)
    return store.load_all(klass / "out")


def _unit(report: dict, unit: str) -> dict:
    return next(u for u in report["units"] if u["unit"] == unit)


@pytest.mark.parametrize("unit, bug, fails, says", list(_bugs()))
def test_bug_fails_exactly_its_checks(unit, bug, fails, says, bank_reports, record_catch):
    report = _unit(bank_reports[_student(unit, bug)], unit)
    record_catch(unit, report["score"] < report["max_score"])
    failing = {c["id"]: c["feedback"] for c in report["checks"] if c["status"] != "passed"}
    assert set(failing) == set(fails), failing
    assert report["score"] < report["max_score"]
    if says:  # the diagnosis the feedback must give
        assert any(says in feedback for feedback in failing.values()), failing


@pytest.mark.parametrize("source", ALTS, ids=lambda p: p.stem)
def test_alternative_solution_gets_full_marks(source, bank_reports):
    report = _unit(bank_reports[_student(source.stem, None)], source.stem)
    failing = {c["id"]: c["feedback"] for c in report["checks"] if c["status"] != "passed"}
    assert not failing
    assert report["score"] == report["max_score"]
