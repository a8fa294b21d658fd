"""Hidden checks for transformer.py, held to torch in float64."""

import math

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from grader.errors import StudentError
from grader.feedback.describe import Evidence
from grader.feedback.expect import (
    expect,
    expect_array,
    expect_dtype,
    expect_no_warnings,
    expect_pair,
    expect_unmodified,
)
from tests import oracle
from tests.oracle import F
from tests.public.test_transformer import (
    distinct_indices,
    embedding_reference,
    gelu_reference,
    torch_embedding,
    torch_positional_encoding,
)
from tests.strategies import (
    FLOAT32_TOLERANCE,
    arrays,
    cache_untouched,
    random_array,
    seeds,
    shapes,
    upstream,
)

EXTREMES = np.array([-1e4, -1e3, -100.0, -50.0, 50.0, 100.0, 1e3, 1e4])  # large only
FLOAT32 = FLOAT32_TOLERANCE  # float32 arithmetic, held to torch's float64 values
approximations = st.sampled_from(["none", "tanh"])


def check(name, fn):
    return pytest.mark.check(f"transformer/{name}", fn=fn)


def embed(submission, indices, weight, **kwargs):
    return expect_pair(submission.transformer.embedding_forward(indices, weight, **kwargs),
                       "embedding_forward")


def gelu(submission, x, **kwargs):
    return expect_pair(submission.transformer.gelu_forward(x, **kwargs), "gelu_forward")


def table_words(indices, weight, **kwargs) -> str:
    extra = "".join(f", {k}={v}" for k, v in kwargs.items())
    return f"for indices of shape {indices.shape} into a table of shape {weight.shape}{extra}"


def x_words(x, **kwargs) -> str:
    extra = "".join(f", {k}={v!r}" for k, v in kwargs.items())
    return f"for x of shape {x.shape}{extra}"


# ----------------------------------------------------------------------------- embedding

@st.composite
def lookups(draw):
    """``(indices, weight)``: 0 to 3 index dims, V of 1 to 8, indices repeating freely."""
    shape = draw(shapes(0, 3, max_side=4))
    V, E, seed = draw(st.integers(1, 8)), draw(st.integers(1, 5)), draw(seeds)
    indices = np.random.default_rng(seed).integers(0, V, shape)
    return indices, random_array((V, E), seed + 1)


@st.composite
def distinct_lookups(draw):
    """``(indices, weight)`` where no index appears twice."""
    shape = draw(shapes(0, 3, max_side=3))
    V = math.prod(shape) + draw(st.integers(0, 3))
    E, seed = draw(st.integers(1, 5)), draw(seeds)
    return distinct_indices(shape, V, seed), random_array((V, E), seed + 1)


@check("embedding_forward", "embedding_forward")
@given(case=lookups())
@example(case=(np.array(2), random_array((4, 3), 1)))  # one index: out is one row, (E,)
@example(case=(np.array([[0, 4, 4], [1, 0, 2]], dtype=np.int32), random_array((5, 2), 2)))
def test_embedding_forward(submission, case):
    indices, weight = case
    out, _ = embed(submission, indices, weight)
    expect_array(out, oracle.value(torch_embedding, indices, weight), "embedding_forward",
                 context=table_words(indices, weight))


@check("embedding_backward", "embedding_backward")
@given(case=distinct_lookups(), seed=seeds)
@example(case=(np.array(2), random_array((4, 3), 1)), seed=1)
@example(case=(distinct_indices((2, 3), 9, 3), random_array((9, 4), 3)), seed=2)
def test_embedding_backward(submission, case, seed):
    indices, weight = case
    grad = upstream((*indices.shape, weight.shape[1]), seed)
    _, want = embedding_reference(indices, weight, grad)
    _, cache = embed(submission, indices, weight)
    expect_array(submission.transformer.embedding_backward(grad, cache), want,
                 "embedding_backward", context=table_words(indices, weight))


ORDERS = {"forward A, forward B, backward B, backward A": "BA",
          "forward A, forward B, backward A, backward B": "AB"}


@check("embedding_backward", "embedding_backward")
@pytest.mark.parametrize("order", ORDERS, ids=["network_order", "same_order"])
def test_two_embeddings_interleaved(submission, order):
    """Two tables, as in a model (tokens and positions): each cache is its own."""
    layers = {"A": (distinct_indices((2, 3), 7, 10), random_array((7, 4), 12),
                    upstream((2, 3, 4), 14), {}),
              "B": (distinct_indices((2, 3), 6, 11), random_array((6, 4), 13),
                    upstream((2, 3, 4), 15), {})}
    caches = {}
    for name, (indices, table, _, kwargs) in layers.items():
        _, caches[name] = embed(submission, indices, table, **kwargs)
    for name in ORDERS[order]:
        indices, table, grad, kwargs = layers[name]
        expect_array(submission.transformer.embedding_backward(grad, caches[name]),
                     embedding_reference(indices, table, grad, **kwargs)[1],
                     "embedding_backward",
                     context=f"for embedding {name} of two run as {order} "
                             f"({table_words(indices, table, **kwargs)[4:]}): each cache is "
                             "its own")


def last_write_wins(indices, weight, grad) -> np.ndarray:
    """``grad_weight[indices] = grad``: each row keeps one occurrence's gradient only."""
    wrong = np.zeros_like(weight)
    wrong[indices.ravel()] = grad.reshape(-1, weight.shape[1])
    return wrong


@check("embedding_repeated_indices", "embedding_backward")
@given(V=st.integers(1, 3), shape=shapes(1, 3, min_side=2, max_side=4), E=st.integers(1, 4),
       seed=seeds)
@example(V=3, shape=(2, 3), E=2, seed=4)
def test_embedding_repeated_indices(submission, V, shape, E, seed):
    indices = np.random.default_rng(seed).integers(0, V, shape)
    indices.flat[:2] = indices.flat[0]  # at least one index twice
    weight = random_array((V, E), seed + 1)
    grad = upstream((*shape, E), seed)
    _, want = embedding_reference(indices, weight, grad)
    _, cache = embed(submission, indices, weight)
    words = ("repeated indices are not accumulated: every occurrence of an index adds its "
             "gradient to that row (fancy-index assignment or += keeps only one; np.add.at "
             "adds them all).")
    expect_array(submission.transformer.embedding_backward(grad, cache), want,
                 "embedding_backward", context=table_words(indices, weight) + ", with repeats",
                 evidence=Evidence(alternatives={words: last_write_wins(indices, weight, grad)}))


@check("embedding_padding_idx", "embedding_backward")
@pytest.mark.parametrize("padding_idx", [0, 4, -1, -6])
def test_embedding_padding_idx(submission, padding_idx):
    V, E = 6, 3
    indices = np.array([[5, 0, 4], [2, 3, 1]])
    weight, grad = random_array((V, E), 20), upstream((2, 3, E), 21)
    want_out, want_grad = embedding_reference(indices, weight, grad, padding_idx=padding_idx)
    context = table_words(indices, weight, padding_idx=padding_idx)
    zeroed = want_out.copy()
    zeroed[indices == padding_idx % V] = 0
    out, cache = embed(submission, indices, weight, padding_idx=padding_idx)
    expect_array(out, want_out, "embedding_forward", context=context, evidence=Evidence(
        alternatives={"padding_idx changes only the gradient: the lookup of that row is "
                      "unchanged, as in torch.": zeroed}))
    not_zeroed = embedding_reference(indices, weight, grad)[1]
    expect_array(submission.transformer.embedding_backward(grad, cache), want_grad,
                 "embedding_backward", context=context, evidence=Evidence(alternatives={
                     f"the padding_idx row ({padding_idx % V}) should get zero gradient"
                     f"{' (a negative padding_idx counts from the end)' if padding_idx < 0 else ''}"
                     ".": not_zeroed}))


@check("embedding_index_errors", "embedding_forward")
@pytest.mark.parametrize("bad", [5, 9, -1, -5])
def test_embedding_index_out_of_range(submission, bad):
    indices, weight = np.array([[0, 1], [bad, 2]]), random_array((5, 2), 30)
    valid = np.array([[0, 1], [4, 2]])  # the same lookup in range: it must be right first
    out, _ = embed(submission, valid, weight)
    expect_array(out, oracle.value(torch_embedding, valid, weight), "embedding_forward",
                 context=table_words(valid, weight))
    try:
        submission.transformer.embedding_forward(indices, weight)
    except StudentError as exc:
        if exc.type == "NotImplementedError":
            raise
        expect(exc.type == "IndexError",
               f"embedding_forward raised {exc.type} for index {bad} into a table of {5} rows; "
               "torch raises IndexError for an index outside [0, V).")
        return
    wraps = " NumPy wraps a negative index around; torch does not." if bad < 0 else ""
    expect(False, f"embedding_forward returned normally for index {bad} into a table of 5 rows; "
                  f"torch raises IndexError for any index outside [0, V).{wraps}")


# ----------------------------------------------------------------------------- positions

def encoding_mistakes(length, dim) -> Evidence:
    """The usual positional-encoding mistakes, to recognise them."""
    position = np.arange(length)[:, None]
    angle = position / 10000.0 ** (np.arange(0, dim, 2) / dim)
    swapped, halves = np.empty((length, dim)), np.concatenate([np.sin(angle), np.cos(angle)], 1)
    swapped[:, 0::2], swapped[:, 1::2] = np.cos(angle), np.sin(angle)
    by_column = position / 10000.0 ** (np.arange(dim) / dim)
    own_exponent = np.where(np.arange(dim) % 2 == 0, np.sin(by_column), np.cos(by_column))
    return Evidence(alternatives={
        "sin and cos are swapped: the even columns take sin, the odd ones cos.": swapped,
        "the sines and the cosines are in two halves; they interleave: column 2i is a sine, "
        "column 2i + 1 the cosine of the same angle.": halves,
        "column j uses the exponent j / dim; columns 2i and 2i + 1 share the exponent "
        "2i / dim.": own_exponent,
    })


@check("positional_encoding", "sinusoidal_positional_encoding")
@given(length=st.integers(1, 40), half_dim=st.integers(1, 12))
@example(length=1, half_dim=1)
@example(length=7, half_dim=4)
@example(length=1000, half_dim=64)
def test_positional_encoding(submission, length, half_dim):
    dim = 2 * half_dim
    expect_array(submission.transformer.sinusoidal_positional_encoding(length, dim),
                 oracle.value(torch_positional_encoding, length, dim),
                 "sinusoidal_positional_encoding", context=f"for length={length}, dim={dim}",
                 evidence=encoding_mistakes(length, dim))


# ----------------------------------------------------------------------------- GELU

def exact_mistakes(x) -> Evidence:
    return Evidence(alternatives={
        "erf takes x / sqrt(2), not x: Phi(x) = (1 + erf(x / sqrt(2))) / 2.":
            x * 0.5 * (1 + np.vectorize(math.erf, otypes=[float])(x)),
        "it computes the tanh approximation; approximate='none' asks for the exact "
        "erf form.": oracle.value(F.gelu, x, approximate="tanh"),
    })


@check("gelu_forward", "gelu_forward")
@given(x=arrays(zeros=True))
@example(x=np.linspace(-6, 6, 25))
def test_gelu_forward(submission, x):
    out, _ = gelu(submission, x)
    expect_array(out, oracle.value(F.gelu, x), "gelu_forward", context=x_words(x),
                 evidence=exact_mistakes(x))


@check("gelu_backward", "gelu_backward")
@given(x=arrays(zeros=True), seed=seeds)
@example(x=np.linspace(-6, 6, 25), seed=1)
def test_gelu_backward(submission, x, seed):
    grad = upstream(x.shape, seed)
    out, want = gelu_reference(x, grad)
    _, cache = gelu(submission, x)
    half = Evidence(alternatives={
        "the product rule gives two terms: the derivative of x * Phi(x) is Phi(x) plus x times "
        "the normal density.": grad * np.divide(out, x, out=np.full_like(x, 0.5), where=x != 0)})
    expect_array(submission.transformer.gelu_backward(grad, cache), want, "gelu_backward",
                 context=x_words(x), evidence=half)


@check("gelu_backward", "gelu_backward")
@pytest.mark.parametrize("order", ORDERS, ids=["network_order", "same_order"])
def test_two_gelus_interleaved(submission, order):
    """Two GELU layers, as in a model: each cache is its own."""
    layers = {"A": (random_array((3, 5), 40), upstream((3, 5), 42)),
              "B": (random_array((3, 5), 41), upstream((3, 5), 43))}
    caches = {name: gelu(submission, x)[1] for name, (x, _) in layers.items()}
    for name in ORDERS[order]:
        x, grad = layers[name]
        expect_array(submission.transformer.gelu_backward(grad, caches[name]),
                     gelu_reference(x, grad)[1], "gelu_backward",
                     context=f"for GELU {name} of two run as {order} ({x_words(x)[4:]}): "
                             "each cache is its own")


IGNORED = "approximate='tanh' is ignored: it asks for the tanh approximation, not erf."


@check("gelu_tanh", "gelu_forward")
@given(x=arrays(zeros=True), seed=seeds)
@example(x=np.linspace(-6, 6, 25), seed=1)
def test_gelu_tanh(submission, x, seed):
    grad = upstream(x.shape, seed)
    want_out, want_grad = gelu_reference(x, grad, approximate="tanh")
    exact_out, exact_grad = gelu_reference(x, grad)
    out, cache = gelu(submission, x, approximate="tanh")
    context = x_words(x, approximate="tanh")
    expect_array(out, want_out, "gelu_forward", context=context,
                 evidence=Evidence(alternatives={IGNORED: exact_out}))
    expect_array(submission.transformer.gelu_backward(grad, cache), want_grad, "gelu_backward",
                 context=context, evidence=Evidence(alternatives={IGNORED: exact_grad}))


@check("gelu_stable", "gelu_forward")
@pytest.mark.parametrize("approximate", ["none", "tanh"])
def test_gelu_stable(submission, approximate):
    x = np.stack([EXTREMES, EXTREMES[::-1] * 0.5])
    grad = upstream(x.shape, 50)
    want_out, want_grad = gelu_reference(x, grad, approximate=approximate)
    context = (f"for inputs as large as 1e4 in magnitude, approximate={approximate!r}"
               + right_for_small_inputs(submission, approximate))
    out, cache = gelu(submission, x, approximate=approximate)
    expect_no_warnings(submission.transformer.last.warnings, "gelu_forward", context=context)
    expect_array(out, want_out, "gelu_forward", context=context)
    grad_x = submission.transformer.gelu_backward(grad, cache)
    expect_no_warnings(submission.transformer.last.warnings, "gelu_backward", context=context)
    expect_array(grad_x, want_grad, "gelu_backward", context=context)


def right_for_small_inputs(submission, approximate) -> str:
    """", though it is right for small inputs", when it is (the evidence of instability)."""
    x = random_array((3, 4), 51)
    out, _ = gelu(submission, x, approximate=approximate)
    small_ok = isinstance(out, np.ndarray) and out.shape == x.shape and bool(
        np.allclose(out, oracle.value(F.gelu, x, approximate=approximate)))
    return " (it is right for small inputs)" if small_ok else ""


# ----------------------------------------------------------------------------- dtypes, in place
# Each property check also holds the values it ran on to torch (the default
# paths only), so that a submission returning zeros of the right dtype or
# leaving its inputs alone by doing nothing earns nothing here.

@check("float32", "embedding_forward")
def test_embedding_float32(submission):
    indices = np.array([[3, 0, 1], [2, 5, 4]])  # distinct: repeats are their own check
    weight = random_array((6, 5), 60, dtype=np.float32)
    grad = upstream((2, 3, 5), 61, dtype=np.float32)
    want_out, want_grad = embedding_reference(indices, weight.astype(np.float64),
                                              grad.astype(np.float64))
    context = "for a float32 table"
    out, cache = embed(submission, indices, weight)
    expect_dtype(out, np.float32, "embedding_forward", context=context)
    expect_array(out.astype(np.float64), want_out, "embedding_forward", context=context, **FLOAT32)
    grad_weight = submission.transformer.embedding_backward(grad, cache)
    expect_dtype(grad_weight, np.float32, "embedding_backward", context=context)
    expect_array(grad_weight.astype(np.float64), want_grad, "embedding_backward",
                 context=context, **FLOAT32)


@check("float32", "gelu_forward")
@pytest.mark.parametrize("approximate", ["none", "tanh"])
def test_gelu_float32(submission, approximate):
    x, grad = random_array((3, 5), 62, dtype=np.float32), upstream((3, 5), 63, dtype=np.float32)
    context = f"for a float32 x, approximate={approximate!r}"
    out, cache = gelu(submission, x, approximate=approximate)
    expect_dtype(out, np.float32, "gelu_forward", context=context)
    grad_x = submission.transformer.gelu_backward(grad, cache)
    expect_dtype(grad_x, np.float32, "gelu_backward", context=context)
    if approximate == "none":  # the values, on the default path only
        want_out, want_grad = gelu_reference(x.astype(np.float64), grad.astype(np.float64))
        expect_array(out.astype(np.float64), want_out, "gelu_forward", context=context,
                     **FLOAT32)
        expect_array(grad_x.astype(np.float64), want_grad, "gelu_backward", context=context,
                     **FLOAT32)


@check("inputs_unmodified", "embedding_forward")
def test_embedding_inputs_unmodified(submission):
    indices, weight = np.array([[3, 0, 1], [2, 4, 5]]), random_array((6, 4), 70)
    grad = upstream((2, 3, 4), 71)
    want_out, want_grad = embedding_reference(indices, weight, grad)
    out, cache = embed(submission, indices, weight)
    expect_unmodified(submission.transformer.last.mutated, "embedding_forward",
                      ("indices", "weight"))
    grad_weight = submission.transformer.embedding_backward(grad, cache)
    expect_unmodified(submission.transformer.last.mutated, "embedding_backward",
                      ("grad_output", None))
    cache_untouched(submission.transformer.last.mutated, "embedding_backward")
    expect_array(out, want_out, "embedding_forward", context="for indices of shape (2, 3)")
    expect_array(grad_weight, want_grad, "embedding_backward",
                 context="for indices of shape (2, 3)")


@check("inputs_unmodified", "gelu_forward")
@pytest.mark.parametrize("approximate", ["none", "tanh"])
def test_gelu_inputs_unmodified(submission, approximate):
    x, grad = random_array((4, 6), 72, zeros=True), upstream((4, 6), 73)
    out, cache = gelu(submission, x, approximate=approximate)
    expect_unmodified(submission.transformer.last.mutated, "gelu_forward", ("x",))
    grad_x = submission.transformer.gelu_backward(grad, cache)
    expect_unmodified(submission.transformer.last.mutated, "gelu_backward",
                      ("grad_output", None))
    cache_untouched(submission.transformer.last.mutated, "gelu_backward")
    if approximate == "none":  # the values, on the default path only
        want_out, want_grad = gelu_reference(x, grad)
        expect_array(out, want_out, "gelu_forward", context=x_words(x))
        expect_array(grad_x, want_grad, "gelu_backward", context=x_words(x))
