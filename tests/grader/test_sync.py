"""``dlmath sync``: exercises/ is generated from solutions/ and never stale."""

import pytest

from grader.authoring.sync import MarkerError, strip_solutions, sync
from grader.cli import main
from grader.paths import EXERCISES, SOLUTIONS

SOURCE = '''"""A unit."""

import numpy as np


def _helper(x):
    return x


def double_forward(x):
    """Twice x."""
    ### BEGIN SOLUTION
    out = 2 * x
    return out, None
    ### END SOLUTION


class Box:
    def method(self):
        if True:
            ### BEGIN SOLUTION
            return 1
            ### END SOLUTION
'''


def test_exercises_are_up_to_date():
    result = sync(SOLUTIONS, EXERCISES, check=True)
    assert not result.stale, f"run `dlmath sync`: stale {result.written + result.removed}"


def test_sync_check_command_exits_zero_when_up_to_date():
    assert main(["sync", "--check"]) == 0


def test_regions_become_raises_at_their_indentation():
    stub = strip_solutions(SOURCE)
    assert '    raise NotImplementedError("double_forward is not implemented yet")\n' in stub
    assert '            raise NotImplementedError("method is not implemented yet")\n' in stub
    assert "2 * x" not in stub and "SOLUTION" not in stub
    assert '    """Twice x."""' in stub and "def _helper(x):\n    return x" in stub


@pytest.mark.parametrize("broken", [
    "def f():\n    ### BEGIN SOLUTION\n    return 1\n",
    "def f():\n    return 1\n    ### END SOLUTION\n",
    "### BEGIN SOLUTION\nx = 1\n### END SOLUTION\n",
])
def test_unpaired_or_stray_markers_are_refused(broken):
    with pytest.raises(MarkerError):
        strip_solutions(broken)


def test_check_reports_stale_and_extra_files_and_sync_repairs_them(tmp_path):
    solutions, exercises = tmp_path / "solutions", tmp_path / "exercises"
    solutions.mkdir()
    (solutions / "unit.py").write_text(SOURCE)
    exercises.mkdir()
    (exercises / "unit.py").write_text("edited by hand\n")
    (exercises / "orphan.py").write_text("")
    stale = sync(solutions, exercises, check=True)
    assert stale.written == ("unit.py",) and stale.removed == ("orphan.py",)
    assert (exercises / "unit.py").read_text() == "edited by hand\n"
    sync(solutions, exercises)
    assert not sync(solutions, exercises, check=True).stale
    assert not (exercises / "orphan.py").exists()
