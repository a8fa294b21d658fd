"""Hidden checks for losses.py, held to torch in float64."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from grader.feedback.expect import (
    expect_array,
    expect_dtype,
    expect_finite,
    expect_no_warnings,
    expect_pair,
    expect_scalar,
    expect_unmodified,
)
from tests import oracle
from tests.oracle import F
from tests.strategies import FLOAT32_TOLERANCE, as_float64, cache_untouched, seeds, shapes

reductions = st.sampled_from(["mean", "sum"])
grad_scales = st.sampled_from([1.0, 0.37, -2.5])  # the upstream gradient of the loss


def regression(shape, seed, dtype=np.float64):
    rng = np.random.default_rng(seed)
    return rng.standard_normal(shape).astype(dtype), rng.standard_normal(shape).astype(dtype)


def probabilities(shape, seed, dtype=np.float64):
    rng = np.random.default_rng(seed)
    target = rng.random(shape)
    target[rng.random(shape) < 0.5] = 1.0  # hard labels beside soft ones
    return rng.uniform(0.02, 0.98, shape).astype(dtype), target.astype(dtype)


def logits(shape, seed, dtype=np.float64):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal(shape) * 3).astype(dtype), rng.random(shape).astype(dtype)


def classes(shape, seed, dtype=np.float64):
    rng = np.random.default_rng(seed)
    n, c = shape[0], shape[-1]
    return (rng.standard_normal((n, c)) * 3).astype(dtype), rng.integers(0, c, n)


LOSSES = {  # name: (torch's function, input maker, shapes of input)
    "mse_loss": (F.mse_loss, regression, shapes(1, 3)),
    "binary_cross_entropy": (F.binary_cross_entropy, probabilities, shapes(1, 3)),
    "binary_cross_entropy_with_logits": (F.binary_cross_entropy_with_logits, logits, shapes(1, 3)),
    "cross_entropy": (F.cross_entropy, classes, shapes(2, 2, max_side=6)),
}


def checked(names, check_suffix, fn_suffix="forward"):
    return pytest.mark.parametrize("name", [
        pytest.param(n, id=n, marks=pytest.mark.check(
            f"losses/{check_suffix.format(n)}", fn=f"{n}_{fn_suffix}"))
        for n in names
    ])


def forward(submission, name, inputs, **kwargs):
    fn = f"{name}_forward"
    return expect_pair(getattr(submission.losses, fn)(*inputs, **kwargs), fn)


def backward(submission, name, grad_output, cache):
    return getattr(submission.losses, f"{name}_backward")(grad_output, cache)


def _reduction_kwargs(reduction: str) -> dict:
    return {} if reduction == "mean" else {"reduction": reduction}  # 'mean' is the default


def words(inputs, reduction) -> str:
    return f"for input of shape {inputs[0].shape}, reduction='{reduction}'"


@checked(LOSSES, "{}_forward")
@given(data=st.data(), seed=seeds, reduction=reductions)
def test_forward(submission, name, data, seed, reduction):
    torch_fn, make, shape_strategy = LOSSES[name]
    inputs = make(data.draw(shape_strategy), seed)
    loss, _ = forward(submission, name, inputs, **_reduction_kwargs(reduction))
    expected = oracle.value(torch_fn, *inputs, reduction=reduction)
    other = "sum" if reduction == "mean" else "mean"
    ignored = {f"it ignores reduction='{reduction}' and takes the {other}.":
               float(oracle.value(torch_fn, *inputs, reduction=other))}
    expect_scalar(loss, float(expected), f"{name}_forward", context=words(inputs, reduction),
                  alternatives=ignored)


@checked(LOSSES, "{}_backward", "backward")
@given(data=st.data(), seed=seeds, reduction=reductions, scale=grad_scales)
def test_backward(submission, name, data, seed, reduction, scale):
    torch_fn, make, shape_strategy = LOSSES[name]
    inputs = make(data.draw(shape_strategy), seed)
    _, (expected, _) = oracle.vjp(torch_fn, list(inputs), np.array(scale), reduction=reduction)
    _, cache = forward(submission, name, inputs, **_reduction_kwargs(reduction))
    expect_array(backward(submission, name, scale, cache), expected, f"{name}_backward",
                 context=f"{words(inputs, reduction)}, grad_output={scale}")


def _forward_and_backward(submission, name, inputs, context):
    """Both passes on ``inputs`` with no warnings: torch's loss and gradient, finite."""
    torch_fn = LOSSES[name][0]
    expected_loss, (expected_grad, _) = oracle.vjp(torch_fn, list(inputs), np.array(0.75))
    loss, cache = forward(submission, name, inputs)
    expect_no_warnings(submission.losses.last.warnings, f"{name}_forward", context=context)
    expect_scalar(loss, float(expected_loss), f"{name}_forward", context=context)
    grad = backward(submission, name, 0.75, cache)
    expect_no_warnings(submission.losses.last.warnings, f"{name}_backward", context=context)
    expect_finite(grad, f"{name}_backward", shape=expected_grad.shape, context=context)
    expect_array(grad, expected_grad, f"{name}_backward", context=context)


@pytest.mark.check("losses/binary_cross_entropy_edges", fn="binary_cross_entropy_forward")
def test_binary_cross_entropy_at_zero_and_one(submission):
    probs = np.array([0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.5])
    target = np.array([0.0, 1.0, 1.0, 0.0, 0.5, 0.5, 1.0])
    _forward_and_backward(submission, "binary_cross_entropy", (probs, target),
                          "for probabilities of exactly 0 and 1")


@pytest.mark.check("losses/binary_cross_entropy_with_logits_stable",
                   fn="binary_cross_entropy_with_logits_forward")
def test_binary_cross_entropy_with_logits_large(submission):
    x = np.array([-1e4, -1e3, -50.0, 0.0, 50.0, 1e3, 1e4, 1e4, -1e4])
    target = np.array([0.0, 1.0, 0.5, 1.0, 0.0, 1.0, 0.0, 1.0, 0.3])
    _forward_and_backward(submission, "binary_cross_entropy_with_logits", (x, target),
                          "for logits as large as 1e4 in magnitude")


@pytest.mark.check("losses/cross_entropy_stable", fn="cross_entropy_forward")
def test_cross_entropy_large(submission):
    x = np.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 5e3], [1e3, 1e3, -1e3], [0.0, -50.0, 50.0]])
    target = np.array([1, 0, 2, 1])
    _forward_and_backward(submission, "cross_entropy", (x, target),
                          "for logits as large as 1e4 in magnitude")


def _reference(name, inputs, grad_output):
    """torch's loss and gradient for ``inputs`` (float32 is upcast: float64 is the oracle)."""
    loss, (grad, _) = oracle.vjp(LOSSES[name][0], as_float64(*inputs), np.array(grad_output))
    return float(loss), grad.astype(inputs[0].dtype)


@checked(LOSSES, "float32")
def test_float32(submission, name):
    _, make, _ = LOSSES[name]
    inputs = make((4, 3), 31, dtype=np.float32)
    expected_loss, expected_grad = _reference(name, inputs, 1.5)
    loss, cache = forward(submission, name, inputs)
    expect_scalar(loss, expected_loss, f"{name}_forward", context="for float32 inputs",
                  **FLOAT32_TOLERANCE)
    grad = backward(submission, name, 1.5, cache)
    expect_dtype(grad, np.float32, f"{name}_backward", context="for float32 inputs")
    expect_array(grad, expected_grad, f"{name}_backward", context="for float32 inputs",
                 **FLOAT32_TOLERANCE)


@checked(LOSSES, "inputs_unmodified")
def test_inputs_unmodified(submission, name):
    _, make, _ = LOSSES[name]
    inputs = make((5, 4), 41)
    expected_loss, expected_grad = _reference(name, inputs, 0.5)
    loss, cache = forward(submission, name, inputs)
    expect_unmodified(submission.losses.last.mutated, f"{name}_forward", ("input", "target"))
    expect_scalar(loss, expected_loss, f"{name}_forward", context=words(inputs, "mean"))
    grad = backward(submission, name, 0.5, cache)
    cache_untouched(submission.losses.last.mutated, f"{name}_backward")
    expect_array(grad, expected_grad, f"{name}_backward", context=words(inputs, "mean"))


# Two losses of one kind in one training step (two heads, say): each cache is its own, and
# each call's reduction belongs to it.
ORDERS = {
    "forward A, forward B, backward B, backward A": ("B", "A"),
    "forward A, forward B, backward A, backward B": ("A", "B"),
}


@checked(LOSSES, "{}_backward", "backward")
@pytest.mark.parametrize("order", ORDERS, ids=["network_order", "same_order"])
def test_two_losses_interleaved(submission, name, order):
    torch_fn, make, _ = LOSSES[name]
    inputs = {"A": make((4, 3), 61), "B": make((4, 3), 62)}
    reductions = {"A": "sum", "B": "mean"}
    scales = {"A": 0.37, "B": -2.5}
    caches = {}
    for layer, args in inputs.items():
        _, caches[layer] = forward(submission, name, args,
                                   **_reduction_kwargs(reductions[layer]))
    for layer in ORDERS[order]:
        args = inputs[layer]
        _, (expected, _) = oracle.vjp(torch_fn, list(args), np.array(scales[layer]),
                                      reduction=reductions[layer])
        context = (f"for loss {layer} of two {name} losses run as {order} "
                   f"({words(args, reductions[layer])[4:]}): each cache is its own")
        expect_array(backward(submission, name, scales[layer], caches[layer]), expected,
                     f"{name}_backward", context=context)
