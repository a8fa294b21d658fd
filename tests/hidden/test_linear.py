"""Hidden checks for linear.py, held to torch (linear) and NumPy (least squares) in float64."""

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from grader.feedback.expect import (
    CheckFailed,
    expect,
    expect_array,
    expect_dtype,
    expect_pair,
    expect_tuple,
    expect_unmodified,
)
from tests import oracle
from tests.oracle import F
from tests.public.test_linear import least_squares_reference, linear_case, regression_data
from tests.strategies import (
    FLOAT32_TOLERANCE,
    as_float64,
    cache_untouched,
    seeds,
    shapes,
    upstream,
)

sides = st.integers(1, 5)
GRAD_NAMES = ("grad_x", "grad_weight", "grad_bias")


def check(name, fn):
    return pytest.mark.check(f"linear/{name}", fn=fn)


def forward(submission, x, weight, bias):
    return expect_pair(submission.linear.linear_forward(x, weight, bias), "linear_forward")


def backward(submission, grad_output, cache):
    return expect_tuple(submission.linear.linear_backward(grad_output, cache), 3,
                        "linear_backward", "grad_x, grad_weight, grad_bias")


def words(x, weight, bias) -> str:
    return (f"for x of shape {x.shape}, weight {weight.shape}, "
            f"bias {'None' if bias is None else bias.shape}")


def expect_grads(grads, expected, context):
    """Compare ``(grad_x, grad_weight, grad_bias)``; ``None`` where torch has none."""
    for name, got, want in zip(GRAD_NAMES, grads, expected, strict=True):
        if want is None:
            expect(got is None, f"linear_backward {context}: {name} should be None, since the "
                                f"forward had no bias; it returned {type(got).__name__}.")
        else:
            expect_array(got, want, f"linear_backward ({name})", context=context)


# --- linear_forward / linear_backward on a batch of vectors x (N, in) ----------------------


@check("linear_forward", "linear_forward")
@given(n=sides, in_features=sides, out_features=sides, bias=st.booleans(), seed=seeds)
@example(n=1, in_features=1, out_features=1, bias=True, seed=0)
def test_linear_forward(submission, n, in_features, out_features, bias, seed):
    x, weight, b = linear_case((n, in_features), out_features, seed, bias)
    out, _ = forward(submission, x, weight, b)
    expect_array(out, oracle.value(F.linear, x, weight, b), "linear_forward",
                 context=words(x, weight, b))


@check("linear_backward", "linear_backward")
@given(n=sides, in_features=sides, out_features=sides, bias=st.booleans(), seed=seeds)
@example(n=1, in_features=3, out_features=2, bias=False, seed=1)
@example(n=4, in_features=3, out_features=3, bias=True, seed=2)
def test_linear_backward(submission, n, in_features, out_features, bias, seed):
    x, weight, b = linear_case((n, in_features), out_features, seed, bias)
    grad = upstream((n, out_features), seed)
    _, expected = oracle.vjp(F.linear, [x, weight, b], grad)
    _, cache = forward(submission, x, weight, b)
    expect_grads(backward(submission, grad, cache), expected, words(x, weight, b))


# --- any number of leading axes -----------------------------------------------------------
# Every leading axis is a batch axis, so the results for x (*, in) must be those for x
# reshaped to (prod(*), in): held to the submission's own 2-D results first (the clearest
# feedback), then to torch's (so that a stub that is consistently wrong earns nothing here).


def _batched(flat, lead, fn, what, context):
    """``flat`` (rows of the 2-D call) reshaped to the leading axes ``lead``."""
    try:
        return np.asarray(flat).reshape(lead + np.shape(flat)[1:])
    except ValueError:
        raise CheckFailed(
            f"{fn} {context}: for x reshaped to 2-D it returned {what} of shape "
            f"{np.shape(flat)}, which does not have one row per vector of x.") from None


@check("linear_leading_dims", "linear_forward")
@given(lead=shapes(0, 3, max_side=4), in_features=sides, out_features=sides,
       bias=st.booleans(), seed=seeds)
@example(lead=(), in_features=4, out_features=3, bias=True, seed=3)
@example(lead=(), in_features=2, out_features=5, bias=False, seed=4)
@example(lead=(2, 3), in_features=4, out_features=3, bias=True, seed=5)
@example(lead=(2, 1, 3), in_features=3, out_features=2, bias=False, seed=6)
def test_linear_leading_dims(submission, lead, in_features, out_features, bias, seed):
    x, weight, b = linear_case((*lead, in_features), out_features, seed, bias)
    grad = upstream((*lead, out_features), seed)
    flat_x, flat_grad = x.reshape(-1, in_features), grad.reshape(-1, out_features)
    context = (f"{words(x, weight, b)} (every leading axis is a batch axis: the result "
               f"should be that for x reshaped to {flat_x.shape})")

    flat_out, flat_cache = forward(submission, flat_x, weight, b)
    flat_grads = backward(submission, flat_grad, flat_cache)

    out, cache = forward(submission, x, weight, b)
    expect_array(out, _batched(flat_out, lead, "linear_forward", "out", context),
                 "linear_forward", context=context)
    expected_out, expected_grads = oracle.vjp(F.linear, [x, weight, b], grad)
    expect_array(out, expected_out, "linear_forward", context=words(x, weight, b))
    grads = backward(submission, grad, cache)
    expected = (_batched(flat_grads[0], lead, "linear_backward", "grad_x", context),
                *flat_grads[1:])
    for name, got, want in zip(GRAD_NAMES, grads, expected, strict=True):
        if want is None or got is None:
            expect((got is None) == (want is None),
                   f"linear_backward {context}: {name} was {type(got).__name__}, but "
                   f"{type(want).__name__} for x reshaped to 2-D.")
        else:
            expect_array(got, np.asarray(want), f"linear_backward ({name})", context=context)
    expect_grads(grads, expected_grads, words(x, weight, b))


# --- least_squares ------------------------------------------------------------------------


def _expect_fit(submission, X, y, context, references):
    """The submission's fit must equal one of ``references`` (each ``(weight, bias)``)."""
    weight, bias = expect_pair(submission.linear.least_squares(X, y), "least_squares")
    for ref_weight, ref_bias in references:
        if (isinstance(weight, np.ndarray) and isinstance(bias, np.ndarray)
                and weight.shape == ref_weight.shape and bias.shape == ref_bias.shape
                and np.allclose(weight, ref_weight, rtol=1e-6, atol=1e-8)
                and np.allclose(bias, ref_bias, rtol=1e-6, atol=1e-8)):
            return
    ref_weight, ref_bias = references[0]  # feedback against the first
    expect_array(weight, ref_weight, "least_squares (weight)", context=context)
    expect_array(bias, ref_bias, "least_squares (bias)", context=context)


@check("least_squares", "least_squares")
@given(d=sides, extra=st.integers(2, 10), k=st.integers(1, 4), seed=seeds)
@example(d=1, extra=2, k=1, seed=0)
def test_least_squares(submission, d, extra, k, seed):
    X, y = regression_data(d + extra, d, k, seed)
    _expect_fit(submission, X, y, f"for X of shape {X.shape} and y of shape {y.shape}",
                [least_squares_reference(X, y)])


@check("least_squares_1d_target", "least_squares")
@given(d=sides, extra=st.integers(2, 10), seed=seeds)
@example(d=1, extra=2, seed=0)
def test_least_squares_1d_target(submission, d, extra, seed):
    X, y = regression_data(d + extra, d, None, seed)
    _expect_fit(submission, X, y, f"for X of shape {X.shape} and y of shape {y.shape} "
                                  f"(weight (1, {d}) and bias (1,))",
                [least_squares_reference(X, y)])


def rank_deficient(kind, n, d, seed):
    """A design whose least-squares minimiser is not unique."""
    rng = np.random.default_rng(seed)
    if kind == "duplicated columns":  # the last column repeats the first
        X = rng.standard_normal((n, d - 1)) * 2
        return np.hstack([X, X[:, :1]])
    if kind == "dependent columns":  # rank 2 (or less) whatever d is
        return rng.standard_normal((n, 2)) @ rng.standard_normal((2, d))
    if kind == "fewer samples than features":
        return rng.standard_normal((n, d)) * 2
    if kind == "a constant column":
        X = rng.standard_normal((n, d)) * 2
        X[:, 0] = 1.5
        return X
    raise ValueError(kind)


KINDS = ("duplicated columns", "dependent columns", "fewer samples than features",
         "a constant column")


@check("least_squares_rank_deficient", "least_squares")
@given(kind=st.sampled_from(KINDS), d=st.integers(3, 6), k=st.integers(1, 3),
       seed=seeds)
@example(kind="duplicated columns", d=3, k=1, seed=1)
@example(kind="dependent columns", d=5, k=2, seed=2)
@example(kind="fewer samples than features", d=6, k=1, seed=3)
@example(kind="a constant column", d=3, k=2, seed=4)
def test_least_squares_rank_deficient(submission, kind, d, k, seed):
    n = d - 2 if kind == "fewer samples than features" else 3 * d
    X = rank_deficient(kind, n, d, seed)
    rng = np.random.default_rng(seed ^ 0xBEEF)
    y = rng.standard_normal((n, k))
    # The contract asks for the minimum-norm fit without saying whether the bias is part of
    # the norm. Both readings are accepted; they differ only when the ones vector is a
    # combination of X's columns (here: fewer samples than features, a constant column).
    references = [least_squares_reference(X, y, centred=True),
                  least_squares_reference(X, y, centred=False)]
    _expect_fit(submission, X, y, f"for X of shape {X.shape} with {kind} (rank "
                                  f"{np.linalg.matrix_rank(X)}) and y of shape {y.shape}, "
                                  "the minimum-norm fit", references)


# --- dtypes and inputs --------------------------------------------------------------------


def _linear_reference(x, weight, b, grad):
    """torch's output and gradients (float32 is upcast: float64 is the oracle)."""
    out, grads = oracle.vjp(F.linear, as_float64(x, weight, b), *as_float64(grad))
    return out.astype(x.dtype), [None if g is None else g.astype(x.dtype) for g in grads]


@check("float32", "linear_forward")
@pytest.mark.parametrize("bias", [True, False], ids=["bias", "no_bias"])
def test_linear_float32(submission, bias):
    x, weight, b = linear_case((3, 4), 5, 11, bias)
    x, weight = x.astype(np.float32), weight.astype(np.float32)
    b = None if b is None else b.astype(np.float32)
    grad = upstream((3, 5), 12, dtype=np.float32)
    expected_out, expected_grads = _linear_reference(x, weight, b, grad)
    out, cache = forward(submission, x, weight, b)
    expect_dtype(out, np.float32, "linear_forward", context="for float32 inputs")
    expect_array(out, expected_out, "linear_forward", context="for float32 inputs",
                 **FLOAT32_TOLERANCE)
    grads = backward(submission, grad, cache)
    for name, got, want in zip(GRAD_NAMES, grads, expected_grads, strict=True):
        if want is not None:
            expect_dtype(got, np.float32, f"linear_backward ({name})",
                         context="for float32 inputs")
            expect_array(got, want, f"linear_backward ({name})",
                         context="for float32 inputs", **FLOAT32_TOLERANCE)


@check("float32", "least_squares")
def test_least_squares_float32(submission):
    X, y = regression_data(12, 3, 2, 13)
    ref_weight, ref_bias = least_squares_reference(X, y)
    weight, bias = expect_pair(
        submission.linear.least_squares(X.astype(np.float32), y.astype(np.float32)),
        "least_squares")
    expect_dtype(weight, np.float32, "least_squares (weight)", context="for float32 X and y")
    expect_dtype(bias, np.float32, "least_squares (bias)", context="for float32 X and y")
    # float32 data: the fit is that of the float64 data to float32's precision
    expect_array(weight, ref_weight.astype(np.float32), "least_squares (weight)",
                 context="for float32 X and y", rtol=1e-3, atol=1e-4)
    expect_array(bias, ref_bias.astype(np.float32), "least_squares (bias)",
                 context="for float32 X and y", rtol=1e-3, atol=1e-4)


# The inputs_unmodified checks hold the values of their plain case to torch (so that a stub
# earns nothing); the variants that other checks own (leading axes, a 1-D target) are
# watched for in-place changes only, so that a mistake there costs its own check alone.


@check("inputs_unmodified", "linear_forward")
@pytest.mark.parametrize("bias", [True, False], ids=["bias", "no_bias"])
def test_linear_inputs_unmodified(submission, bias):
    x, weight, b = linear_case((6, 4), 5, 21, bias)
    grad = upstream((6, 5), 22)
    expected_out, expected_grads = oracle.vjp(F.linear, [x, weight, b], grad)
    out, cache = forward(submission, x, weight, b)
    expect_unmodified(submission.linear.last.mutated, "linear_forward", ("x", "weight", "bias"))
    expect_array(out, expected_out, "linear_forward", context=words(x, weight, b))
    grads = backward(submission, grad, cache)
    expect_unmodified(submission.linear.last.mutated, "linear_backward", ("grad_output", None))
    cache_untouched(submission.linear.last.mutated, "linear_backward")
    expect_grads(grads, expected_grads, words(x, weight, b))
    # leading axes: flattening x or grad_output must not reshape the caller's arrays
    x, weight, b = linear_case((2, 3, 4), 5, 23, bias)
    _, cache = forward(submission, x, weight, b)
    expect_unmodified(submission.linear.last.mutated, "linear_forward", ("x", "weight", "bias"))
    backward(submission, upstream((2, 3, 5), 24), cache)
    expect_unmodified(submission.linear.last.mutated, "linear_backward", ("grad_output", None))
    cache_untouched(submission.linear.last.mutated, "linear_backward")


@check("inputs_unmodified", "least_squares")
@pytest.mark.parametrize("k", [None, 2], ids=["y_1d", "y_2d"])
def test_least_squares_inputs_unmodified(submission, k):
    X, y = regression_data(10, 3, k, 23)
    fit = submission.linear.least_squares(X, y)
    expect_unmodified(submission.linear.last.mutated, "least_squares", ("X", "y"))
    if k is not None:
        ref_weight, ref_bias = least_squares_reference(X, y)
        weight, bias = expect_pair(fit, "least_squares")
        context = f"for y of shape {y.shape}"
        expect_array(weight, ref_weight, "least_squares (weight)", context=context)
        expect_array(bias, ref_bias, "least_squares (bias)", context=context)


# --- two layers, as a network runs them ---------------------------------------------------
# x -> layer A (with a bias) -> layer B (without), both 4 -> 4 so that their arrays have the
# same shapes: each cache is its own whatever the order of the calls.
ORDERS = {
    "forward A, forward B, backward B, backward A": ("B", "A"),
    "forward A, forward B, backward A, backward B": ("A", "B"),
}


@check("linear_backward", "linear_backward")
@pytest.mark.parametrize("order", ORDERS, ids=["network_order", "same_order"])
def test_two_layers(submission, order):
    x, weight_a, bias_a = linear_case((6, 4), 4, 31, bias=True)
    _, weight_b, _ = linear_case((6, 4), 4, 34, bias=False)
    hidden = oracle.value(F.linear, x, weight_a, bias_a)
    grad_out = upstream((6, 4), 35)
    _, grads_b = oracle.vjp(F.linear, [hidden, weight_b, None], grad_out)
    _, grads_a = oracle.vjp(F.linear, [x, weight_a, bias_a], grads_b[0])
    layers = {"A": ((x, weight_a, bias_a), grads_b[0], grads_a),
              "B": ((hidden, weight_b, None), grad_out, grads_b)}
    caches = {name: forward(submission, *args)[1] for name, (args, _, _) in layers.items()}
    for name in ORDERS[order]:
        args, grad, expected = layers[name]
        context = (f"for layer {name} of the network x -> A (bias) -> B (no bias), run as "
                   f"{order} ({words(*args)[4:]}): each cache is its own")
        expect_grads(backward(submission, grad, caches[name]), expected, context)
