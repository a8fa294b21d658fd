"""Hidden checks for activations.py, held to torch in float64."""

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from grader.feedback.describe import Evidence
from grader.feedback.expect import (
    expect_array,
    expect_dtype,
    expect_finite,
    expect_no_warnings,
    expect_pair,
    expect_unmodified,
)
from tests import oracle
from tests.oracle import F
from tests.public.test_activations import TORCH
from tests.strategies import (
    FLOAT32_TOLERANCE,
    arrays,
    arrays_and_dim,
    as_float64,
    cache_untouched,
    random_array,
    seeds,
    upstream,
)

ELEMENTWISE = ("relu", "sigmoid", "tanh")
NORMALISING = ("softmax", "log_softmax")
EXTREMES = np.array([-1e4, -1e3, -50.0, -1.0, 0.0, 1.0, 50.0, 1e3, 1e4])
slopes = st.sampled_from([None, 0.2, 1.5])  # None: the default, 0.01


def checked(names, check_suffix, fn_suffix="forward"):
    """Parametrize over ``names``, each marked with its rubric check."""
    return pytest.mark.parametrize("name", [
        pytest.param(n, id=n, marks=pytest.mark.check(
            f"activations/{check_suffix.format(n)}", fn=f"{n}_{fn_suffix}"))
        for n in names
    ])


def forward(submission, name, x, **kwargs):
    fn = f"{name}_forward"
    return expect_pair(getattr(submission.activations, fn)(x, **kwargs), fn)


def backward(submission, name, grad_output, cache):
    return getattr(submission.activations, f"{name}_backward")(grad_output, cache)


def at_zero(x: np.ndarray, name: str) -> Evidence:
    """Evidence for a subgradient mistake: everything right except at x == 0."""
    slope = "negative_slope" if name == "leaky_relu" else "0"
    return Evidence(except_at=(x == 0, f"where x is exactly 0, where torch's subgradient "
                                       f"convention makes the derivative {slope}"))


def ignoring_dim(name: str, x: np.ndarray, dim: int) -> Evidence:
    """Evidence for normalising along the last axis whatever ``dim`` says."""
    if dim in (-1, x.ndim - 1):
        return Evidence()
    return Evidence(alternatives={
        f"it is right along the last axis but not for dim={dim}: normalise along dim.":
            oracle.value(TORCH[name], x, dim=-1)})


def shape_words(x: np.ndarray, **kwargs) -> str:
    extra = "".join(f", {k}={v}" for k, v in kwargs.items())
    return f"for x of shape {x.shape}{extra}"


@checked(ELEMENTWISE, "{}_forward")
@given(x=arrays(zeros=True))
def test_elementwise_forward(submission, name, x):
    out, _ = forward(submission, name, x)
    expect_array(out, oracle.value(TORCH[name], x), f"{name}_forward", context=shape_words(x))


@checked(ELEMENTWISE, "{}_backward", "backward")
@given(x=arrays(zeros=True), seed=seeds)
def test_elementwise_backward(submission, name, x, seed):
    grad = upstream(x.shape, seed)
    _, (expected,) = oracle.vjp(TORCH[name], [x], grad)
    _, cache = forward(submission, name, x)
    expect_array(backward(submission, name, grad, cache), expected, f"{name}_backward",
                 context=shape_words(x), evidence=at_zero(x, name))


@pytest.mark.check("activations/leaky_relu_forward", fn="leaky_relu_forward")
@given(x=arrays(zeros=True), slope=slopes)
def test_leaky_relu_forward(submission, x, slope):
    kwargs = {} if slope is None else {"negative_slope": slope}
    out, _ = forward(submission, "leaky_relu", x, **kwargs)
    expect_array(out, oracle.value(F.leaky_relu, x, **kwargs), "leaky_relu_forward",
                 context=shape_words(x, **kwargs))


@pytest.mark.check("activations/leaky_relu_backward", fn="leaky_relu_backward")
@given(x=arrays(zeros=True), slope=slopes, seed=seeds)
def test_leaky_relu_backward(submission, x, slope, seed):
    kwargs = {} if slope is None else {"negative_slope": slope}
    grad = upstream(x.shape, seed)
    _, (expected,) = oracle.vjp(F.leaky_relu, [x], grad, **kwargs)
    _, cache = forward(submission, "leaky_relu", x, **kwargs)
    expect_array(backward(submission, "leaky_relu", grad, cache), expected,
                 "leaky_relu_backward", context=shape_words(x, **kwargs),
                 evidence=at_zero(x, "leaky_relu"))


@checked(("relu", "leaky_relu"), "{}_backward", "backward")
def test_subgradient_at_zero(submission, name):
    x = np.array([[0.0, -0.0, 1.0], [-1.0, 0.0, 0.0]])
    grad = upstream(x.shape, 3)
    _, (expected,) = oracle.vjp(TORCH[name], [x], grad)
    _, cache = forward(submission, name, x)
    expect_array(backward(submission, name, grad, cache), expected, f"{name}_backward",
                 context="where x is exactly 0 (torch's subgradient convention)",
                 evidence=at_zero(x, name))


def _dim_kwargs(dim: int) -> dict:
    return {} if dim == -1 else {"dim": dim}  # dim=-1 exercises the default


@checked(NORMALISING, "{}_forward")
@given(case=arrays_and_dim())
@example(case=(random_array((3, 4), 1), 0))
@example(case=(random_array((3, 4), 2), -1))
def test_normalising_forward(submission, name, case):
    x, dim = case
    out, _ = forward(submission, name, x, **_dim_kwargs(dim))
    expect_array(out, oracle.value(TORCH[name], x, dim=dim), f"{name}_forward",
                 context=shape_words(x, dim=dim), evidence=ignoring_dim(name, x, dim))


@checked(NORMALISING, "{}_backward", "backward")
@given(case=arrays_and_dim(), seed=seeds)
@example(case=(random_array((3, 4), 1), 0), seed=5)
@example(case=(random_array((3, 4), 2), -1), seed=6)
def test_normalising_backward(submission, name, case, seed):
    x, dim = case
    grad = upstream(x.shape, seed)
    _, (expected,) = oracle.vjp(TORCH[name], [x], grad, dim=dim)
    _, cache = forward(submission, name, x, **_dim_kwargs(dim))
    last_axis = oracle.vjp(TORCH[name], [x], grad, dim=-1)[1][0]
    evidence = Evidence(alternatives={
        f"it is right along the last axis but not for dim={dim}: use dim in the backward too.":
            last_axis}) if dim not in (-1, x.ndim - 1) else None
    expect_array(backward(submission, name, grad, cache), expected, f"{name}_backward",
                 context=shape_words(x, dim=dim), evidence=evidence)


@checked(("sigmoid", "softmax", "log_softmax"), "{}_stable")
def test_stable_for_large_inputs(submission, name):
    x = np.stack([EXTREMES, EXTREMES[::-1], EXTREMES * 0.5])
    grad = upstream(x.shape, 9)
    expected_out = oracle.value(TORCH[name], x)
    context = "for inputs as large as 1e4 in magnitude" + right_for_small_inputs(submission, name)
    out, cache = forward(submission, name, x)
    expect_no_warnings(submission.activations.last.warnings, f"{name}_forward", context=context)
    expect_array(out, expected_out, f"{name}_forward", context=context)
    grad_x = backward(submission, name, grad, cache)
    expect_no_warnings(submission.activations.last.warnings, f"{name}_backward", context=context)
    expect_finite(grad_x, f"{name}_backward", shape=x.shape, context=context)
    expected_grad = oracle.vjp(TORCH[name], [x], grad)[1][0]
    expect_array(grad_x, expected_grad, f"{name}_backward", context=context)


def right_for_small_inputs(submission, name) -> str:
    """", though it is right for small inputs", when it is (the evidence of instability)."""
    x = random_array((3, 4), 8)
    out, _ = forward(submission, name, x)
    small_ok = isinstance(out, np.ndarray) and out.shape == x.shape and bool(
        np.allclose(out, oracle.value(TORCH[name], x)))
    return " (it is right for small inputs)" if small_ok else ""


ALL = ("relu", "leaky_relu", "sigmoid", "tanh", "softmax", "log_softmax")


def _reference(name, x, grad):
    """torch's output and gradient for ``x`` (float32 is upcast: float64 is the oracle)."""
    x64, grad64 = as_float64(x, grad)
    out, (grad_x,) = oracle.vjp(TORCH[name], [x64], grad64)
    return out.astype(x.dtype), grad_x.astype(x.dtype)


@checked(ALL, "float32")
def test_float32_stays_float32(submission, name):
    x = random_array((3, 5), 11, dtype=np.float32)
    grad = upstream(x.shape, 12, dtype=np.float32)
    expected_out, expected_grad = _reference(name, x, grad)
    out, cache = forward(submission, name, x)
    expect_dtype(out, np.float32, f"{name}_forward", context="for a float32 x")
    expect_array(out, expected_out, f"{name}_forward", context="for a float32 x",
                 **FLOAT32_TOLERANCE)
    grad_x = backward(submission, name, grad, cache)
    expect_dtype(grad_x, np.float32, f"{name}_backward", context="for float32 inputs")
    expect_array(grad_x, expected_grad, f"{name}_backward", context="for float32 inputs",
                 **FLOAT32_TOLERANCE)


@checked(ALL, "inputs_unmodified")
def test_inputs_unmodified(submission, name):
    x = random_array((4, 6), 21)
    grad = upstream(x.shape, 22)
    expected_out, expected_grad = _reference(name, x, grad)
    out, cache = forward(submission, name, x)
    expect_unmodified(submission.activations.last.mutated, f"{name}_forward", ("x",))
    expect_array(out, expected_out, f"{name}_forward", context=shape_words(x))
    grad_x = backward(submission, name, grad, cache)
    expect_unmodified(submission.activations.last.mutated, f"{name}_backward",
                      ("grad_output", None))
    cache_untouched(submission.activations.last.mutated, f"{name}_backward")
    expect_array(grad_x, expected_grad, f"{name}_backward", context=shape_words(x))


# Two layers of one kind, as a network runs them: each call's cache is its own, and
# arguments (a slope, a dim) belong to the call they were given to.
LAYER_KWARGS = {
    "relu": ({}, {}),
    "leaky_relu": ({"negative_slope": 0.2}, {}),
    "sigmoid": ({}, {}),
    "tanh": ({}, {}),
    "softmax": ({"dim": 0}, {}),
    "log_softmax": ({}, {"dim": 0}),
}
ORDERS = {
    "forward A, forward B, backward B, backward A": ("B", "A"),
    "forward A, forward B, backward A, backward B": ("A", "B"),
}


@checked(ALL, "{}_backward", "backward")
@pytest.mark.parametrize("order", ORDERS, ids=["network_order", "same_order"])
def test_two_layers_interleaved(submission, name, order):
    kwargs = dict(zip("AB", LAYER_KWARGS[name], strict=True))
    inputs = {"A": random_array((3, 5), 51, zeros=True), "B": random_array((3, 5), 52)}
    grads = {layer: upstream(x.shape, 53 + i) for i, (layer, x) in enumerate(inputs.items())}
    caches = {}
    for layer, x in inputs.items():
        _, caches[layer] = forward(submission, name, x, **kwargs[layer])
    for layer in ORDERS[order]:
        x = inputs[layer]
        _, (expected,) = oracle.vjp(TORCH[name], [x], grads[layer], **kwargs[layer])
        context = (f"for layer {layer} of two {name} layers run as {order} "
                   f"({shape_words(x, **kwargs[layer])[4:]}): each cache is its own")
        expect_array(backward(submission, name, grads[layer], caches[layer]), expected,
                     f"{name}_backward", context=context)
