"""A hostile submission costs only its own checks, and grading ends in bounded time."""

import time

import numpy as np
import pytest

from grader.authoring.bugs import inject
from grader.load.submission import load_submission, make_scratch, remove_scratch
from grader.paths import SOLUTIONS
from grader.pipeline import grade
from grader.run.session import Session, SubmissionProxy

TIMEOUT = 1.0
ATTACKS = {  # function: what it does first
    "relu_forward": "while True:  # an endless loop\n    pass",
    "sigmoid_forward": "np.ctypeslib.ctypes.CDLL(None).exit(3)  # libc's exit, with no import",
    "tanh_forward": "np.ctypeslib.ctypes.string_at(0)  # reads address 0: a segfault",
    "softmax_forward": "import torch  # forbidden: the import fails in the child",
}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """A hostile activations.py: it hangs, exits, crashes and imports torch."""
    source = (SOLUTIONS / "activations.py").read_text()
    for function, lines in ATTACKS.items():
        source = inject(source, function, lines)
    folder = tmp_path_factory.mktemp("hostile")
    (folder / "activations.py").write_text(source)
    start = time.monotonic()
    report = grade(folder, ["activations"], timeout=TIMEOUT)
    return report, time.monotonic() - start


def _statuses(report):
    return {c.id.split("/")[1]: c.status for u in report.units for c in u.checks}


def test_each_attack_costs_only_its_own_checks(hostile):
    status = _statuses(hostile[0])
    assert status["relu_forward"] == status["relu_backward"] == "timeout"  # endless loop
    assert status["sigmoid_forward"] == status["sigmoid_backward"] == "error"  # libc exit(3)
    assert status["tanh_forward"] == status["tanh_backward"] == "error"  # segfault
    assert status["softmax_forward"] == "failed"  # import torch, refused in the child
    for name in ("leaky_relu_forward", "leaky_relu_backward", "log_softmax_forward",
                 "log_softmax_backward", "log_softmax_stable"):
        assert status[name] == "passed", name


def test_feedback_names_what_happened(hostile):
    feedback = {c.id.split("/")[1]: c.feedback for c in hostile[0].units[0].checks}
    assert "did not finish within 1 s" in feedback["relu_forward"]
    assert "exited with status 3" in feedback["sigmoid_forward"]
    assert "segmentation fault" in feedback["tanh_forward"]
    assert "importing torch is not allowed" in feedback["softmax_forward"]
    assert any("imports torch" in flag for flag in hostile[0].flags)


def test_the_child_holds_no_torch_tests_or_solutions():
    scratch = make_scratch()
    load_submission(SOLUTIONS, scratch)
    session = Session(scratch, timeout=10)
    try:
        SubmissionProxy(session).activations.relu_forward(np.zeros(3))
        modules = session.modules()
    finally:
        session.close()
        remove_scratch(scratch)
    assert "numpy" in modules and "activations" in modules
    assert not [m for m in modules if m.split(".")[0] in {"torch", "tests", "pytest",
                                                          "hypothesis", "solutions"}]


def _grade_source(tmp_path, source: str | bytes, unit: str = "activations"):
    path = tmp_path / f"{unit}.py"
    path.write_bytes(source if isinstance(source, bytes) else source.encode())
    return grade(tmp_path, [unit], timeout=TIMEOUT)


def _reference(unit="activations"):
    return (SOLUTIONS / f"{unit}.py").read_text()


@pytest.mark.parametrize("source, words", [
    (b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe garbage", "not a text file"),
    ("def relu_forward(x)\n    return x\n", "syntax error at line 1"),
    ("raise RuntimeError('boom at import')\n", "boom at import"),
    ("import torch\n", "importing torch is not allowed"),
    ("import os\nos.system('true')\n", "importing os is not allowed"),
])
def test_a_unit_that_cannot_load_is_an_error(tmp_path, source, words):
    (unit,) = _grade_source(tmp_path, source).units
    assert unit.status == "error" and unit.score == 0
    assert all(words in c.feedback for c in unit.checks), unit.checks[0].feedback


def test_other_units_are_still_graded(tmp_path):
    (tmp_path / "losses.py").write_text(_reference("losses"))
    (tmp_path / "activations.py").write_text("raise SystemExit(1)\n")
    activations, losses = grade(tmp_path, ["activations", "losses"], timeout=TIMEOUT).units
    assert activations.status == "error"
    assert losses.status == "graded" and losses.score == losses.max_score


def test_a_missing_function_fails_only_its_checks(tmp_path):
    source = _reference().replace("def tanh_forward(", "def tanh_forward_typo(")
    status = _statuses(_grade_source(tmp_path, source))
    assert status["tanh_forward"] == status["tanh_backward"] == "failed"
    assert status["relu_forward"] == status["sigmoid_forward"] == "passed"


def test_a_wrong_return_type_is_explained(tmp_path):
    source = _reference().replace("return np.maximum(x, 0), x", "return np.maximum(x, 0)")
    report = _grade_source(tmp_path, source)
    feedback = {c.id.split("/")[1]: c.feedback for c in report.units[0].checks}
    assert "should return a pair (out, cache)" in feedback["relu_forward"]
    assert _statuses(report)["sigmoid_forward"] == "passed"


def test_nans_are_named(tmp_path):
    source = _reference().replace("return np.maximum(x, 0), x",
                                  "return np.maximum(x, 0) * np.nan, x")
    report = _grade_source(tmp_path, source)
    feedback = {c.id.split("/")[1]: c.feedback for c in report.units[0].checks}
    assert "non-finite value(s) (NaN or inf)" in feedback["relu_forward"]
