"""Hidden checks for attention.py, held to torch in float64."""

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from grader.feedback.describe import Evidence
from grader.feedback.expect import (
    expect,
    expect_array,
    expect_dtype,
    expect_finite,
    expect_no_warnings,
    expect_pair,
    expect_tuple,
    expect_unmodified,
)
from tests import oracle
from tests.oracle import F
from tests.public.test_attention import (
    MHA,
    MHA_GRADS,
    SDPA,
    SDPA_GRADS,
    mha_inputs,
    run_sdpa,
    sdpa_inputs,
    torch_mha,
    torch_sdpa,
)
from tests.strategies import (
    FLOAT32_TOLERANCE,
    as_float64,
    cache_untouched,
    random_array,
    seeds,
    shapes,
    upstream,
)

sides = st.integers(1, 5)


def check(name, fn):
    return pytest.mark.check(f"attention/{name}", fn=fn)


@st.composite
def sdpa_shapes(draw):
    """``(batch, L, S, E, Ev)``, with 0 to 2 leading batch dims."""
    return draw(shapes(0, 2, max_side=3)), draw(sides), draw(sides), draw(sides), draw(sides)


@st.composite
def masked_cases(draw):
    """``(shape, mask)``: ``sdpa_shapes`` and a boolean mask broadcastable to ``(*batch, L, S)``.

    Any leading dims may be left out and any but the last (S) may be 1. Every query
    keeps at least one key: fully masked rows are their own check.
    """
    shape = draw(sdpa_shapes())
    batch, L, S = shape[:3]
    sides_kept = (*(side if draw(st.booleans()) else 1 for side in (*batch, L)), S)
    mask_shape = sides_kept[draw(st.integers(0, len(sides_kept) - 1)):]
    rng = np.random.default_rng(draw(seeds))
    mask = rng.random(mask_shape) < 0.5
    keep = rng.integers(0, S, (*mask_shape[:-1], 1))
    np.put_along_axis(mask, keep, True, axis=-1)
    return shape, mask


@st.composite
def mha_shapes(draw):
    """``(N, L, num_heads, D)`` with ``E = num_heads * D``."""
    return draw(st.integers(1, 3)), draw(sides), draw(st.integers(1, 3)), draw(st.integers(1, 3))


def sdpa_words(q, k, v, **kwargs) -> str:
    extra = "".join(f", {name}={value}" for name, value in kwargs.items())
    return f"for query {q.shape}, key {k.shape}, value {v.shape}{extra}"


def mha_words(x, num_heads, **kwargs) -> str:
    extra = "".join(f", {name}={value}" for name, value in kwargs.items())
    return f"for x {x.shape}, num_heads={num_heads}{extra}"


def sdpa_forward(submission, *args, **kwargs):
    return expect_pair(submission.attention.scaled_dot_product_attention_forward(*args, **kwargs),
                       f"{SDPA}_forward")


def sdpa_backward(submission, grad, cache):
    return expect_tuple(submission.attention.scaled_dot_product_attention_backward(grad, cache),
                        3, f"{SDPA}_backward", ", ".join(SDPA_GRADS))


def mha_forward(submission, *args, **kwargs):
    return expect_pair(submission.attention.multi_head_attention_forward(*args, **kwargs),
                       f"{MHA}_forward")


def mha_backward(submission, grad, cache):
    return expect_tuple(submission.attention.multi_head_attention_backward(grad, cache),
                        5, f"{MHA}_backward", ", ".join(MHA_GRADS))


def expect_shape(actual, shape, name, context):
    got = f"shape {actual.shape}" if isinstance(actual, np.ndarray) else type(actual).__name__
    expect(isinstance(actual, np.ndarray) and actual.shape == shape,
           f"{name} {context} should return an array of shape {shape}; it returned {got}.")


# --- scaled_dot_product_attention ------------------------------------------------------------

SDPA_EXAMPLES = [  # (batch, L, S, E, Ev)
    ((2,), 3, 5, 4, 2),
    ((2, 3), 4, 4, 6, 3),
    ((), 5, 2, 3, 7),
]


def sdpa_examples(test):
    for i, shape in enumerate(SDPA_EXAMPLES):
        test = example(shape=shape, seed=100 + i)(test)
    return test


@check(f"{SDPA}_forward", f"{SDPA}_forward")
@given(shape=sdpa_shapes(), seed=seeds)
@sdpa_examples
def test_sdpa_forward(submission, shape, seed):
    q, k, v = sdpa_inputs(*shape, seed)
    out, _ = sdpa_forward(submission, q, k, v)
    expect_array(out, oracle.value(torch_sdpa, q, k, v), f"{SDPA}_forward",
                 context=sdpa_words(q, k, v), evidence=scale_mistakes(q, k, v))


def scale_mistakes(q, k, v) -> Evidence:
    """The results of the usual scaling mistakes, to recognise them."""
    E = q.shape[-1]
    scaled = {"the scores are not scaled by 1/sqrt(E).": 1.0,
              "the scores are scaled by 1/E instead of 1/sqrt(E).": 1 / E}
    return Evidence(alternatives={
        words: oracle.value(F.scaled_dot_product_attention, q, k, v, scale=scale)
        for words, scale in scaled.items() if E > 1})


@check(f"{SDPA}_backward", f"{SDPA}_backward")
@given(shape=sdpa_shapes(), seed=seeds)
@sdpa_examples
def test_sdpa_backward(submission, shape, seed):
    q, k, v = sdpa_inputs(*shape, seed)
    grad = upstream((*q.shape[:-1], v.shape[-1]), seed)
    _, expected = oracle.vjp(torch_sdpa, [q, k, v], grad)
    _, cache = sdpa_forward(submission, q, k, v)
    grads = sdpa_backward(submission, grad, cache)
    for name, got, want in zip(SDPA_GRADS, grads, expected, strict=True):
        expect_array(got, want, f"{SDPA}_backward", context=f"{sdpa_words(q, k, v)}: {name}")


KEY_PADDING = np.array([[True, True, False, True, False], [False, True, True, True, True]])


@check(f"{SDPA}_mask", f"{SDPA}_forward")
@given(case=masked_cases(), seed=seeds)
@example(case=(((2, 3), 4, 5, 3, 2), KEY_PADDING[:, None, None, :]), seed=7)  # (N, 1, 1, S)
@example(case=(((2,), 3, 4, 4, 2), np.tri(3, 4, 1, dtype=bool)), seed=8)  # (L, S)
def test_sdpa_mask(submission, case, seed):
    shape, mask = case
    q, k, v = sdpa_inputs(*shape, seed)
    grad = upstream((*q.shape[:-1], v.shape[-1]), seed)
    run_sdpa(submission, (q, k, v), grad,
             f"{sdpa_words(q, k, v)} and an attn_mask of shape {mask.shape} (True = allowed)",
             attn_mask=mask)


@check(f"{SDPA}_fully_masked_rows", f"{SDPA}_forward")
@pytest.mark.parametrize("batch", [(), (2,), (2, 3)], ids=["no_batch", "batch_2", "batch_2x3"])
def test_sdpa_fully_masked_rows(submission, batch):
    L, S, masked, kept = 4, 5, [1, 3], [0, 2]
    q, k, v = sdpa_inputs(batch, L, S, 3, 2, 60 + len(batch))
    mask = np.random.default_rng(61).random((L, S)) < 0.5
    mask[kept, 0] = True
    mask[masked] = False
    grad = upstream((*batch, L, 2), 62)
    context = f"{sdpa_words(q, k, v)} and an attn_mask whose rows 1 and 3 are all False"
    expected_out, expected_grads = oracle.vjp(torch_sdpa, [q, k, v, mask], grad)

    out, cache = sdpa_forward(submission, q, k, v, attn_mask=mask)
    warnings = submission.attention.last.warnings
    expect_shape(out, expected_out.shape, f"{SDPA}_forward", context)
    expect_finite(out, f"{SDPA}_forward", context=context)
    expect_no_warnings(warnings, f"{SDPA}_forward", context=context)
    grads = sdpa_backward(submission, grad, cache)
    warnings = submission.attention.last.warnings
    for name, got, want in zip(SDPA_GRADS, grads, expected_grads, strict=False):
        expect_shape(got, want.shape, f"{SDPA}_backward", f"{context}: {name}")
        expect_finite(got, f"{SDPA}_backward", context=f"{context}: {name}")
    expect_no_warnings(warnings, f"{SDPA}_backward", context=context)

    # torch: a query that may attend to nothing gets output 0 and gradient 0 ...
    expect_array(out[..., masked, :], expected_out[..., masked, :], f"{SDPA}_forward",
                 context=f"{context}: out in those rows")
    expect_array(grads[0][..., masked, :], expected_grads[0][..., masked, :], f"{SDPA}_backward",
                 context=f"{context}: grad_query in those rows")
    # ... and takes no part otherwise: the rest is what your code gives without those rows.
    out_kept, cache_kept = sdpa_forward(submission, q[..., kept, :], k, v, attn_mask=mask[kept])
    grads_kept = sdpa_backward(submission, grad[..., kept, :], cache_kept)
    pairs = [("out", out[..., kept, :], out_kept), ("grad_query", grads[0][..., kept, :],
             grads_kept[0]), ("grad_key", grads[1], grads_kept[1]),
             ("grad_value", grads[2], grads_kept[2])]
    for name, got, alone in pairs:
        expect(isinstance(alone, np.ndarray) and got.shape == alone.shape
               and np.allclose(got, alone, rtol=1e-6, atol=1e-8),
               f"{SDPA} {context}: {name} should be what you get when the fully masked query "
               f"rows are left out, since those rows attend to nothing; it is not. Do the "
               f"fully masked rows still have nonzero attention weights?")
    # and all of it right, so that a stub of zeros earns nothing here
    expect_array(out, expected_out, f"{SDPA}_forward", context=context)
    for name, got, want in zip(SDPA_GRADS, grads, expected_grads, strict=False):
        expect_array(got, want, f"{SDPA}_backward", context=f"{context}: {name}")


@check(f"{SDPA}_causal", f"{SDPA}_forward")
@given(shape=sdpa_shapes(), seed=seeds)
@example(shape=((2,), 3, 5, 4, 2), seed=11)  # L < S
@example(shape=((2, 2), 5, 3, 4, 2), seed=12)  # L > S
@example(shape=((3,), 4, 4, 2, 3), seed=13)  # L = S
def test_sdpa_causal(submission, shape, seed):
    q, k, v = sdpa_inputs(*shape, seed)
    grad = upstream((*q.shape[:-1], v.shape[-1]), seed)
    run_sdpa(submission, (q, k, v), grad, sdpa_words(q, k, v, is_causal=True), is_causal=True)


def _huge_scores():
    """Scores of about 1e6 in magnitude: one row all very negative, one all very positive."""
    rng = np.random.default_rng(71)
    q = rng.standard_normal((2, 4, 3)) * 1e3
    k = rng.standard_normal((2, 5, 3)) * 1e3
    k[..., 0] = np.abs(k[..., 0]) + 1e3
    q[:, 0, 0], q[:, 1, 0] = -2e3, 2e3
    return q, k, rng.standard_normal((2, 5, 2))


@check(f"{SDPA}_stable", f"{SDPA}_forward")
def test_sdpa_stable(submission):
    q, k, v = _huge_scores()
    grad = upstream((2, 4, 2), 72)
    context = "for query and key entries of about 1e3 (scores of about 1e6)"
    expected_out, expected_grads = oracle.vjp(torch_sdpa, [q, k, v], grad)
    out, cache = sdpa_forward(submission, q, k, v)
    expect_no_warnings(submission.attention.last.warnings, f"{SDPA}_forward", context=context)
    expect_array(out, expected_out, f"{SDPA}_forward", context=context)
    grads = sdpa_backward(submission, grad, cache)
    expect_no_warnings(submission.attention.last.warnings, f"{SDPA}_backward", context=context)
    for name, got, want in zip(SDPA_GRADS, grads, expected_grads, strict=True):
        expect_array(got, want, f"{SDPA}_backward", context=f"{context}: {name}")


# --- multi_head_attention --------------------------------------------------------------------

MHA_EXAMPLES = [  # (N, L, num_heads, D)
    (2, 4, 2, 3),
    (1, 3, 1, 4),
    (2, 5, 3, 2),
    (3, 2, 4, 2),
]


def mha_examples(test):
    for i, shape in enumerate(MHA_EXAMPLES):
        test = example(shape=shape, seed=200 + i)(test)
    return test


@check(f"{MHA}_forward", f"{MHA}_forward")
@given(shape=mha_shapes(), seed=seeds)
@mha_examples
def test_mha_forward(submission, shape, seed):
    N, L, H, D = shape
    inputs = mha_inputs(N, L, H * D, seed)
    out, _ = mha_forward(submission, *inputs, H)
    expect_array(out, oracle.value(torch_mha, *inputs, H), f"{MHA}_forward",
                 context=mha_words(inputs[0], H))


def _mha_both(submission, inputs, num_heads, grad, context, **kwargs):
    expected_out, expected = oracle.vjp(torch_mha, [*inputs, num_heads], grad, **kwargs)
    out, cache = mha_forward(submission, *inputs, num_heads, **kwargs)
    expect_array(out, expected_out, f"{MHA}_forward", context=context)
    grads = mha_backward(submission, grad, cache)
    for name, got, want in zip(MHA_GRADS, grads, expected, strict=False):
        expect_array(got, want, f"{MHA}_backward", context=f"{context}: {name}")


@check(f"{MHA}_backward", f"{MHA}_backward")
@given(shape=mha_shapes(), seed=seeds)
@mha_examples
def test_mha_backward(submission, shape, seed):
    N, L, H, D = shape
    inputs = mha_inputs(N, L, H * D, seed)
    grad = upstream(inputs[0].shape, seed)
    _, expected = oracle.vjp(torch_mha, [*inputs, H], grad)
    _, cache = mha_forward(submission, *inputs, H)
    grads = mha_backward(submission, grad, cache)
    for name, got, want in zip(MHA_GRADS, grads, expected, strict=False):
        expect_array(got, want, f"{MHA}_backward", context=f"{mha_words(inputs[0], H)}: {name}")


@check(f"{MHA}_causal", f"{MHA}_forward")
@settings(max_examples=10)
@given(shape=mha_shapes(), seed=seeds)
@example(shape=(2, 5, 2, 3), seed=31)
def test_mha_causal(submission, shape, seed):
    N, L, H, D = shape
    inputs = mha_inputs(N, L, H * D, seed)
    _mha_both(submission, inputs, H, upstream(inputs[0].shape, seed),
              mha_words(inputs[0], H, is_causal=True), is_causal=True)


@check(f"{MHA}_no_bias", f"{MHA}_forward")
@pytest.mark.parametrize("in_bias, out_bias", [(False, False), (False, True), (True, False)],
                         ids=["no_biases", "no_in_proj_bias", "no_out_proj_bias"])
def test_mha_no_bias(submission, in_bias, out_bias):
    """A None bias must act as a zero one (held to the submission's own zero-bias run)."""
    x, w_in, b_in, w_out, b_out = mha_inputs(2, 4, 6, 41)
    b_in, b_out = np.zeros_like(b_in), np.zeros_like(b_out)
    given_in = b_in if in_bias else None
    given_out = b_out if out_bias else None
    grad = upstream(x.shape, 42)
    context = (f"{mha_words(x, 2)}, in_proj_bias={'zeros' if in_bias else 'None'}, "
               f"out_proj_bias={'zeros' if out_bias else 'None'}")

    out, cache = mha_forward(submission, x, w_in, given_in, w_out, given_out, 2)
    grads = mha_backward(submission, grad, cache)
    out_zero, cache_zero = mha_forward(submission, x, w_in, b_in, w_out, b_out, 2)
    grads_zero = mha_backward(submission, grad, cache_zero)

    for name, got, bias in (("grad_in_proj_bias", grads[2], given_in),
                            ("grad_out_proj_bias", grads[4], given_out)):
        if bias is None:
            expect(got is None, f"{MHA}_backward {context} should return None for {name}, "
                                f"since that bias is None; it returned {type(got).__name__}.")
    pairs = [("out", out, out_zero)] + [
        (name, got, zero) for name, got, zero in zip(MHA_GRADS, grads, grads_zero, strict=True)
        if got is not None]
    for name, got, zero in pairs:
        expect(isinstance(got, np.ndarray) and isinstance(zero, np.ndarray)
               and got.shape == zero.shape and np.allclose(got, zero, rtol=1e-9, atol=1e-12),
               f"{MHA} {context}: {name} should be the same as with zero biases (a None bias "
               f"adds nothing); it is not.")
    # and right, so that a stub of zeros earns nothing here
    expected_out, expected = _mha_reference((x, w_in, given_in, w_out, given_out), 2, grad)
    expect_array(out, expected_out, f"{MHA}_forward", context=context)
    for name, got, want in zip(MHA_GRADS, grads, expected, strict=True):
        if want is not None:
            expect_array(got, want, f"{MHA}_backward", context=f"{context}: {name}")


# --- every function ----------------------------------------------------------------------

FLOAT32_CASES = [
    pytest.param(SDPA, {}, id="sdpa"),
    pytest.param(SDPA, {"attn_mask": np.tri(3, 4, dtype=bool)[::-1].copy()}, id="sdpa_mask"),
    pytest.param(SDPA, {"is_causal": True}, id="sdpa_causal"),
    pytest.param(MHA, {}, id="mha"),
    pytest.param(MHA, {"is_causal": True}, id="mha_causal"),
]


# The property checks hold the values of their plain case (no mask, not causal) to torch,
# so that a stub earns nothing there; the masked and causal cases are watched for their
# dtypes or their in-place changes only, so that a mask mistake costs the mask check alone.


def _sdpa_reference(q, k, v, grad):
    out, grads = oracle.vjp(torch_sdpa, as_float64(q, k, v), *as_float64(grad))
    return out.astype(q.dtype), [g.astype(q.dtype) for g in grads]


def _mha_reference(inputs, num_heads, grad):
    out, grads = oracle.vjp(torch_mha, [*as_float64(*inputs), num_heads], *as_float64(grad))
    dtype = inputs[0].dtype
    return out.astype(dtype), [None if g is None else g.astype(dtype)
                               for g in grads[:len(MHA_GRADS)]]  # not num_heads'


def _expect_results(fn, names, out, grads, expected_out, expected_grads, context,
                    **tolerance):
    expect_array(out, expected_out, f"{fn}_forward", context=context, **tolerance)
    for name, got, want in zip(names, grads, expected_grads, strict=True):
        expect_array(got, want, f"{fn}_backward", context=f"{context}: {name}", **tolerance)


@check("float32", f"{SDPA}_forward")
@pytest.mark.parametrize("fn, kwargs", FLOAT32_CASES)
def test_float32_stays_float32(submission, fn, kwargs):
    words = ", ".join(["for float32 inputs", *(f"{k}={v!r}" for k, v in kwargs.items()
                                               if k != "attn_mask")])
    if fn == SDPA:
        inputs = sdpa_inputs((2,), 3, 4, 5, 2, 81, dtype=np.float32)
        grad = upstream((2, 3, 2), 82, np.float32)
        out, cache = sdpa_forward(submission, *inputs, **kwargs)
        grads = sdpa_backward(submission, grad, cache)
        names, expected = SDPA_GRADS, _sdpa_reference(*inputs, grad)
    else:
        inputs = mha_inputs(2, 3, 4, 83, dtype=np.float32)
        grad = upstream((2, 3, 4), 84, np.float32)
        out, cache = mha_forward(submission, *inputs, 2, **kwargs)
        grads = mha_backward(submission, grad, cache)
        names, expected = MHA_GRADS, _mha_reference(inputs, 2, grad)
    expect_dtype(out, np.float32, f"{fn}_forward", context=words)
    for name, got in zip(names, grads, strict=True):
        expect_dtype(got, np.float32, f"{fn}_backward", context=f"{words}: {name}")
    if not kwargs:  # the plain case's values too (the others are their own checks' business)
        _expect_results(fn, names, out, grads, *expected, words, **FLOAT32_TOLERANCE)


@check("inputs_unmodified", f"{SDPA}_forward")
def test_sdpa_inputs_unmodified(submission):
    q, k, v = sdpa_inputs((2,), 3, 4, 5, 2, 91)
    grad = upstream((2, 3, 2), 93)
    expected = _sdpa_reference(q, k, v, grad)
    out, cache = sdpa_forward(submission, q, k, v)
    expect_unmodified(submission.attention.last.mutated, f"{SDPA}_forward",
                      ("query", "key", "value"))
    grads = sdpa_backward(submission, grad, cache)
    expect_unmodified(submission.attention.last.mutated, f"{SDPA}_backward",
                      ("grad_output", None))
    cache_untouched(submission.attention.last.mutated, f"{SDPA}_backward")
    _expect_results(SDPA, SDPA_GRADS, out, grads, *expected, sdpa_words(q, k, v))
    # masked and causal: in-place changes only
    mask = random_array((3, 4), 92) > -1.0
    _, cache = sdpa_forward(submission, q, k, v, attn_mask=mask)
    expect_unmodified(submission.attention.last.mutated, f"{SDPA}_forward",
                      ("query", "key", "value", "attn_mask"))
    _, cache = sdpa_forward(submission, q, k, v, is_causal=True)
    expect_unmodified(submission.attention.last.mutated, f"{SDPA}_forward",
                      ("query", "key", "value"))
    sdpa_backward(submission, grad, cache)
    expect_unmodified(submission.attention.last.mutated, f"{SDPA}_backward",
                      ("grad_output", None))
    cache_untouched(submission.attention.last.mutated, f"{SDPA}_backward")


@check("inputs_unmodified", f"{MHA}_forward")
def test_mha_inputs_unmodified(submission):
    inputs = mha_inputs(2, 3, 4, 94)
    grad = upstream((2, 3, 4), 95)
    expected = _mha_reference(inputs, 2, grad)
    out, cache = mha_forward(submission, *inputs, 2)
    expect_unmodified(submission.attention.last.mutated, f"{MHA}_forward",
                      ("x", "in_proj_weight", "in_proj_bias", "out_proj_weight", "out_proj_bias"))
    grads = mha_backward(submission, grad, cache)
    expect_unmodified(submission.attention.last.mutated, f"{MHA}_backward",
                      ("grad_output", None))
    cache_untouched(submission.attention.last.mutated, f"{MHA}_backward")
    _expect_results(MHA, MHA_GRADS, out, grads, *expected, mha_words(inputs[0], 2))


# --- two layers, as a network runs them -----------------------------------------------------
# query -> attention A -> attention B (B's query is A's output, with keys and values of its
# own); x -> multi-head A (2 heads) -> multi-head B (4 heads). Each cache is its own.
ORDERS = {
    "forward A, forward B, backward B, backward A": ("B", "A"),
    "forward A, forward B, backward A, backward B": ("A", "B"),
}
ORDER_IDS = ["network_order", "same_order"]


@check(f"{SDPA}_backward", f"{SDPA}_backward")
@pytest.mark.parametrize("order", ORDERS, ids=ORDER_IDS)
def test_two_attention_layers(submission, order):
    first = sdpa_inputs((2,), 3, 4, 4, 4, 300)
    hidden = oracle.value(torch_sdpa, *first)
    second = (hidden, *sdpa_inputs((2,), 3, 4, 4, 4, 310)[1:])
    grad_out = upstream((2, 3, 4), 301)
    _, grads_b = oracle.vjp(torch_sdpa, list(second), grad_out)
    _, grads_a = oracle.vjp(torch_sdpa, list(first), grads_b[0])
    layers = {"A": (first, grads_b[0], grads_a), "B": (second, grad_out, grads_b)}
    caches = {name: sdpa_forward(submission, *args)[1] for name, (args, _, _) in layers.items()}
    for name in ORDERS[order]:
        args, grad, expected = layers[name]
        grads = sdpa_backward(submission, grad, caches[name])
        context = (f"for layer {name} of query -> attention A -> attention B, run as {order} "
                   f"({sdpa_words(*args)[4:]}): each cache is its own")
        for what, got, want in zip(SDPA_GRADS, grads, expected, strict=True):
            expect_array(got, want, f"{SDPA}_backward", context=f"{context}: {what}")


@check(f"{MHA}_backward", f"{MHA}_backward")
@pytest.mark.parametrize("order", ORDERS, ids=ORDER_IDS)
def test_two_multi_head_layers(submission, order):
    first, heads_a = mha_inputs(2, 3, 4, 320), 2
    hidden = oracle.value(torch_mha, *first, heads_a)
    second, heads_b = (hidden, *mha_inputs(2, 3, 4, 330)[1:]), 4
    grad_out = upstream((2, 3, 4), 321)
    _, grads_b = oracle.vjp(torch_mha, [*second, heads_b], grad_out)
    _, grads_a = oracle.vjp(torch_mha, [*first, heads_a], grads_b[0])
    layers = {"A": (first, heads_a, grads_b[0], grads_a),
              "B": (second, heads_b, grad_out, grads_b)}
    caches = {name: mha_forward(submission, *args, heads)[1]
              for name, (args, heads, _, _) in layers.items()}
    for name in ORDERS[order]:
        args, heads, grad, expected = layers[name]
        grads = mha_backward(submission, grad, caches[name])
        context = (f"for layer {name} of x -> multi-head A (2 heads) -> multi-head B (4 heads), "
                   f"run as {order} ({mha_words(args[0], heads)[4:]}): each cache is its own")
        for what, got, want in zip(MHA_GRADS, grads, expected[:len(MHA_GRADS)], strict=True):
            expect_array(got, want, f"{MHA}_backward", context=f"{context}: {what}")
