"""Public checks for activations.py: small fixed cases, held to torch.

They show that your code runs and gives the right shapes and values on easy
inputs. They are not your grade: the hidden checks try many more shapes,
dims, dtypes and edge cases.
"""

import pytest

from grader.feedback.expect import expect_array, expect_pair
from tests import oracle
from tests.oracle import F, torch
from tests.strategies import random_array, upstream

TORCH = {
    "relu": F.relu,
    "leaky_relu": F.leaky_relu,
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "softmax": lambda x, dim=-1: torch.softmax(x, dim),
    "log_softmax": lambda x, dim=-1: torch.log_softmax(x, dim),
}

CASES = [  # (function, keyword arguments)
    ("relu", {}),
    ("leaky_relu", {"negative_slope": 0.1}),
    ("sigmoid", {}),
    ("tanh", {}),
    ("softmax", {"dim": -1}),
    ("log_softmax", {"dim": -1}),
]


def cases(suffix):
    return pytest.mark.parametrize("name, kwargs", [
        pytest.param(n, kw, id=n,
                     marks=pytest.mark.check(f"activations/{n}_{suffix}", fn=f"{n}_{suffix}"))
        for n, kw in CASES
    ])


@cases("forward")
def test_forward(submission, name, kwargs):
    x = random_array((2, 3), 1)
    out, _ = expect_pair(getattr(submission.activations, f"{name}_forward")(x, **kwargs),
                         f"{name}_forward")
    expect_array(out, oracle.value(TORCH[name], x, **kwargs), f"{name}_forward",
                 context="for a 2x3 x")


@cases("backward")
def test_backward(submission, name, kwargs):
    x = random_array((2, 3), 2)
    grad = upstream(x.shape, 3)
    _, (expected,) = oracle.vjp(TORCH[name], [x], grad, **kwargs)
    _, cache = expect_pair(getattr(submission.activations, f"{name}_forward")(x, **kwargs),
                           f"{name}_forward")
    grad_x = getattr(submission.activations, f"{name}_backward")(grad, cache)
    expect_array(grad_x, expected, f"{name}_backward", context="for a 2x3 x")
