"""The checks and the rubric agree, and a failure of the grader is never the student's.

Both tests grade the reference solutions with a copy of the hidden suite of
activations in which one thing is broken: a check id misspelled, or the torch
oracle failing.
"""

import shutil
import sys

import pytest

from grader.paths import HIDDEN_TESTS, SOLUTIONS
from grader.pipeline import grade
from grader.run.suite import SuiteError
from tests import oracle

UNIT = "activations"
BROKEN_ORACLE = '''


def _broken_leaf(x, grad=True):
    """The oracle failing inside torch, as a wrong torch version might."""
    return oracle.torch.zeros(2) @ oracle.torch.zeros(3)


oracle._leaf = _broken_leaf
'''


@pytest.fixture
def suite(tmp_path, monkeypatch):
    """A copy of the hidden suite; whatever it does to modules is undone afterwards."""
    monkeypatch.setattr(oracle, "_leaf", oracle._leaf)
    monkeypatch.delitem(sys.modules, f"test_{UNIT}", raising=False)
    folder = tmp_path / "hidden"
    folder.mkdir()
    shutil.copy(HIDDEN_TESTS / f"test_{UNIT}.py", folder)
    yield folder
    sys.modules.pop(f"test_{UNIT}", None)  # the copy's module, never the real suite's


def test_a_misspelled_check_id_fails_collection(suite):
    test_file = suite / f"test_{UNIT}.py"
    source = test_file.read_text()
    misspelled = source.replace('checked(ELEMENTWISE, "{}_backward"',
                                'checked(ELEMENTWISE, "{}_backwrd"', 1)
    assert misspelled != source
    test_file.write_text(misspelled)
    with pytest.raises(SuiteError, match="the checks do not match the rubric"):
        grade(SOLUTIONS, [UNIT], suite=suite)


def test_an_oracle_exception_is_a_grader_error(suite):
    test_file = suite / f"test_{UNIT}.py"
    test_file.write_text(test_file.read_text() + BROKEN_ORACLE)
    report = grade(SOLUTIONS, [UNIT], suite=suite)
    statuses = {c.id: c.status for c in report.units[0].checks}
    assert report.grader_errors, statuses
    assert set(statuses.values()) <= {"passed", "grader_error"}  # nothing charged to the student
    broken = [c for c in report.units[0].checks if c.status == "grader_error"]
    assert all(c.score == 0 and "not your mistake" in c.feedback for c in broken)
