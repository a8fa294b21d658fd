"""Public checks for normalization.py: small fixed cases, held to torch.

They show that your code runs and gives the right shapes and values on easy
inputs. They are not your grade: the hidden checks try many more shapes,
random weights, evaluation mode, several layers at once, float32 and the
running statistics' update.
"""

import numpy as np
import pytest

from grader.feedback.expect import expect, expect_array, expect_pair, expect_tuple
from tests import oracle
from tests.oracle import F, torch
from tests.strategies import random_array, upstream

BN_GRADS = ("grad_x", "grad_weight", "grad_bias")
LN_GRADS = ("grad_x", "grad_weight", "grad_bias")
RMS_GRADS = ("grad_x", "grad_weight")


def bn_case(shape, seed, affine=True, running=True, dtype=np.float64):
    """``x`` and the (C,) arrays ``weight, bias, running_mean, running_var`` (or Nones)."""
    channels = shape[1]
    x = random_array(shape, seed, dtype=dtype) + 1.0  # a mean away from 0
    weight = random_array((channels,), seed + 1, dtype=dtype) if affine else None
    bias = random_array((channels,), seed + 2, dtype=dtype) if affine else None
    if not running:
        return x, weight, bias, None, None
    running_mean = random_array((channels,), seed + 3, scale=0.5, dtype=dtype)
    running_var = (0.5 + np.random.default_rng(seed + 4).random(channels)).astype(dtype)
    return x, weight, bias, running_mean, running_var


@oracle.cached  # (its closure holds tensors, which the inner value and vjp cannot key)
def torch_batch_norm(x, weight, bias, running_mean, running_var, grad_output=None,
                     training=True, momentum=0.1, eps=1e-5):
    """torch's ``(out, new_running_mean, new_running_var)`` and, given ``grad_output``,
    the gradients ``(grad_x, grad_weight, grad_bias)`` (None where an input was None)."""
    stats = [None if s is None else torch.from_numpy(s.copy()) for s in
             (running_mean, running_var)]

    def bn(x_t, w_t, b_t):
        return F.batch_norm(x_t, stats[0], stats[1], w_t, b_t, training, momentum, eps)

    if grad_output is None:
        out, grads = oracle.value(bn, x, weight, bias), None
    else:
        out, grads = oracle.vjp(bn, [x, weight, bias], grad_output)
    new_stats = tuple(None if s is None else oracle.as_numpy(s) for s in stats)
    return (out, *new_stats), grads


def torch_layer_norm(x, normalized_shape, weight=None, bias=None, eps=1e-5):
    return F.layer_norm(x, _as_tuple(normalized_shape), weight, bias, eps)


def torch_rms_norm(x, normalized_shape, weight=None, eps=None):
    return F.rms_norm(x, _as_tuple(normalized_shape), weight, eps)


def _as_tuple(normalized_shape):
    return (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)


def trailing_case(shape, k, seed, weight=True, bias=True, dtype=np.float64):
    """``x`` of ``shape`` and ``weight``/``bias`` (or Nones) of its last ``k`` dims."""
    x = random_array(shape, seed, dtype=dtype) + 0.5
    tail = shape[len(shape) - k:]
    w = random_array(tail, seed + 1, dtype=dtype) if weight else None
    b = random_array(tail, seed + 2, dtype=dtype) if bias else None
    return x, w, b


def expect_grads(fn, grads, expected, names, context):
    """Compare each gradient with torch's; ``None`` where the input was ``None``."""
    for name, got, want in zip(names, grads, expected, strict=True):
        if want is None:
            expect(got is None, f"{fn} {context}: {name} should be None, since that argument "
                                f"of the forward was None; it returned {type(got).__name__}.")
        else:
            expect_array(got, want, f"{fn} ({name})", context=context)


def _bn(submission, *args, **kwargs):
    result = expect_pair(submission.normalization.batch_norm_forward(*args, **kwargs),
                         "batch_norm_forward")
    outs = expect_tuple(result[0], 3, "batch_norm_forward",
                        "(out, new_running_mean, new_running_var) as its first item")
    return outs, result[1]


@pytest.mark.check("normalization/batch_norm_forward", fn="batch_norm_forward")
def test_batch_norm_forward(submission):
    x, w, b, _, _ = bn_case((4, 3), 1, running=False)
    (out, _, _), _ = _bn(submission, x, w, b)
    (want, _, _), _ = torch_batch_norm(x, w, b, None, None)
    expect_array(out, want, "batch_norm_forward",
                 context="for x of shape (4, 3), weight and bias (3,), training=True")


@pytest.mark.check("normalization/batch_norm_running_stats", fn="batch_norm_forward")
def test_batch_norm_running_stats(submission):
    x, w, b, rm, rv = bn_case((5, 2), 3)
    (_, new_mean, new_var), _ = _bn(submission, x, w, b, rm, rv)
    (_, want_mean, want_var), _ = torch_batch_norm(x, w, b, rm, rv)
    context = "for x of shape (5, 2), momentum=0.1"
    expect_array(new_mean, want_mean, "batch_norm_forward (new_running_mean)", context=context)
    expect_array(new_var, want_var, "batch_norm_forward (new_running_var)", context=context)


@pytest.mark.check("normalization/batch_norm_backward", fn="batch_norm_backward")
def test_batch_norm_backward(submission):
    x, w, b, _, _ = bn_case((4, 3), 5, running=False)
    grad = upstream(x.shape, 6)
    _, expected = torch_batch_norm(x, w, b, None, None, grad)
    _, cache = _bn(submission, x, w, b)
    grads = expect_tuple(submission.normalization.batch_norm_backward(grad, cache), 3,
                         "batch_norm_backward", ", ".join(BN_GRADS))
    expect_grads("batch_norm_backward", grads, expected, BN_GRADS,
                 "for x of shape (4, 3), training=True")


@pytest.mark.check("normalization/batch_norm_eval", fn="batch_norm_forward")
def test_batch_norm_eval(submission):
    x, w, b, rm, rv = bn_case((3, 2), 7)
    (out, _, _), _ = _bn(submission, x, w, b, rm, rv, training=False)
    (want, _, _), _ = torch_batch_norm(x, w, b, rm, rv, training=False)
    expect_array(out, want, "batch_norm_forward",
                 context="for x of shape (3, 2), training=False (the running statistics "
                         "normalise)")


@pytest.mark.check("normalization/layer_norm_forward", fn="layer_norm_forward")
def test_layer_norm_forward(submission):
    x, w, b = trailing_case((2, 5), 1, 9)
    out, _ = expect_pair(submission.normalization.layer_norm_forward(x, 5, w, b),
                         "layer_norm_forward")
    expect_array(out, oracle.value(torch_layer_norm, x, 5, w, b), "layer_norm_forward",
                 context="for x of shape (2, 5), normalized_shape=5")


@pytest.mark.check("normalization/layer_norm_backward", fn="layer_norm_backward")
def test_layer_norm_backward(submission):
    x, w, b = trailing_case((2, 3, 4), 2, 11)
    grad = upstream(x.shape, 12)
    _, expected = oracle.vjp(lambda *t: torch_layer_norm(t[0], (3, 4), *t[1:]), [x, w, b], grad)
    _, cache = expect_pair(submission.normalization.layer_norm_forward(x, (3, 4), w, b),
                           "layer_norm_forward")
    grads = expect_tuple(submission.normalization.layer_norm_backward(grad, cache), 3,
                         "layer_norm_backward", ", ".join(LN_GRADS))
    expect_grads("layer_norm_backward", grads, expected, LN_GRADS,
                 "for x of shape (2, 3, 4), normalized_shape=(3, 4)")


@pytest.mark.check("normalization/rms_norm_forward", fn="rms_norm_forward")
def test_rms_norm_forward(submission):
    x, w, _ = trailing_case((3, 4), 1, 13, bias=False)
    out, _ = expect_pair(submission.normalization.rms_norm_forward(x, 4, w), "rms_norm_forward")
    expect_array(out, oracle.value(torch_rms_norm, x, 4, w), "rms_norm_forward",
                 context="for x of shape (3, 4), normalized_shape=4, eps=None")


@pytest.mark.check("normalization/rms_norm_backward", fn="rms_norm_backward")
def test_rms_norm_backward(submission):
    x, w, _ = trailing_case((3, 4), 1, 15, bias=False)
    grad = upstream(x.shape, 16)
    _, expected = oracle.vjp(lambda *t: torch_rms_norm(t[0], 4, t[1]), [x, w], grad)
    _, cache = expect_pair(submission.normalization.rms_norm_forward(x, 4, w), "rms_norm_forward")
    grads = expect_tuple(submission.normalization.rms_norm_backward(grad, cache), 2,
                         "rms_norm_backward", ", ".join(RMS_GRADS))
    expect_grads("rms_norm_backward", grads, expected, RMS_GRADS,
                 "for x of shape (3, 4), normalized_shape=4")
