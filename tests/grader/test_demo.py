"""The demo's sample class: each synthetic student carries what the demo promises."""

import pytest

from grader.demo import build_demo_class
from grader.pipeline import grade


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    return folder, build_demo_class(folder)


def test_the_class_has_a_dozen_students(demo):
    folder, names = demo
    assert len(names) >= 12
    assert sorted(p.name for p in (folder / "max").iterdir()) == ["activations.py", "losses.py"]
    assert "is not implemented yet" in (folder / "ben" / "conv.py").read_text()


@pytest.mark.parametrize("student, unit, status", [
    ("jay", "activations", "timeout"),
    ("kai", "losses", "error"),
    ("lea", "linear", "error"),
    ("hana", "rnn", "failed"),
])
def test_each_sabotage_costs_its_own_unit(demo, student, unit, status):
    folder, _ = demo
    (result,) = grade(folder / student, [unit], timeout=2).units
    assert status in {c.status for c in result.checks}
    assert 0 <= result.score < result.max_score


def test_dlmath_demo_hands_the_class_to_grade_class_with_its_options(tmp_path, monkeypatch,
                                                                     capsys):
    """The command's own path, up to the pool: every option grade-class takes, with the demo's."""
    from types import SimpleNamespace

    from grader import cli
    from grader.batch import pool

    seen = {}

    def fake_grade_class(submissions, out, **options):
        seen.update(options, submissions=submissions)
        return SimpleNamespace(skipped=[], students={})

    monkeypatch.setattr(pool, "grade_class", fake_grade_class)
    assert cli.main(["demo", "--out", str(tmp_path), "--lang", "zh-CN", "--timeout", "3"]) == 0
    assert seen["submissions"] == tmp_path / "submissions"
    assert seen["lang"] == "zh-CN" and seen["timeout"] == 3 and seen["regrade"] is True
    assert seen["scheduler"] is None and seen["units"] is None and seen["sandbox_mode"] == "require"
    assert cli.main(["demo", "--out", str(tmp_path), "--lang", "xx"]) == 2
    assert capsys.readouterr().err.count("\n") == 1
