"""Hidden checks for training.py, held to torch in float64.

Randomness is graded by what is exact: a dropout mask is reproducible from its
seed, drops exact zeros and scales by exactly 1/(1-p), and the backward uses
the forward's mask; an initialiser's values lie within torch's bound. Where a
distribution is graded (the dropped fraction, the spread of the initial
values), the test's false-alarm rate for a correct solution is stated beside
it and is below 1e-9 per check.
"""

import math

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from grader.feedback.expect import (
    expect,
    expect_array,
    expect_dtype,
    expect_pair,
    expect_unmodified,
)
from tests.public.test_training import (
    expect_clip,
    expect_dropout_values,
    expect_number,
    expect_schedule,
    expect_within,
    kaiming_bound,
    raised,
    torch_clip,
    torch_gain,
    xavier_bound,
)
from tests.strategies import cache_untouched, random_array, seeds, shapes, upstream

probabilities = st.sampled_from([0.1, 0.25, 0.5, 0.8])


def check(name, fn):
    return pytest.mark.check(f"training/{name}", fn=fn)


def nonzero_array(shape, seed, dtype=np.float64):
    """A random array with no exact zeros, so that a zero in dropout's output is a drop."""
    x = random_array(shape, seed)
    return (x + np.where(x >= 0, 0.1, -0.1)).astype(dtype)


def dropout(submission, x, p, **kwargs):
    return expect_pair(submission.training.dropout_forward(x, p, **kwargs), "dropout_forward")


def words(x, p, **kwargs):
    extra = "".join(f", {k}={v}" for k, v in kwargs.items())
    return f"for x of shape {x.shape}, p={p}{extra}"


# --- dropout ---------------------------------------------------------------------------------


def expect_some_kept_some_dropped(kept, context):
    """With 0 < p < 1 and hundreds of elements, a mask keeps some and drops some.

    For n >= 600 elements and p in [0.3, 0.6] a correct dropout keeps all or none with
    probability at most 2 * 0.7^600 < 1e-90.
    """
    expect(0 < kept.mean() < 1,
           f"dropout_forward {context} kept {kept.mean():.0%} of the elements; each should "
           f"be kept with probability 1 - p.")



@check("dropout_forward", "dropout_forward")
@given(shape=shapes(1, 4), p=probabilities, seed=seeds)
@example(shape=(1,), p=0.5, seed=0)
def test_dropout_forward_mask_and_seed(submission, shape, p, seed):
    x = nonzero_array(shape, seed)
    context = words(x, p, seed=seed)
    out, _ = dropout(submission, x, p, seed=seed)
    kept = expect_dropout_values(out, x, p, "dropout_forward", context)
    again, _ = dropout(submission, x, p, seed=seed)
    expect(isinstance(again, np.ndarray) and np.array_equal(again, out),
           f"dropout_forward {context}: a second call with the same seed returned a "
           f"different result. Draw the mask from numpy.random.default_rng(seed).")
    other = nonzero_array(shape, seed ^ 0xD80)
    out_other, _ = dropout(submission, other, p, seed=seed)
    kept_other = expect_dropout_values(out_other, other, p, "dropout_forward", context)
    expect(np.array_equal(kept_other, kept),
           f"dropout_forward {context}: another x of the same shape got a different mask "
           f"from the same seed; the mask should depend only on the seed and the shape "
           f"(draw it from numpy.random.default_rng(seed)).")


# Dropped fraction of n = 40,000 elements within 0.02 of p: by Hoeffding's inequality a
# correct dropout misses it with probability at most 2 exp(-2 n 0.02^2) = 2 exp(-32) < 3e-14.
# No two rows (nor two columns) of the 200 x 200 mask identical: two independent rows agree
# with probability (p^2 + (1-p)^2)^200 <= 0.82^200 < 7e-18, so over the 2 x 19,900 pairs the
# false alarm is below 3e-13. Per p, and over the four p's, well below 1e-9.
@check("dropout_forward", "dropout_forward")
@pytest.mark.parametrize("p", [0.1, 0.3, 0.5, 0.8])
def test_dropout_drops_a_fraction_p_independently(submission, p):
    x = nonzero_array((200, 200), 7)
    context = words(x, p, seed=11)
    out, _ = dropout(submission, x, p, seed=11)
    kept = expect_dropout_values(out, x, p, "dropout_forward", context)
    dropped = 1 - kept.mean()
    swapped = " (it looks like p is the probability of keeping)" if abs(
        dropped - (1 - p)) < 0.02 else ""
    expect(abs(dropped - p) < 0.02,
           f"dropout_forward {context} dropped a fraction {dropped:.4f} of the elements; "
           f"expected about {p} (each element is zeroed with probability p){swapped}.")
    rows, cols = len(np.unique(kept, axis=0)), len(np.unique(kept, axis=1))
    expect(rows == 200 and cols == 200,
           f"dropout_forward {context}: the mask repeats itself ({rows} distinct rows and "
           f"{cols} distinct columns of 200). Draw one independent value per element.")


@check("dropout_backward", "dropout_backward")
@given(shape=shapes(1, 4), p=probabilities, seed=seeds)
@example(shape=(3, 4), p=0.5, seed=1)
def test_dropout_backward(submission, shape, p, seed):
    x = nonzero_array(shape, seed)
    grad = upstream(shape, seed)
    context = words(x, p, seed=seed)
    out, cache = dropout(submission, x, p, seed=seed)
    kept = expect_dropout_values(out, x, p, "dropout_forward", context)
    want = np.where(kept, grad / (1 - p), 0.0)
    expect_array(submission.training.dropout_backward(grad, cache), want, "dropout_backward",
                 context=f"{context} (through the forward's mask)")


@check("dropout_backward", "dropout_backward")
def test_dropout_backward_uses_each_forwards_mask(submission):
    """Two dropout layers: both forwards, then both backwards, each twice, in reverse order."""
    x1, x2 = nonzero_array((30, 40), 21), nonzero_array((30, 40), 22)
    out1, cache1 = dropout(submission, x1, 0.3, seed=1)
    out2, cache2 = dropout(submission, x2, 0.6, seed=2)
    kept1 = expect_dropout_values(out1, x1, 0.3, "dropout_forward", words(x1, 0.3, seed=1))
    kept2 = expect_dropout_values(out2, x2, 0.6, "dropout_forward", words(x2, 0.6, seed=2))
    expect_some_kept_some_dropped(kept1, words(x1, 0.3, seed=1))
    expect_some_kept_some_dropped(kept2, words(x2, 0.6, seed=2))
    for name, grad, cache, kept, p in (("second", upstream(x2.shape, 23), cache2, kept2, 0.6),
                                       ("first", upstream(x1.shape, 24), cache1, kept1, 0.3)):
        for call in ("a first", "a second"):
            expect_array(submission.training.dropout_backward(grad, cache),
                         np.where(kept, grad / (1 - p), 0.0), "dropout_backward",
                         context=f"for the {name} of two dropout layers (p=0.3 and p=0.6), "
                                 f"{call} time, after both forwards ran: the gradient goes "
                                 f"through that forward's own mask")


@check("dropout_edge_cases", "dropout_forward")
@pytest.mark.parametrize("p, training", [(0.0, True), (0.5, False), (1.0, False), (0.0, False)],
                         ids=["p=0", "eval", "eval-p=1", "eval-p=0"])
def test_dropout_is_identity(submission, p, training):
    x = nonzero_array((4, 5), 31)
    grad = upstream(x.shape, 32)
    context = f"for p={p}, training={training} (x passes unchanged)"
    out, cache = dropout(submission, x, p, training=training, seed=3)
    expect_array(out, x, "dropout_forward", context=context, rtol=1e-15, atol=0)
    expect_array(submission.training.dropout_backward(grad, cache), grad, "dropout_backward",
                 context=context, rtol=1e-15, atol=0)


@check("dropout_edge_cases", "dropout_forward")
def test_dropout_p_one_gives_zeros(submission):
    x = nonzero_array((4, 5), 33)
    context = "for p=1 (every element dropped)"
    out, cache = dropout(submission, x, 1.0, seed=4)
    expect_array(out, np.zeros_like(x), "dropout_forward", context=context, atol=0)
    expect_array(submission.training.dropout_backward(upstream(x.shape, 34), cache),
                 np.zeros_like(x), "dropout_backward", context=context, atol=0)


@check("dropout_invalid_p", "dropout_forward")
@pytest.mark.parametrize("p", [-0.1, 1.5, 2.0, -1.0])
def test_dropout_invalid_p(submission, p):
    valid = nonzero_array((20, 30), 36)
    out, _ = dropout(submission, valid, 0.5, seed=0)  # a valid p must work (its scaling
    expect(isinstance(out, np.ndarray) and out.shape == valid.shape,  # is another check's)
           f"dropout_forward {words(valid, 0.5, seed=0)} should return an array of shape "
           f"{valid.shape}; it returned {getattr(out, 'shape', type(out).__name__)}.")
    expect_some_kept_some_dropped(out != 0, words(valid, 0.5, seed=0))
    x = nonzero_array((3, 4), 35)
    kind = raised(lambda: submission.training.dropout_forward(x, p, seed=0))
    expect(kind == "ValueError", f"dropout_forward with p={p} should raise ValueError (p is a "
                                 f"probability, in [0, 1]); it "
                                 f"{'raised ' + kind if kind else 'returned normally'}.")


# --- gradient clipping ---------------------------------------------------------------------


@st.composite
def grad_lists(draw):
    """1 to 4 gradients of different shapes, and a scale (small ones make torch's 1e-6 count)."""
    scale = draw(st.sampled_from([1.0, 1e-4, 10.0]))
    count = draw(st.integers(1, 4))
    seed = draw(seeds)
    return [random_array(draw(shapes(1, 3, max_side=4)), seed + i) * scale for i in range(count)]


# max_norm as a multiple of the total norm: clipped hard, barely, exactly at it, or not at all.
FACTORS = st.sampled_from([0.1, 0.5, 0.999, 1.0, 2.0])


def total_norm(grads, norm_type):
    flat = np.concatenate([g.ravel() for g in grads])
    return float(np.linalg.norm(flat, ord=norm_type))


@check("clip_grad_norm", "clip_grad_norm")
@given(grads=grad_lists(), factor=FACTORS, norm_type=st.sampled_from([2.0, 1.0, 3.0]))
@example(grads=[random_array((2, 3), 1) * 1e-4, random_array((3,), 2) * 1e-4], factor=1.0,
         norm_type=2.0)
@example(grads=[random_array((2, 3), 3) * 1e-4], factor=0.5, norm_type=2.0)
@example(grads=[random_array((4,), 4)], factor=2.0, norm_type=2.0)
def test_clip_grad_norm(submission, grads, factor, norm_type):
    max_norm = factor * total_norm(grads, norm_type)
    shapes_words = ", ".join(str(g.shape) for g in grads)
    expect_clip(submission, grads, max_norm, norm_type,
                f"for gradients of shapes {shapes_words} (total norm about "
                f"{total_norm(grads, norm_type):.3g}), max_norm={max_norm:.6g}, "
                f"norm_type={norm_type}", rtol=1e-9, atol=1e-15)


@check("clip_grad_norm", "clip_grad_norm")
def test_clip_zero_gradients(submission):
    grads = [np.zeros((2, 3)), np.zeros(3)]
    expect_clip(submission, grads, 1.0, 2.0,
                "for gradients that are all zero (their norm is 0), max_norm=1.0")


@check("clip_grad_norm", "clip_grad_norm")
def test_clip_a_models_gradients_over_steps(submission):
    """As in training: a conv weight, its bias and a linear layer, clipped at every step."""
    layer_shapes = [(4, 3, 3, 3), (4,), (10, 36), (10,)]
    for step, max_norm in enumerate((5.0, 1.0, 0.25, 100.0)):
        grads = [random_array(s, 40 + 10 * step + i, scale=0.5) for i, s in
                 enumerate(layer_shapes)]
        expect_clip(submission, grads, max_norm, 2.0,
                    f"at training step {step + 1}, for the gradients of a conv weight "
                    f"(4, 3, 3, 3), its bias, a linear weight (10, 36) and its bias, "
                    f"max_norm={max_norm}", rtol=1e-9, atol=1e-15)


@check("clip_grad_norm_inf", "clip_grad_norm")
@given(grads=grad_lists(), factor=FACTORS)
@example(grads=[random_array((2, 3), 5) * 1e-4, random_array((3,), 6) * 1e-4], factor=1.0)
@example(grads=[np.array([[-3.0, 1.0], [2.0, 0.5]]), np.array([1.0, -3.0])], factor=0.5)
@example(grads=[random_array((3, 2), 7), random_array((2,), 8)], factor=2.0)
def test_clip_grad_norm_inf(submission, grads, factor):
    max_norm = factor * total_norm(grads, math.inf)
    shapes_words = ", ".join(str(g.shape) for g in grads)
    expect_clip(submission, grads, max_norm, math.inf,
                f"for gradients of shapes {shapes_words}, max_norm={max_norm:.6g}, "
                f"norm_type=inf (the largest absolute value)", rtol=1e-9, atol=1e-15)


# --- learning-rate schedules ---------------------------------------------------------------

BASE_LRS = st.sampled_from([0.1, 1.0, 0.03])


@check("lr_step", "lr_at")
@given(base_lr=BASE_LRS, step_size=st.integers(1, 5), gamma=st.sampled_from([None, 0.5, 0.9]))
@example(base_lr=0.1, step_size=3, gamma=None)
def test_lr_step(submission, base_lr, step_size, gamma):
    kwargs = {"step_size": step_size} | ({} if gamma is None else {"gamma": gamma})
    g = 0.1 if gamma is None else gamma
    expect_schedule(submission, "step", base_lr, 3 * step_size + 2, alternatives={
        "the decay starts one step early: torch multiplies by gamma once step // step_size "
        "grows, at steps step_size, 2 step_size, ...":
            lambda t: base_lr * g ** ((t + 1) // step_size),
    }, **kwargs)


@check("lr_cosine", "lr_at")
@given(base_lr=BASE_LRS, t_max=st.integers(1, 10), eta_min=st.sampled_from([None, 0.001, 0.02]))
@example(base_lr=0.1, t_max=5, eta_min=None)
def test_lr_cosine(submission, base_lr, t_max, eta_min):
    kwargs = {"T_max": t_max} | ({} if eta_min is None else {"eta_min": eta_min})
    floor = eta_min or 0.0
    expect_schedule(submission, "cosine", base_lr, 3 * t_max + 1, alternatives={
        "it stops at eta_min after T_max steps; torch's cosine goes on (back up) past T_max":
            lambda t: floor + (base_lr - floor) * (1 + math.cos(math.pi * min(t, t_max) / t_max))
            / 2,
    }, **kwargs)


@check("lr_linear_warmup_cosine", "lr_at")
@given(base_lr=BASE_LRS, warmup=st.integers(1, 5), decay=st.integers(1, 8),
       eta_min=st.sampled_from([None, 0.001]))
@example(base_lr=0.1, warmup=3, decay=5, eta_min=None)
@example(base_lr=1.0, warmup=1, decay=1, eta_min=0.001)
def test_lr_linear_warmup_cosine(submission, base_lr, warmup, decay, eta_min):
    kwargs = {"warmup_steps": warmup, "total_steps": warmup + decay}
    kwargs |= {} if eta_min is None else {"eta_min": eta_min}
    floor = eta_min or 0.0

    def from_zero(t):
        return base_lr * t / warmup if t < warmup else cosine(t - warmup)

    def cosine(t):
        return floor + (base_lr - floor) * (1 + math.cos(math.pi * t / decay)) / 2

    expect_schedule(submission, "linear_warmup_cosine", base_lr, warmup + 2 * decay + 2,
                    alternatives={
                        "the warm-up starts at 0; torch's LinearLR starts at "
                        "base_lr * start_factor = base_lr / warmup_steps": from_zero,
                    }, **kwargs)


@check("lr_onecycle", "lr_at")
@given(max_lr=st.sampled_from([0.1, 1.0, 0.5]), total=st.integers(3, 60), base_lr=BASE_LRS)
@example(max_lr=0.5, total=10, base_lr=0.1)
@example(max_lr=1.0, total=100, base_lr=1.0)
def test_lr_onecycle(submission, max_lr, total, base_lr):
    peak = 0.3 * total - 1

    def linear(t):  # anneal_strategy='linear' instead of torch's default 'cos'
        lo, hi, end = max_lr / 25, max_lr, max_lr / 25 / 1e4
        if t <= peak:
            return lo + (hi - lo) * t / peak
        return hi + (end - hi) * (t - peak) / (total - 1 - peak)

    expect_schedule(submission, "onecycle", base_lr, total, alternatives={
        "it anneals linearly; OneCycleLR's default anneal_strategy is 'cos'": linear,
    }, max_lr=max_lr, total_steps=total)


# --- initialisation ------------------------------------------------------------------------

GAIN_CASES = [("linear", None), ("conv1d", None), ("conv2d", None), ("conv3d", None),
              ("conv_transpose1d", None), ("conv_transpose2d", None),
              ("conv_transpose3d", None), ("sigmoid", None), ("tanh", None), ("relu", None),
              ("selu", None), ("leaky_relu", None), ("leaky_relu", 0), ("leaky_relu", 0.2),
              ("leaky_relu", 1), ("leaky_relu", math.sqrt(5)), ("tanh", 0.5), ("relu", 3.0)]


@check("calculate_gain", "calculate_gain")
@pytest.mark.parametrize("nonlinearity, param", GAIN_CASES)
def test_calculate_gain(submission, nonlinearity, param):
    args = (nonlinearity,) if param is None else (nonlinearity, param)
    context = f"for nonlinearity={nonlinearity!r}" + ("" if param is None else f", param={param}")
    expect_number(submission.training.calculate_gain(*args),
                  torch_gain(*args), "calculate_gain", context=context)


@check("calculate_gain", "calculate_gain")
@pytest.mark.parametrize("nonlinearity", ["gelu", "softmax", "elu"])
def test_calculate_gain_unsupported(submission, nonlinearity):
    kind = raised(lambda: submission.training.calculate_gain(nonlinearity))
    expect(kind == "ValueError", f"calculate_gain({nonlinearity!r}) should raise ValueError "
                                 f"(torch has no gain for it); it "
                                 f"{'raised ' + kind if kind else 'returned normally'}.")


# Each initialiser is graded on at least 18,000 values with bound b:
# * none beyond b (exact for a uniform draw on [-b, b]);
# * the largest |value| at least b (1 - 0.005): a correct draw misses it with probability
#   (1 - 0.005)^n <= e^-90;
# * the empirical distribution function within 0.03 of U(-b, b)'s everywhere: by the
#   Dvoretzky-Kiefer-Wolfowitz inequality a correct draw misses it with probability at most
#   2 exp(-2 n 0.03^2) <= 2 exp(-32) < 3e-14.
# A check runs a dozen such draws: its false alarm is below 1e-12.
def expect_uniform(weight, shape, bound, name, context):
    expect_within(weight, shape, bound, name, context)
    values = np.sort(weight.ravel())
    n = values.size
    largest = float(np.abs(values).max())
    expect(largest >= bound * 0.995,
           f"{name} {context}: the largest |value| of {n} is {largest:.6g}, well inside "
           f"torch's bound {bound:.6g}: the values should fill U(-bound, bound).")
    cdf = (values + bound) / (2 * bound)
    distance = max(float(np.max(np.arange(1, n + 1) / n - cdf)),
                   float(np.max(cdf - np.arange(n) / n)))
    expect(distance < 0.03,
           f"{name} {context}: the values are not spread uniformly over [-bound, bound] "
           f"(their distribution function is {distance:.3f} away from the uniform's).")


def expect_seeded(submission, fn, args, kwargs, first, context):
    again = getattr(submission.training, fn)(*args, **kwargs)
    expect(isinstance(again, np.ndarray) and np.array_equal(again, first),
           f"{fn} {context}: the same seed should give the same values; a second call "
           f"returned others. Draw from numpy.random.default_rng(seed).")
    other = getattr(submission.training, fn)(*args, **{**kwargs, "seed": kwargs["seed"] + 1})
    expect(isinstance(other, np.ndarray) and not np.array_equal(other, first),
           f"{fn} {context}: seeds {kwargs['seed']} and {kwargs['seed'] + 1} gave the same "
           f"values; the seed should pick the draw.")


INIT_SHAPES = [(150, 120), (32, 16, 6, 6)]  # fans differ; a conv weight has a receptive field
KAIMING_CASES = [
    {},
    {"a": math.sqrt(5)},  # torch's own default for Linear and Conv2d weights
    {"a": 0.2, "mode": "fan_out"},
    {"mode": "fan_out", "nonlinearity": "relu"},
    {"nonlinearity": "tanh"},
    {"a": 0.5, "nonlinearity": "linear"},
]


@check("kaiming_uniform", "kaiming_uniform")
@pytest.mark.parametrize("shape", INIT_SHAPES, ids=str)
@pytest.mark.parametrize("kwargs", KAIMING_CASES, ids=lambda k: ",".join(map(str, k.items())))
def test_kaiming_uniform(submission, shape, kwargs):
    seed = 5 + len(shape)
    context = f"for shape {shape}" + "".join(f", {k}={v}" for k, v in kwargs.items())
    weight = submission.training.kaiming_uniform(shape, seed=seed, **kwargs)
    expect_uniform(weight, shape, kaiming_bound(shape, **kwargs), "kaiming_uniform", context)
    expect_seeded(submission, "kaiming_uniform", (shape,), {**kwargs, "seed": seed}, weight,
                  context)


@check("xavier_uniform", "xavier_uniform")
@pytest.mark.parametrize("shape", INIT_SHAPES, ids=str)
@pytest.mark.parametrize("gain", [None, 2.0, 5.0 / 3], ids=["default", "2", "tanh"])
def test_xavier_uniform(submission, shape, gain):
    kwargs = {} if gain is None else {"gain": gain}
    context = f"for shape {shape}" + ("" if gain is None else f", gain={gain:.4g}")
    weight = submission.training.xavier_uniform(shape, seed=9, **kwargs)
    expect_uniform(weight, shape, xavier_bound(shape, gain or 1.0), "xavier_uniform", context)
    expect_seeded(submission, "xavier_uniform", (shape,), {**kwargs, "seed": 9}, weight,
                  context)


# --- float32 and in-place changes ----------------------------------------------------------


@check("float32", "dropout_forward")
def test_float32_stays_float32(submission):
    x = nonzero_array((20, 30), 51, dtype=np.float32)
    out, cache = dropout(submission, x, 0.3, seed=5)
    expect_dtype(out, np.float32, "dropout_forward", context="for a float32 x")
    # the values too, loosely: a float32 array of wrong values earns nothing here
    kept = expect_dropout_values(out, x, 0.3, "dropout_forward", "for a float32 x", rtol=1e-6)
    grad = upstream(x.shape, 52, dtype=np.float32)
    grad_x = submission.training.dropout_backward(grad, cache)
    expect_dtype(grad_x, np.float32, "dropout_backward", context="for float32 inputs")
    expect_array(grad_x, np.where(kept, grad / np.float32(0.7), np.float32(0)),
                 "dropout_backward", context="for float32 inputs", rtol=1e-6)
    expect_some_kept_some_dropped(kept, "for a float32 x of shape (20, 30), p=0.3")
    grads = [random_array((3, 4), 53, dtype=np.float32), random_array((4,), 54, dtype=np.float32)]
    want, _ = torch_clip(grads, 0.5)
    clipped, _ = submission.training.clip_grad_norm(grads, 0.5)
    for i, (got, expected) in enumerate(zip(clipped, want, strict=True)):
        expect_dtype(got, np.float32, f"clip_grad_norm (clipped_grads[{i}])",
                     context="for float32 gradients")
        expect_array(got, expected, f"clip_grad_norm (clipped_grads[{i}])",
                     context="for float32 gradients", rtol=1e-4, atol=1e-6)


@check("inputs_unmodified", "dropout_forward")
def test_inputs_unmodified(submission):
    x = nonzero_array((5, 6), 61)
    out, cache = dropout(submission, x, 0.5, seed=6)
    expect_unmodified(submission.training.last.mutated, "dropout_forward", ("x",))
    kept = expect_dropout_values(out, x, 0.5, "dropout_forward", words(x, 0.5, seed=6))
    grad = upstream(x.shape, 62)
    grad_x = submission.training.dropout_backward(grad, cache)
    expect_unmodified(submission.training.last.mutated, "dropout_backward",
                      ("grad_output", None))
    cache_untouched(submission.training.last.mutated, "dropout_backward")
    expect_array(grad_x, np.where(kept, grad / 0.5, 0.0), "dropout_backward",
                 context=words(x, 0.5, seed=6))
    grads = [random_array((3, 4), 63), random_array((4,), 64)]
    expect_clip(submission, grads, 0.5, 2.0,
                "for gradients of shapes (3, 4) and (4,), max_norm=0.5")
    expect_unmodified(submission.training.last.mutated, "clip_grad_norm", ("grads",))
