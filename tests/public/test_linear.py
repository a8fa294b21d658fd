"""Public checks for linear.py: small fixed cases, held to torch and NumPy.

They show that your code runs and gives the right shapes and values on easy
inputs. They are not your grade: the hidden checks try many more shapes,
leading axes, rank-deficient designs, dtypes and edge cases.
"""

import numpy as np
import pytest

from grader.feedback.expect import expect, expect_array, expect_pair, expect_tuple
from tests import oracle
from tests.oracle import F
from tests.strategies import random_array, upstream

TORCH = {"linear": F.linear}


def least_squares_reference(X, y, centred=True):
    """A minimum-norm least-squares fit in NumPy, shaped as ``least_squares`` returns it.

    ``centred=True`` gives the fit whose ``weight`` has the smallest norm (the
    bias is free); ``centred=False`` appends a column of ones to ``X`` and gives
    the fit whose ``(weight, bias)`` together have the smallest norm. The two
    agree whenever the minimiser is unique, and also whenever the ones vector is
    not a combination of the columns of ``X``.
    """
    Y = y.reshape(y.shape[0], -1)
    if centred:
        x_mean, y_mean = X.mean(axis=0), Y.mean(axis=0)
        W = np.linalg.lstsq(X - x_mean, Y - y_mean, rcond=None)[0].T
        return W, y_mean - W @ x_mean
    A = np.hstack([X, np.ones((X.shape[0], 1))])
    theta = np.linalg.lstsq(A, Y, rcond=None)[0]
    return theta[:-1].T, theta[-1]


def regression_data(n, d, k, seed):
    """A full-rank ``X (n, d)`` and noisy linear targets ``y (n, k)``, or ``(n,)`` if k is None."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d)) * 2
    true_w = rng.standard_normal((d, 1 if k is None else k))
    y = X @ true_w + rng.standard_normal(true_w.shape[1]) + 0.1 * rng.standard_normal((n, 1))
    return X, (y[:, 0] if k is None else y)


def linear_case(x_shape, out_features, seed, bias=True):
    """``x``, ``weight`` and ``bias`` (or None) for ``linear_forward``."""
    in_features = x_shape[-1]
    x = random_array(x_shape, seed)
    weight = random_array((out_features, in_features), seed + 1)
    return x, weight, random_array((out_features,), seed + 2) if bias else None


@pytest.mark.check("linear/linear_forward", fn="linear_forward")
@pytest.mark.parametrize("bias", [True, False], ids=["bias", "no_bias"])
def test_linear_forward(submission, bias):
    x, weight, b = linear_case((2, 3), 4, 1, bias)
    out, _ = expect_pair(submission.linear.linear_forward(x, weight, b), "linear_forward")
    expect_array(out, oracle.value(F.linear, x, weight, b), "linear_forward",
                 context=f"for x of shape (2, 3), weight (4, 3), bias {'(4,)' if bias else 'None'}")


@pytest.mark.check("linear/linear_backward", fn="linear_backward")
@pytest.mark.parametrize("bias", [True, False], ids=["bias", "no_bias"])
def test_linear_backward(submission, bias):
    x, weight, b = linear_case((2, 3), 4, 5, bias)
    grad = upstream((2, 4), 6)
    _, expected = oracle.vjp(F.linear, [x, weight, b], grad)
    context = f"for x of shape (2, 3), weight (4, 3), bias {'(4,)' if bias else 'None'}"
    _, cache = expect_pair(submission.linear.linear_forward(x, weight, b), "linear_forward")
    grads = expect_tuple(submission.linear.linear_backward(grad, cache), 3, "linear_backward",
                         "grad_x, grad_weight, grad_bias")
    names = ("grad_x", "grad_weight", "grad_bias")
    for name, got, want in zip(names, grads, expected, strict=True):
        if want is None:
            expect(got is None, f"linear_backward {context}: {name} should be None, since "
                                f"the forward had no bias; it returned {type(got).__name__}.")
        else:
            expect_array(got, want, f"linear_backward ({name})", context=context)


@pytest.mark.check("linear/least_squares", fn="least_squares")
def test_least_squares(submission):
    X, y = regression_data(8, 3, 2, 7)
    weight, bias = expect_pair(submission.linear.least_squares(X, y), "least_squares")
    expected_weight, expected_bias = least_squares_reference(X, y)
    context = "for X of shape (8, 3) and y of shape (8, 2)"
    expect_array(weight, expected_weight, "least_squares (weight)", context=context)
    expect_array(bias, expected_bias, "least_squares (bias)", context=context)


@pytest.mark.check("linear/least_squares_1d_target", fn="least_squares")
def test_least_squares_1d_target(submission):
    X, y = regression_data(8, 3, None, 8)
    weight, bias = expect_pair(submission.linear.least_squares(X, y), "least_squares")
    expected_weight, expected_bias = least_squares_reference(X, y)
    context = "for X of shape (8, 3) and y of shape (8,)"
    expect_array(weight, expected_weight, "least_squares (weight)", context=context)
    expect_array(bias, expected_bias, "least_squares (bias)", context=context)
