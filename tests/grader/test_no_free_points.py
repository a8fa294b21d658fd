"""No free points: a submission whose values are all wrong scores nothing.

The stub here is the reference solution with every public function wrapped so
that it returns zeros of the right shapes and dtypes (a forward keeps its real
cache, an update its real state): the most plausible "it runs, it has the
right shapes" submission. Property checks (float32, inputs_unmodified,
*_stable...) pass on such a stub unless they also hold the values they ran on
to torch, so each must score 0 here.
"""

import pytest

from grader.paths import SOLUTIONS
from grader.pipeline import grade
from grader.units import UNITS  # every graded unit, the four of the second part included

# Appended to a solution: rebinds every public function of the module to a
# wrapper that zeroes what it returns. Forwards keep their cache (item 1),
# updates their state (item 1), so later calls still run.
ZEROING = '''

def _zeros_of(value):
    if isinstance(value, np.ndarray):
        return np.zeros_like(value)
    if isinstance(value, np.floating):
        return value.dtype.type(0)
    if isinstance(value, float):
        return 0.0
    if isinstance(value, tuple | list):
        return type(value)(_zeros_of(item) for item in value)
    return value


def _zeroed(function, keeps_second):
    def zeroed(*args, **kwargs):
        result = function(*args, **kwargs)
        if keeps_second:
            return _zeros_of(result[0]), result[1]
        return _zeros_of(result)
    return zeroed


for _name, _function in list(globals().items()):
    if callable(_function) and not _name.startswith("_") and _name != "np" \\
            and getattr(_function, "__module__", None) == __name__:
        globals()[_name] = _zeroed(_function, _name.endswith(("_forward", "_update")))
'''


def zeros_submission(folder, unit: str):
    """A folder holding ``unit``'s solution with every function returning zeros."""
    source = (SOLUTIONS / f"{unit}.py").read_text()
    (folder / f"{unit}.py").write_text(source + ZEROING)
    return folder


@pytest.fixture(scope="module")
def zeros_report(tmp_path_factory):
    folder = tmp_path_factory.mktemp("zeros")
    for unit in UNITS:
        zeros_submission(folder, unit)
    return grade(folder, list(UNITS))


@pytest.mark.parametrize("unit", UNITS)
def test_all_zeros_scores_nothing(zeros_report, unit):
    report = next(u for u in zeros_report.units if u.unit == unit)
    assert report.status == "graded"
    passing = [c.id for c in report.checks if c.status == "passed"]
    assert passing == []
    assert report.score == 0
