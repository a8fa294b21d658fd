"""Public checks for losses.py: small fixed cases, held to torch.

They show that your code runs and gives the right values on easy inputs.
They are not your grade: the hidden checks try many more shapes, both
reductions, other upstream gradients, float32, and extreme inputs.
"""

import numpy as np
import pytest

from grader.feedback.expect import expect_array, expect_pair, expect_scalar
from tests import oracle
from tests.oracle import F

X = np.array([[0.5, -1.0, 2.0], [1.5, 0.0, -0.5]])
PROBS = np.array([[0.9, 0.2, 0.6], [0.3, 0.5, 0.7]])
SOFT = np.array([[1.0, 0.0, 0.5], [0.0, 1.0, 1.0]])
CASES = {  # name: (torch's function, input, target)
    "mse_loss": (F.mse_loss, X, SOFT),
    "binary_cross_entropy": (F.binary_cross_entropy, PROBS, SOFT),
    "binary_cross_entropy_with_logits": (F.binary_cross_entropy_with_logits, X, SOFT),
    "cross_entropy": (F.cross_entropy, X, np.array([2, 0])),
}


def cases(suffix):
    return pytest.mark.parametrize("name", [
        pytest.param(n, id=n, marks=pytest.mark.check(f"losses/{n}_{suffix}", fn=f"{n}_{suffix}"))
        for n in CASES
    ])


@cases("forward")
def test_forward(submission, name):
    torch_fn, x, target = CASES[name]
    loss, _ = expect_pair(getattr(submission.losses, f"{name}_forward")(x, target),
                          f"{name}_forward")
    expect_scalar(loss, float(oracle.value(torch_fn, x, target)), f"{name}_forward",
                  context="on a 2x3 example, reduction='mean'")


@cases("backward")
def test_backward(submission, name):
    torch_fn, x, target = CASES[name]
    _, (expected, _) = oracle.vjp(torch_fn, [x, target], np.array(1.0))
    _, cache = expect_pair(getattr(submission.losses, f"{name}_forward")(x, target),
                           f"{name}_forward")
    expect_array(getattr(submission.losses, f"{name}_backward")(1.0, cache), expected,
                 f"{name}_backward", context="on a 2x3 example, grad_output=1.0")
