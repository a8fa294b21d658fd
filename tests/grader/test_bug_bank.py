"""The bug bank: each plausible student bug loses points exactly where it breaks.

Every bug of ``tests/submissions/bugs/<unit>/bugs.toml`` (the solution with
one patch, see ``grader.authoring.bugs``) is graded through the real grader,
alone in a submission folder, and must fail exactly the checks listed for it,
and where it says so, name that likely mistake in the feedback. Every
``tests/submissions/alt/<unit>.py`` (correct, but written differently) must
score full marks.

The bank is graded as one class by ``grade_class`` with two workers: the
selected submissions only, each in its own child, as a teaching assistant
would grade them.
"""

from pathlib import Path

import pytest

from grader.authoring.bugs import load_bank
from grader.batch import store
from grader.batch.pool import grade_class
from grader.score.rubric import load_rubric

ALTS = sorted((Path(__file__).resolve().parents[1] / "submissions" / "alt").glob("*.py"))
BANK = {(bug.unit, bug.name): bug for bug in load_bank()}


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
        if "bug" in params.params:
            bug = params.params["bug"]
            unit, name, source = bug.unit, bug.name, bug.source()
        else:  # an alternative submission
            unit, name, source = params.params["source"].stem, None, params.params[
                "source"].read_text()
        folder = klass / "submissions" / _student(unit, name)
        folder.mkdir(parents=True, exist_ok=True)  # a bug may serve several tests
        (folder / f"{unit}.py").write_text(source)
    grade_class(klass / "submissions", klass / "out", jobs=2)
    return store.load_all(klass / "out")


def _unit(report: dict, unit: str) -> dict:
    return next(u for u in report["units"] if u["unit"] == unit)


@pytest.mark.parametrize("bug", BANK.values(), ids=[f"{u}-{n}" for u, n in BANK])
def test_bug_fails_exactly_its_checks(bug, bank_reports, record_catch):
    report = _unit(bank_reports[_student(bug.unit, bug.name)], bug.unit)
    record_catch(bug.unit, report["score"] < report["max_score"])
    failing = {c["id"]: c["feedback"] for c in report["checks"] if c["status"] != "passed"}
    assert set(failing) == set(bug.fails), failing
    assert report["score"] < report["max_score"]
    if bug.says:  # the diagnosis the feedback must give
        assert any(bug.says in feedback for feedback in failing.values()), failing


@pytest.mark.parametrize("source", ALTS, ids=lambda p: p.stem)
def test_alternative_solution_gets_full_marks(source, bank_reports):
    report = _unit(bank_reports[_student(source.stem, None)], source.stem)
    failing = {c["id"]: c["feedback"] for c in report["checks"] if c["status"] != "passed"}
    assert not failing
    assert report["score"] == report["max_score"]


# Declared in grader/rubric/attention.toml: every attention check but the forward's own
# depends, directly or through another check, on scaled_dot_product_attention_forward.
ROOT_CAUSES = [(BANK["attention", "sdpa_no_scale"], "scaled_dot_product_attention_forward")]


@pytest.mark.parametrize("bug, function", ROOT_CAUSES, ids=lambda v: getattr(v, "name", v))
def test_dependent_checks_name_the_root_cause(bug, function, bank_reports):
    """One missing 1/sqrt(E) fails seven checks: the six downstream ones say where to look."""
    report = _unit(bank_reports[_student(bug.unit, bug.name)], bug.unit)
    failing = {c["id"]: c for c in report["checks"] if c["status"] != "passed"}
    own = f"{bug.unit}/{function}"
    downstream = {i: c["feedback"] for i, c in failing.items() if i != own}
    assert len(downstream) == len(bug.fails) - 1 >= 1
    for check_id, feedback in downstream.items():
        named = feedback.partition("Likely root cause: ")[2].partition(" too (")[0]
        assert function in named.split(" and ")[0], (check_id, feedback)
    assert "Likely root cause" not in failing[own]["feedback"]
    points = {c.id: c.points for c in load_rubric()[bug.unit]}  # naming costs nothing more
    assert {c["id"]: c["max_score"] for c in report["checks"]} == points
    assert report["score"] == sum(points[i] for i in points if i not in failing)
