"""Hidden checks for normalization.py, held to torch in float64."""

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from grader.feedback.describe import Evidence
from grader.feedback.expect import (
    expect,
    expect_array,
    expect_dtype,
    expect_pair,
    expect_tuple,
    expect_unmodified,
)
from tests import oracle
from tests.public.test_normalization import (
    BN_GRADS,
    LN_GRADS,
    RMS_GRADS,
    bn_case,
    expect_grads,
    torch_batch_norm,
    torch_layer_norm,
    torch_rms_norm,
    trailing_case,
)
from tests.strategies import (
    as_float64,
    cache_untouched,
    random_array,
    seeds,
    shapes,
    upstream,
)

# (weight, bias) present or None, in every combination torch allows.
AFFINE = st.sampled_from([(True, True), (False, False), (True, False), (False, True)])
MOMENTA = st.sampled_from([None, 0.3, 1.0])  # None: the default, 0.1
F32 = {"rtol": 1e-4, "atol": 1e-5}  # float32 values: loose, only to rule out wrong ones

BIASED_RUNNING_VAR = ("the running variance is updated with the biased variance of the batch; "
                      "torch's running estimate uses the unbiased one (divide by M - 1).")
MOMENTUM_SWAPPED = ("momentum weighs the running statistics instead of the batch's: "
                    "new = (1 - momentum) * running + momentum * batch.")
UNBIASED_NORMALISER = ("it normalises with the unbiased variance; torch normalises with the "
                       "biased one (divide by M, the number of values per channel).")
BATCH_STATS_IN_EVAL = ("it normalises with the batch's statistics; with training=False the "
                       "running statistics normalise.")
EVAL_BACKWARD_AS_TRAINING = ("it differentiates through the batch's mean and variance; with "
                             "training=False the running statistics are constants.")


def check(name, fn):
    return pytest.mark.check(f"normalization/{name}", fn=fn)


@st.composite
def bn_shapes(draw, eval_mode=False):
    """``(N, C, *)`` with up to two spatial dims; training needs N * prod(*) > 1."""
    n, c = draw(st.integers(1, 5)), draw(st.integers(1, 4))
    spatial = draw(shapes(0, 2, max_side=3))
    if not eval_mode and n * int(np.prod(spatial)) == 1:
        n = 2
    return (n, c, *spatial)


@st.composite
def trailing(draw):
    """An input shape, how many trailing dims to normalise, and int-or-tuple for k = 1."""
    shape = draw(shapes(1, 4, max_side=4))
    k = draw(st.integers(1, len(shape)))
    as_int = k == 1 and draw(st.booleans())
    return shape, k, as_int


def normalized(shape, k, as_int):
    tail = tuple(shape[len(shape) - k:])
    return tail[0] if as_int else tail


def bn_forward(submission, *args, **kwargs):
    result = expect_pair(submission.normalization.batch_norm_forward(*args, **kwargs),
                         "batch_norm_forward")
    outs = expect_tuple(result[0], 3, "batch_norm_forward",
                        "(out, new_running_mean, new_running_var) as its first item")
    return outs, result[1]


def bn_backward(submission, grad_output, cache):
    return expect_tuple(submission.normalization.batch_norm_backward(grad_output, cache), 3,
                        "batch_norm_backward", ", ".join(BN_GRADS))


def bn_words(x, weight, bias, **kwargs) -> str:
    extra = "".join(f", {k}={v}" for k, v in kwargs.items())
    return (f"for x of shape {x.shape}, weight {'None' if weight is None else weight.shape}, "
            f"bias {'None' if bias is None else bias.shape}{extra}")


def momentum_kwargs(momentum):
    return {} if momentum is None else {"momentum": momentum}


# --- batch norm, training mode -----------------------------------------------------------


@check("batch_norm_forward", "batch_norm_forward")
@given(shape=bn_shapes(), affine=AFFINE, seed=seeds)
@example(shape=(2, 1), affine=(True, True), seed=1)
@example(shape=(3, 2, 4), affine=(False, False), seed=2)
def test_batch_norm_forward(submission, shape, affine, seed):
    x, w, b, _, _ = bn_case(shape, seed)
    w, b = (w if affine[0] else None), (b if affine[1] else None)
    (out, _, _), _ = bn_forward(submission, x, w, b)
    (want, _, _), _ = torch_batch_norm(x, w, b, None, None)
    expect_array(out, want, "batch_norm_forward", context=bn_words(x, w, b, training=True),
                 evidence=Evidence(alternatives={UNBIASED_NORMALISER: unbiased(x, w, b)}))


def unbiased(x, weight, bias, eps=1e-5):
    """Batch norm's output had it normalised with the unbiased variance (a common mistake)."""
    axes, channel = (0, *range(2, x.ndim)), (-1, *[1] * (x.ndim - 2))
    x_hat = (x - x.mean(axis=axes, keepdims=True)) / np.sqrt(
        x.var(axis=axes, ddof=1, keepdims=True) + eps)
    return (x_hat * (1.0 if weight is None else weight.reshape(channel))
            + (0.0 if bias is None else bias.reshape(channel)))


@check("batch_norm_running_stats", "batch_norm_forward")
@given(shape=bn_shapes(), momentum=MOMENTA, seed=seeds)
@example(shape=(2, 3), momentum=None, seed=3)
@example(shape=(2, 1, 1, 2), momentum=0.3, seed=4)
def test_batch_norm_running_stats(submission, shape, momentum, seed):
    x, w, b, rm, rv = bn_case(shape, seed)
    kwargs = momentum_kwargs(momentum)
    (_, new_mean, new_var), _ = bn_forward(submission, x, w, b, rm, rv, **kwargs)
    (_, want_mean, want_var), _ = torch_batch_norm(x, w, b, rm, rv, **kwargs)
    m = 0.1 if momentum is None else momentum
    axes = (0, *range(2, x.ndim))
    batch_mean, batch_var = x.mean(axis=axes), x.var(axis=axes)
    count = x.size // x.shape[1]
    context = f"for x of shape {x.shape}, momentum={m}"
    expect_array(new_mean, want_mean, "batch_norm_forward (new_running_mean)", context=context,
                 evidence=Evidence(alternatives={MOMENTUM_SWAPPED: m * rm + (1 - m) * batch_mean}))
    expect_array(new_var, want_var, "batch_norm_forward (new_running_var)", context=context,
                 evidence=Evidence(alternatives={
                     BIASED_RUNNING_VAR: (1 - m) * rv + m * batch_var,
                     MOMENTUM_SWAPPED: m * rv + (1 - m) * batch_var * count / (count - 1)}))


@check("batch_norm_running_stats", "batch_norm_forward")
def test_running_stats_over_three_batches(submission):
    """As in training: each batch's new statistics are passed back in with the next batch."""
    _, w, b, rm, rv = bn_case((4, 3), 5)
    mean, var = rm, rv
    want_mean, want_var = rm, rv
    for step in range(3):
        x = random_array((4, 3, 2), 60 + step) + step
        (_, mean, var), _ = bn_forward(submission, x, w, b, mean, var, momentum=0.2)
        (_, want_mean, want_var), _ = torch_batch_norm(x, w, b, want_mean, want_var,
                                                       momentum=0.2)
        context = (f"after batch {step + 1} of 3 (each of shape (4, 3, 2)), feeding the "
                   f"returned running statistics back in, momentum=0.2")
        expect_array(mean, want_mean, "batch_norm_forward (new_running_mean)", context=context)
        expect_array(var, want_var, "batch_norm_forward (new_running_var)", context=context)


@check("batch_norm_running_stats", "batch_norm_forward")
def test_running_stats_none_stay_none(submission):
    x, w, b, _, _ = bn_case((3, 2), 7, running=False)
    (_, new_mean, new_var), _ = bn_forward(submission, x, w, b, None, None)
    expect(new_mean is None and new_var is None,
           "batch_norm_forward with running_mean=None and running_var=None should return None "
           f"for both new running statistics; it returned {type(new_mean).__name__} and "
           f"{type(new_var).__name__}.")


@check("batch_norm_backward", "batch_norm_backward")
@given(shape=bn_shapes(), affine=AFFINE, seed=seeds)
@example(shape=(2, 1), affine=(True, True), seed=8)
@example(shape=(3, 2, 2, 2), affine=(False, False), seed=9)
def test_batch_norm_backward(submission, shape, affine, seed):
    x, w, b, rm, rv = bn_case(shape, seed)
    w, b = (w if affine[0] else None), (b if affine[1] else None)
    grad = upstream(x.shape, seed)
    _, expected = torch_batch_norm(x, w, b, rm, rv, grad)
    _, cache = bn_forward(submission, x, w, b, rm, rv)
    expect_grads("batch_norm_backward", bn_backward(submission, grad, cache), expected,
                 BN_GRADS, bn_words(x, w, b, training=True))


@check("batch_norm_backward", "batch_norm_backward")
def test_two_layers_forward_forward_backward_backward(submission):
    """Two batch-norm layers in a network: both forwards run before either backward."""
    x1, w1, b1, rm1, rv1 = bn_case((4, 3), 10)
    x2, w2, b2, rm2, rv2 = bn_case((5, 2, 3), 11)
    grad1, grad2 = upstream(x1.shape, 12), upstream(x2.shape, 13)
    _, cache1 = bn_forward(submission, x1, w1, b1, rm1, rv1)
    _, cache2 = bn_forward(submission, x2, w2, b2, rm2, rv2)
    for name, grad, cache, case in (("second", grad2, cache2, (x2, w2, b2, rm2, rv2)),
                                    ("first", grad1, cache1, (x1, w1, b1, rm1, rv1))):
        _, expected = torch_batch_norm(*case, grad)
        context = (f"for the {name} of two layers (x of shapes (4, 3) and (5, 2, 3)) after "
                   f"both forwards ran: the backward must use its own forward's cache")
        expect_grads("batch_norm_backward", bn_backward(submission, grad, cache), expected,
                     BN_GRADS, context)


# --- batch norm, evaluation mode -----------------------------------------------------------


@check("batch_norm_eval", "batch_norm_forward")
@given(shape=bn_shapes(eval_mode=True), affine=AFFINE, seed=seeds)
@example(shape=(1, 3), affine=(True, True), seed=14)
@example(shape=(1, 2, 2, 2), affine=(False, False), seed=15)
def test_batch_norm_eval(submission, shape, affine, seed):
    x, w, b, rm, rv = bn_case(shape, seed)
    w, b = (w if affine[0] else None), (b if affine[1] else None)
    grad = upstream(x.shape, seed)
    (want, _, _), expected = torch_batch_norm(x, w, b, rm, rv, grad, training=False)
    context = bn_words(x, w, b, training=False)
    alternatives = {BATCH_STATS_IN_EVAL: normalised_by(x, w, b, *batch_stats(x))}
    (out, new_mean, new_var), cache = bn_forward(submission, x, w, b, rm, rv, training=False)
    expect_array(out, want, "batch_norm_forward", context=context,
                 evidence=Evidence(alternatives=alternatives))
    expect_array(new_mean, rm, "batch_norm_forward (new_running_mean)",
                 context=f"{context}: evaluation mode leaves the running statistics as they are")
    expect_array(new_var, rv, "batch_norm_forward (new_running_var)",
                 context=f"{context}: evaluation mode leaves the running statistics as they are")
    training_grads = {EVAL_BACKWARD_AS_TRAINING: through_stats(x, w, rm, rv, grad)}
    grads = bn_backward(submission, grad, cache)
    expect_array(grads[0], expected[0], "batch_norm_backward (grad_x)", context=context,
                 evidence=Evidence(alternatives=training_grads))
    expect_grads("batch_norm_backward", grads[1:], expected[1:], BN_GRADS[1:], context)


def batch_stats(x):
    axes = (0, *range(2, x.ndim))
    return x.mean(axis=axes), x.var(axis=axes)


def normalised_by(x, weight, bias, mean, var, eps=1e-5):
    """Batch norm's output with the given per-channel statistics (to name a mistake)."""
    channel = (-1, *[1] * (x.ndim - 2))
    x_hat = (x - mean.reshape(channel)) / np.sqrt(var.reshape(channel) + eps)
    return (x_hat * (1.0 if weight is None else weight.reshape(channel))
            + (0.0 if bias is None else bias.reshape(channel)))


def through_stats(x, weight, mean, var, grad, eps=1e-5):
    """grad_x had the backward treated the running statistics as the batch's (a mistake)."""
    axes, channel = (0, *range(2, x.ndim)), (-1, *[1] * (x.ndim - 2))
    inv_std = 1 / np.sqrt(var.reshape(channel) + eps)
    x_hat = (x - mean.reshape(channel)) * inv_std
    g = grad * (1.0 if weight is None else weight.reshape(channel))
    return inv_std * (g - g.mean(axis=axes, keepdims=True)
                      - x_hat * (g * x_hat).mean(axis=axes, keepdims=True))


# --- layer norm and RMS norm ---------------------------------------------------------------


def ln_words(x, normalized_shape, weight, bias, **kwargs):
    extra = "".join(f", {k}={v}" for k, v in kwargs.items())
    return (f"for x of shape {x.shape}, normalized_shape={normalized_shape!r}, "
            f"weight {'None' if weight is None else weight.shape}, "
            f"bias {'None' if bias is None else bias.shape}{extra}")


def last_axis_only(fn, x, normalized_shape, weight=None, bias=None, **kwargs):
    """Evidence for normalising along the last axis whatever ``normalized_shape`` says."""
    if isinstance(normalized_shape, int) or len(normalized_shape) == 1:
        return None
    rows = oracle.value(fn, x, x.shape[-1], **kwargs)  # each trailing row on its own
    rows = rows * (1.0 if weight is None else weight) + (0.0 if bias is None else bias)
    return Evidence(alternatives={
        f"it normalises over the last axis only; normalized_shape={normalized_shape!r} names "
        f"the last {len(normalized_shape)} axes, normalised together.": rows})


@check("layer_norm_forward", "layer_norm_forward")
@given(case=trailing(), affine=AFFINE, seed=seeds)
@example(case=((2, 3, 4), 2, False), affine=(True, True), seed=16)
@example(case=((3, 5), 1, True), affine=(False, False), seed=17)
@example(case=((4,), 1, True), affine=(True, False), seed=18)
def test_layer_norm_forward(submission, case, affine, seed):
    shape, k, as_int = case
    ns = normalized(shape, k, as_int)
    x, w, b = trailing_case(shape, k, seed, *affine)
    out, _ = expect_pair(submission.normalization.layer_norm_forward(x, ns, w, b),
                         "layer_norm_forward")
    expect_array(out, oracle.value(torch_layer_norm, x, ns, w, b), "layer_norm_forward",
                 context=ln_words(x, ns, w, b),
                 evidence=last_axis_only(torch_layer_norm, x, ns, w, b))


@check("layer_norm_forward", "layer_norm_forward")
def test_layer_norm_eps(submission):
    x, w, b = trailing_case((3, 4), 1, 19)
    x = x * 1e-3  # small values: eps matters
    out, _ = expect_pair(submission.normalization.layer_norm_forward(x, (4,), w, b, eps=1e-4),
                         "layer_norm_forward")
    expect_array(out, oracle.value(torch_layer_norm, x, (4,), w, b, eps=1e-4),
                 "layer_norm_forward", context=ln_words(x, (4,), w, b, eps=1e-4))


@check("layer_norm_backward", "layer_norm_backward")
@given(case=trailing(), affine=AFFINE, seed=seeds)
@example(case=((2, 3, 4), 2, False), affine=(True, True), seed=20)
@example(case=((3, 5), 1, True), affine=(False, False), seed=21)
@example(case=((2, 2, 3), 3, False), affine=(True, False), seed=22)
def test_layer_norm_backward(submission, case, affine, seed):
    shape, k, as_int = case
    ns = normalized(shape, k, as_int)
    x, w, b = trailing_case(shape, k, seed, *affine)
    grad = upstream(x.shape, seed)
    _, expected = oracle.vjp(lambda *t: torch_layer_norm(t[0], ns, *t[1:]), [x, w, b], grad)
    _, cache = expect_pair(submission.normalization.layer_norm_forward(x, ns, w, b),
                           "layer_norm_forward")
    grads = expect_tuple(submission.normalization.layer_norm_backward(grad, cache), 3,
                         "layer_norm_backward", ", ".join(LN_GRADS))
    expect_grads("layer_norm_backward", grads, expected, LN_GRADS, ln_words(x, ns, w, b))


EPSILONS = st.sampled_from([None, 1e-3])


def rms_words(x, normalized_shape, weight, eps):
    return (f"for x of shape {x.shape}, normalized_shape={normalized_shape!r}, "
            f"weight {'None' if weight is None else weight.shape}, eps={eps}")


@check("rms_norm_forward", "rms_norm_forward")
@given(case=trailing(), has_weight=st.booleans(), eps=EPSILONS, seed=seeds)
@example(case=((2, 3, 4), 2, False), has_weight=True, eps=None, seed=23)
@example(case=((3, 5), 1, True), has_weight=False, eps=1e-3, seed=24)
def test_rms_norm_forward(submission, case, has_weight, eps, seed):
    shape, k, as_int = case
    ns = normalized(shape, k, as_int)
    x, w, _ = trailing_case(shape, k, seed, has_weight, False)
    kwargs = {} if eps is None else {"eps": eps}
    out, _ = expect_pair(submission.normalization.rms_norm_forward(x, ns, w, **kwargs),
                         "rms_norm_forward")
    expect_array(out, oracle.value(torch_rms_norm, x, ns, w, eps=eps), "rms_norm_forward",
                 context=rms_words(x, ns, w, eps),
                 evidence=last_axis_only(torch_rms_norm, x, ns, w, eps=eps))


@check("rms_norm_forward", "rms_norm_forward")
@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
def test_rms_norm_default_eps(submission, dtype):
    """Tiny inputs, where eps=None (the dtype's machine epsilon) makes a visible difference."""
    scale = 1e-7 if dtype == np.float64 else 1e-3
    x = (random_array((3, 4), 25) * scale).astype(dtype)
    out, _ = expect_pair(submission.normalization.rms_norm_forward(x, 4), "rms_norm_forward")
    want = oracle.value(torch_rms_norm, x, 4).astype(np.float64)
    context = (f"for {np.dtype(dtype).name} x of shape (3, 4) with values about {scale:g}, "
               f"eps=None (numpy.finfo(x.dtype).eps, {np.finfo(dtype).eps:.3g})")
    expect(isinstance(out, np.ndarray), f"rms_norm_forward {context} should return a NumPy "
                                        f"array; it returned {type(out).__name__}.")
    expect_array(out.astype(np.float64), want, "rms_norm_forward", context=context,
                 rtol=1e-4 if dtype == np.float32 else 1e-6)


@check("rms_norm_backward", "rms_norm_backward")
@given(case=trailing(), has_weight=st.booleans(), eps=EPSILONS, seed=seeds)
@example(case=((2, 3, 4), 2, False), has_weight=True, eps=None, seed=26)
@example(case=((3, 5), 1, True), has_weight=False, eps=1e-3, seed=27)
def test_rms_norm_backward(submission, case, has_weight, eps, seed):
    shape, k, as_int = case
    ns = normalized(shape, k, as_int)
    x, w, _ = trailing_case(shape, k, seed, has_weight, False)
    grad = upstream(x.shape, seed)
    _, expected = oracle.vjp(lambda *t: torch_rms_norm(t[0], ns, t[1], eps=eps), [x, w], grad)
    kwargs = {} if eps is None else {"eps": eps}
    _, cache = expect_pair(submission.normalization.rms_norm_forward(x, ns, w, **kwargs),
                           "rms_norm_forward")
    grads = expect_tuple(submission.normalization.rms_norm_backward(grad, cache), 2,
                         "rms_norm_backward", ", ".join(RMS_GRADS))
    expect_grads("rms_norm_backward", grads, expected, RMS_GRADS,
                 rms_words(x, ns, w, eps))


# --- float32 and in-place changes ----------------------------------------------------------


def _run_all(submission, dtype, after_forward, after_backward):
    """Every forward and backward of the unit on small inputs of ``dtype``.

    ``after_forward(fn, out, want, watched)`` and ``after_backward(fn, grads, wants)``
    look at each result; ``want`` and ``wants`` are torch's output and gradients (in
    float64, from the same inputs).
    """
    norm = submission.normalization
    for in_training in (True, False):
        x, w, b, rm, rv = bn_case((4, 3, 2), 31, dtype=dtype)
        grad = upstream(x.shape, 32, dtype)
        (want, _, _), wants = torch_batch_norm(*as_float64(x, w, b, rm, rv),
                                               *as_float64(grad), training=in_training)
        result = bn_forward(submission, x, w, b, rm, rv, training=in_training)
        mode = f"batch_norm_forward (training={in_training})"
        after_forward(mode, result[0], want,
                      ("x", "weight", "bias", "running_mean", "running_var"))
        grads = bn_backward(submission, grad, result[1])
        after_backward(f"batch_norm_backward (training={in_training})", grads, wants)
    x, w, b = trailing_case((2, 3, 4), 2, 33, dtype=dtype)
    grad = upstream(x.shape, 34, dtype)
    want, wants = oracle.vjp(lambda *t: torch_layer_norm(t[0], (3, 4), *t[1:]),
                             as_float64(x, w, b), *as_float64(grad))
    out, cache = expect_pair(norm.layer_norm_forward(x, (3, 4), w, b), "layer_norm_forward")
    after_forward("layer_norm_forward", (out,), want, ("x", None, "weight", "bias"))
    grads = expect_tuple(norm.layer_norm_backward(grad, cache), 3,
                         "layer_norm_backward", ", ".join(LN_GRADS))
    after_backward("layer_norm_backward", grads, wants)
    grad = upstream(x.shape, 35, dtype)
    want, wants = oracle.vjp(lambda *t: torch_rms_norm(t[0], (3, 4), t[1]),
                             as_float64(x, w), *as_float64(grad))
    out, cache = expect_pair(norm.rms_norm_forward(x, (3, 4), w), "rms_norm_forward")
    after_forward("rms_norm_forward", (out,), want, ("x", None, "weight"))
    grads = expect_tuple(norm.rms_norm_backward(grad, cache), 2,
                         "rms_norm_backward", ", ".join(RMS_GRADS))
    after_backward("rms_norm_backward", grads, wants)


def _expect_grad_values(fn, grads, wants, context, **tolerance):
    for name, got, want in zip(("grad_x", "grad_weight", "grad_bias"), grads, wants,
                               strict=False):
        if want is not None:
            expect_array(np.asarray(got, dtype=np.float64) if isinstance(got, np.ndarray)
                         else got, want, f"{fn} ({name})", context=context, **tolerance)


@check("float32", "batch_norm_forward")
def test_float32_stays_float32(submission):
    def forward_dtypes(fn, outs, want, watched):
        for name, got in zip(("out", "new_running_mean", "new_running_var")[:len(outs)], outs,
                             strict=True):
            expect_dtype(got, np.float32, f"{fn} ({name})", context="for float32 inputs")
        # the values too, loosely: a float32 array of wrong values earns nothing here
        expect_array(np.asarray(outs[0], dtype=np.float64) if isinstance(outs[0], np.ndarray)
                     else outs[0], want, fn, context="for float32 inputs", **F32)

    def backward_dtypes(fn, grads, wants):
        for name, got in zip(("grad_x", "grad_weight", "grad_bias")[:len(grads)], grads,
                             strict=True):
            if isinstance(got, np.ndarray | np.generic):  # the shape is another check's
                expect_dtype(np.asarray(got), np.float32, f"{fn} ({name})",
                             context="for float32 inputs")
        _expect_grad_values(fn, grads, wants, "for float32 inputs", **F32)

    _run_all(submission, np.float32, forward_dtypes, backward_dtypes)


@check("inputs_unmodified", "batch_norm_forward")
def test_inputs_unmodified(submission):
    def forward_untouched(fn, outs, want, watched):
        expect_unmodified(submission.normalization.last.mutated, fn, watched)
        expect_array(outs[0], want, fn, context="for small float64 inputs")

    def backward_untouched(fn, grads, wants):
        expect_unmodified(submission.normalization.last.mutated, fn, ("grad_output", None))
        cache_untouched(submission.normalization.last.mutated, fn)
        _expect_grad_values(fn, grads, wants, "for small float64 inputs")

    _run_all(submission, np.float64, forward_untouched, backward_untouched)


# --- two layer norms, as a transformer runs them --------------------------------------------
ORDERS = {
    "forward A, forward B, backward B, backward A": ("B", "A"),
    "forward A, forward B, backward A, backward B": ("A", "B"),
}


@pytest.mark.parametrize("kind", [
    pytest.param("layer_norm", marks=check("layer_norm_backward", "layer_norm_backward")),
    pytest.param("rms_norm", marks=check("rms_norm_backward", "rms_norm_backward"))])
@pytest.mark.parametrize("order", ORDERS, ids=["network_order", "same_order"])
def test_two_norm_layers(submission, kind, order):
    """x -> norm A -> norm B, with weights of their own: each backward uses its own cache."""
    x, w_a, b_a = trailing_case((3, 2, 4), 1, 40)
    _, w_b, b_b = trailing_case((3, 2, 4), 1, 41)
    if kind == "layer_norm":
        def torch_norm(*t):
            return torch_layer_norm(t[0], (4,), *t[1:])
        params = {"A": (w_a, b_a), "B": (w_b, b_b)}
        names = LN_GRADS
    else:
        def torch_norm(*t):
            return torch_rms_norm(t[0], (4,), *t[1:])
        params = {"A": (w_a,), "B": (w_b,)}
        names = RMS_GRADS
    hidden = oracle.value(torch_norm, x, *params["A"])
    grad_out = upstream(x.shape, 42)
    _, grads_b = oracle.vjp(torch_norm, [hidden, *params["B"]], grad_out)
    _, grads_a = oracle.vjp(torch_norm, [x, *params["A"]], grads_b[0])
    layers = {"A": (x, grads_b[0], grads_a), "B": (hidden, grad_out, grads_b)}
    forward = getattr(submission.normalization, f"{kind}_forward")
    backward = getattr(submission.normalization, f"{kind}_backward")
    caches = {name: expect_pair(forward(inp, 4, *params[name]), f"{kind}_forward")[1]
              for name, (inp, _, _) in layers.items()}
    for name in ORDERS[order]:
        _, grad, expected = layers[name]
        grads = expect_tuple(backward(grad, caches[name]), len(names), f"{kind}_backward",
                             ", ".join(names))
        expect_grads(f"{kind}_backward", grads, expected, names,
                     f"for layer {name} of x -> {kind} A -> {kind} B (x of shape {x.shape}, "
                     f"normalized_shape=4), run as {order}: each cache is its own")
