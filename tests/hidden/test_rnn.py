"""Hidden checks for rnn.py, held to torch.nn.RNN / RNNCell in float64."""

import itertools

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from grader.feedback.describe import Evidence
from grader.feedback.expect import (
    ATOL,
    RTOL,
    expect,
    expect_array,
    expect_dtype,
    expect_pair,
    expect_tuple,
    expect_unmodified,
)
from tests import oracle
from tests.public.test_rnn import (
    CELL_ARGS,
    CELL_GRADS,
    RNN_ARGS,
    RNN_GRADS,
    cell_inputs,
    expect_grads,
    rnn_inputs,
    rnn_reference,
    torch_rnn_cell,
)
from tests.strategies import FLOAT32_TOLERANCE, as_float64, cache_untouched, seeds, upstream

sides = st.integers(1, 5)
lengths = st.integers(1, 6)  # T = 1 (no recurrence) as often as any
batches = st.integers(1, 4)


def check(name, fn):
    return pytest.mark.check(f"rnn/{name}", fn=fn)


def cell_words(N, In, H):
    return f"for N={N}, I={In}, H={H}"


def rnn_words(N, T, In, H):
    return f"for N={N}, T={T}, I={In}, H={H}"


def cell_forward(submission, inputs):
    return expect_pair(submission.rnn.rnn_cell_forward(*inputs), "rnn_cell_forward")


def cell_backward(submission, grad, cache):
    return expect_tuple(submission.rnn.rnn_cell_backward(grad, cache), 6,
                        "rnn_cell_backward", CELL_GRADS)


def rnn_forward(submission, inputs):
    result, cache = expect_pair(submission.rnn.rnn_forward(*inputs), "rnn_forward")
    output, h_n = expect_tuple(result, 2, "rnn_forward", "output, h_n as its first item")
    return (output, h_n), cache


def rnn_backward(submission, grad_output, grad_h_n, cache):
    return expect_tuple(submission.rnn.rnn_backward(grad_output, grad_h_n, cache), 6,
                        "rnn_backward", RNN_GRADS)


# ----------------------------------------------------------------------------- values vs torch

@check("rnn_cell_forward", "rnn_cell_forward")
@given(N=batches, In=sides, H=sides, seed=seeds)
@example(N=3, In=2, H=5, seed=1)
@example(N=1, In=4, H=1, seed=2)
def test_rnn_cell_forward(submission, N, In, H, seed):
    inputs = cell_inputs(N, In, H, seed)
    h_next, _ = cell_forward(submission, inputs)
    expect_array(h_next, oracle.value(torch_rnn_cell, *inputs), "rnn_cell_forward",
                 context=cell_words(N, In, H))


@check("rnn_cell_backward", "rnn_cell_backward")
@given(N=batches, In=sides, H=sides, seed=seeds)
@example(N=3, In=2, H=5, seed=1)
@example(N=4, In=5, H=3, seed=2)
def test_rnn_cell_backward(submission, N, In, H, seed):
    inputs = cell_inputs(N, In, H, seed)
    grad = upstream((N, H), seed)
    _, expected = oracle.vjp(torch_rnn_cell, list(inputs), grad)
    _, cache = cell_forward(submission, inputs)
    grads = cell_backward(submission, grad, cache)
    expect_grads(grads, expected, CELL_GRADS.split(", "), "rnn_cell_backward",
                 cell_words(N, In, H))


@check("rnn_forward", "rnn_forward")
@given(N=batches, T=lengths, In=sides, H=sides, seed=seeds)
@example(N=3, T=1, In=2, H=4, seed=1)
@example(N=2, T=12, In=3, H=5, seed=2)
def test_rnn_forward(submission, N, T, In, H, seed):
    inputs = rnn_inputs(N, T, In, H, seed)
    (want_out, want_h_n), _ = rnn_reference(inputs, upstream((N, T, H), seed), None)
    (output, h_n), _ = rnn_forward(submission, inputs)
    context = rnn_words(N, T, In, H)
    expect_array(output, want_out, "rnn_forward (output)", context=context)
    expect_array(h_n, want_h_n, "rnn_forward (h_n)", context=context)


@check("rnn_backward", "rnn_backward")
@given(N=batches, T=lengths, In=sides, H=sides, seed=seeds)
@example(N=3, T=1, In=2, H=4, seed=1)
@example(N=2, T=12, In=3, H=5, seed=2)
@example(N=1, T=5, In=1, H=1, seed=3)
def test_rnn_backward(submission, N, T, In, H, seed):
    inputs = rnn_inputs(N, T, In, H, seed)
    grad_output, grad_h_n = upstream((N, T, H), seed), upstream((N, H), seed + 1)
    _, expected = rnn_reference(inputs, grad_output, grad_h_n)
    _, cache = rnn_forward(submission, inputs)
    grads = rnn_backward(submission, grad_output, grad_h_n, cache)
    evidence = Evidence(hint=lambda: right_for_one_step(submission, N, In, H, seed))
    expect_grads(grads, expected, RNN_GRADS.split(", "), "rnn_backward",
                 f"{rnn_words(N, T, In, H)}, with gradients on both output and h_n",
                 evidence=evidence if T > 1 else None)


def right_for_one_step(submission, N, In, H, seed) -> str | None:
    """The diagnosis when the same RNN gets a one-step sequence right."""
    inputs = rnn_inputs(N, 1, In, H, seed)
    grad_output, grad_h_n = upstream((N, 1, H), seed), upstream((N, H), seed + 1)
    _, expected = rnn_reference(inputs, grad_output, grad_h_n)
    try:
        _, cache = rnn_forward(submission, inputs)
        grads = rnn_backward(submission, grad_output, grad_h_n, cache)
        expect_grads(grads, expected, RNN_GRADS.split(", "), "rnn_backward", "")
    except Exception:  # wrong for one step too: no diagnosis
        return None
    return ("the gradients are right for one time step but not through time: the gradient "
            "reaching h_t comes from output t and from step t+1, and the weight gradients "
            "add up over every step.")


@check("rnn_backward", "rnn_backward")
@pytest.mark.parametrize("on", ["h_n", "output[:, -1]", "output[:, 0]"])
def test_rnn_backward_through_time(submission, on):
    """One upstream gradient at one place: it must reach every earlier step."""
    N, T, In, H = 2, 6, 3, 4
    inputs = rnn_inputs(N, T, In, H, 40)
    grad_output, grad_h_n = np.zeros((N, T, H)), np.zeros((N, H))  # None: none_arguments
    if on == "h_n":
        grad_h_n = upstream((N, H), 41)
    elif on == "output[:, -1]":
        grad_output[:, -1] = upstream((N, H), 42)
    else:
        grad_output[:, 0] = upstream((N, H), 43)
    _, expected = rnn_reference(inputs, grad_output, grad_h_n)
    _, cache = rnn_forward(submission, inputs)
    grads = rnn_backward(submission, grad_output, grad_h_n, cache)
    expect_grads(grads, expected, RNN_GRADS.split(", "), "rnn_backward",
                 f"{rnn_words(N, T, In, H)}, with an upstream gradient on {on} only",
                 evidence=Evidence(hint=lambda: right_for_one_step(submission, N, In, H, 40)))


# ----------------------------------------------------------------------------- None arguments
# Each None is held to the student's own result for the explicit value torch
# means by it (zeros), so that this check looks at None handling only.

def expect_same(actual, reference, fn, what, context):
    """``actual`` (from a call with Nones) equals ``reference`` (the explicit call)."""
    where = f"{fn} ({what}) {context}"
    expect(isinstance(actual, np.ndarray),
           f"{where} should be a NumPy array; it returned {type(actual).__name__}.")
    expect(actual.shape == reference.shape,
           f"{where} has shape {actual.shape}, but {reference.shape} when zeros are passed "
           "in place of the None argument(s).")
    expect(bool(np.allclose(actual, reference, rtol=RTOL, atol=ATOL)),
           f"{where} differs from what your code returns when zeros are passed in place of "
           "the None argument(s): torch treats h0=None as zeros, grad_h_n=None as a zero "
           "gradient, and a None bias as no bias at all.")


def expect_none(value, fn, grad_name, arg_name):
    expect(value is None,
           f"{fn} returned an array for {grad_name}, but {arg_name} was None: the gradient "
           f"of an argument that was None is None.")


@check("none_arguments", "rnn_cell_backward")
@pytest.mark.parametrize("bias_ih_none, bias_hh_none",
                         [(True, True), (True, False), (False, True)])
def test_rnn_cell_without_biases(submission, bias_ih_none, bias_hh_none):
    N, In, H = 3, 2, 4
    full = cell_inputs(N, In, H, 50)
    explicit = list(full)
    given_ = list(full)
    for i, is_none in ((4, bias_ih_none), (5, bias_hh_none)):
        if is_none:
            explicit[i] = np.zeros(H)
            given_[i] = None
    context = (f"{cell_words(N, In, H)}, bias_ih={'None' if bias_ih_none else 'given'}, "
               f"bias_hh={'None' if bias_hh_none else 'given'}")
    grad = upstream((N, H), 51)
    want_h, want_cache = cell_forward(submission, explicit)
    want_grads = cell_backward(submission, grad, want_cache)
    # the explicit call must be right too, or a stub would pass by being wrong both ways
    expected_h, expected_grads = oracle.vjp(torch_rnn_cell, list(explicit), grad)
    expect_array(want_h, expected_h, "rnn_cell_forward", context=cell_words(N, In, H))
    expect_grads(want_grads, expected_grads, CELL_GRADS.split(", "), "rnn_cell_backward",
                 cell_words(N, In, H))
    h_next, cache = cell_forward(submission, given_)
    expect_same(h_next, want_h, "rnn_cell_forward", "h_next", context)
    grads = cell_backward(submission, grad, cache)
    for name, arg, got, want in zip(CELL_GRADS.split(", "), given_, grads, want_grads,
                                    strict=True):
        if arg is None:
            expect_none(got, "rnn_cell_backward", name, name.removeprefix("grad_"))
        else:
            expect_same(got, want, "rnn_cell_backward", name, context)


NONE_CASES = [c for c in itertools.product([False, True], repeat=4) if any(c)]


@check("none_arguments", "rnn_backward")
@pytest.mark.parametrize("h0_none, bias_ih_none, bias_hh_none, grad_h_n_none", NONE_CASES,
                         ids=lambda flag: "None" if flag else "given")
def test_rnn_none_arguments(submission, h0_none, bias_ih_none, bias_hh_none, grad_h_n_none):
    N, T, In, H = 3, 4, 2, 5
    full = rnn_inputs(N, T, In, H, 60)
    explicit, given_ = list(full), list(full)
    for i, is_none in ((1, h0_none), (4, bias_ih_none), (5, bias_hh_none)):
        if is_none:
            explicit[i] = np.zeros_like(full[i])
            given_[i] = None
    grad_output = upstream((N, T, H), 61)
    grad_h_n = upstream((N, H), 62)
    explicit_grad_h_n = np.zeros((N, H)) if grad_h_n_none else grad_h_n
    given_grad_h_n = None if grad_h_n_none else grad_h_n
    words = {"h0": h0_none, "bias_ih": bias_ih_none, "bias_hh": bias_hh_none,
             "grad_h_n": grad_h_n_none}
    context = f"{rnn_words(N, T, In, H)}, " + ", ".join(
        f"{k}={'None' if v else 'given'}" for k, v in words.items())

    (want_out, want_h_n), want_cache = rnn_forward(submission, explicit)
    want_grads = rnn_backward(submission, grad_output, explicit_grad_h_n, want_cache)
    # the explicit call's output must be right too, or a stub would pass by being wrong
    # both ways (its gradients are rnn_backward's business)
    (expected_out, expected_h_n), _ = rnn_reference(explicit, grad_output, explicit_grad_h_n)
    expect_array(want_out, expected_out, "rnn_forward (output)", context=rnn_words(N, T, In, H))
    expect_array(want_h_n, expected_h_n, "rnn_forward (h_n)", context=rnn_words(N, T, In, H))
    (output, h_n), cache = rnn_forward(submission, given_)
    expect_same(output, want_out, "rnn_forward", "output", context)
    expect_same(h_n, want_h_n, "rnn_forward", "h_n", context)
    grads = rnn_backward(submission, grad_output, given_grad_h_n, cache)
    for name, arg, arg_name, got, want in zip(RNN_GRADS.split(", "), given_, RNN_ARGS, grads,
                                              want_grads, strict=True):
        if arg is None:
            expect_none(got, "rnn_backward", name, arg_name)
        else:
            expect_same(got, want, "rnn_backward", name, context)


# ----------------------------------------------------------------------------- dtypes, in place

# The property checks hold the values they ran on to torch (so that a stub earns nothing):
# all of the cell's, and rnn_forward's output and h_n (rnn_backward's gradients through
# time are that check's business, so that a mistake there costs it alone).


def _cell_reference(inputs, grad):
    h_next, grads = oracle.vjp(torch_rnn_cell, as_float64(*inputs), *as_float64(grad))
    dtype = inputs[0].dtype
    return h_next.astype(dtype), [None if g is None else g.astype(dtype) for g in grads]


@check("float32", "rnn_cell_forward")
def test_rnn_cell_float32(submission):
    inputs = cell_inputs(3, 2, 4, 70, dtype=np.float32)
    grad = upstream((3, 4), 71, dtype=np.float32)
    expected_h, expected_grads = _cell_reference(inputs, grad)
    h_next, cache = cell_forward(submission, inputs)
    expect_dtype(h_next, np.float32, "rnn_cell_forward", context="for float32 inputs")
    expect_array(h_next, expected_h, "rnn_cell_forward", context="for float32 inputs",
                 **FLOAT32_TOLERANCE)
    grads = cell_backward(submission, grad, cache)
    for name, got, want in zip(CELL_GRADS.split(", "), grads, expected_grads, strict=True):
        expect_dtype(got, np.float32, f"rnn_cell_backward ({name})",
                     context="for float32 inputs")
        expect_array(got, want, f"rnn_cell_backward ({name})", context="for float32 inputs",
                     **FLOAT32_TOLERANCE)


@check("float32", "rnn_forward")
@pytest.mark.parametrize("h0_none", [False, True], ids=["h0", "h0_None"])
def test_rnn_float32(submission, h0_none):
    inputs = list(rnn_inputs(3, 4, 2, 5, 72, dtype=np.float32))
    if h0_none:
        inputs[1] = None
    context = "for float32 inputs" + (" and h0=None" if h0_none else "")
    (want_out, want_h_n), _ = rnn_reference(as_float64(*inputs), np.zeros((3, 4, 5)), None)
    (output, h_n), cache = rnn_forward(submission, inputs)
    expect_dtype(output, np.float32, "rnn_forward (output)", context=context)
    expect_dtype(h_n, np.float32, "rnn_forward (h_n)", context=context)
    expect_array(output, want_out.astype(np.float32), "rnn_forward (output)", context=context,
                 **FLOAT32_TOLERANCE)
    expect_array(h_n, want_h_n.astype(np.float32), "rnn_forward (h_n)", context=context,
                 **FLOAT32_TOLERANCE)
    grads = rnn_backward(submission, upstream((3, 4, 5), 73, dtype=np.float32),
                         upstream((3, 5), 74, dtype=np.float32), cache)
    for name, arg, grad in zip(RNN_GRADS.split(", "), inputs, grads, strict=True):
        if arg is not None:
            expect_dtype(grad, np.float32, f"rnn_backward ({name})", context=context)


@check("inputs_unmodified", "rnn_cell_forward")
def test_rnn_cell_inputs_unmodified(submission):
    inputs = cell_inputs(3, 2, 4, 80)
    grad = upstream((3, 4), 81)
    expected_h, expected_grads = _cell_reference(inputs, grad)
    h_next, cache = cell_forward(submission, inputs)
    expect_unmodified(submission.rnn.last.mutated, "rnn_cell_forward", CELL_ARGS)
    expect_array(h_next, expected_h, "rnn_cell_forward", context=cell_words(3, 2, 4))
    grads = cell_backward(submission, grad, cache)
    expect_unmodified(submission.rnn.last.mutated, "rnn_cell_backward", ("grad_h_next", None))
    cache_untouched(submission.rnn.last.mutated, "rnn_cell_backward")
    expect_grads(grads, expected_grads, CELL_GRADS.split(", "), "rnn_cell_backward",
                 cell_words(3, 2, 4))


@check("inputs_unmodified", "rnn_forward")
def test_rnn_inputs_unmodified(submission):
    inputs = rnn_inputs(3, 4, 2, 5, 82)
    (want_out, want_h_n), _ = rnn_reference(inputs, np.zeros((3, 4, 5)), None)
    (output, h_n), cache = rnn_forward(submission, inputs)
    expect_unmodified(submission.rnn.last.mutated, "rnn_forward", RNN_ARGS)
    expect_array(output, want_out, "rnn_forward (output)", context=rnn_words(3, 4, 2, 5))
    expect_array(h_n, want_h_n, "rnn_forward (h_n)", context=rnn_words(3, 4, 2, 5))
    rnn_backward(submission, upstream((3, 4, 5), 83), upstream((3, 5), 84), cache)
    # The backward may consume its own cache (popping a list of steps, say): only the
    # arguments the caller passed are watched here.
    expect_unmodified(submission.rnn.last.mutated, "rnn_backward",
                      ("grad_output", "grad_h_n", None))


# ----------------------------------------------------------------------------- two layers
# As a network runs them: two cells of one size stepped in turn, and a two-layer RNN (the
# second layer reads the first one's output). Each cache is its own.
ORDERS = {
    "forward A, forward B, backward B, backward A": ("B", "A"),
    "forward A, forward B, backward A, backward B": ("A", "B"),
}
ORDER_IDS = ["network_order", "same_order"]


@check("rnn_cell_backward", "rnn_cell_backward")
@pytest.mark.parametrize("order", ORDERS, ids=ORDER_IDS)
def test_two_cells(submission, order):
    N, H = 3, 4
    first = cell_inputs(N, H, H, 90)
    hidden = oracle.value(torch_rnn_cell, *first)
    second = (hidden, *cell_inputs(N, H, H, 96)[1:])
    layers = {"A": first, "B": second}
    grads_in = {"B": upstream((N, H), 91)}
    expected = {"B": oracle.vjp(torch_rnn_cell, list(second), grads_in["B"])[1]}
    grads_in["A"] = expected["B"][0]
    expected["A"] = oracle.vjp(torch_rnn_cell, list(first), grads_in["A"])[1]
    caches = {name: cell_forward(submission, args)[1] for name, args in layers.items()}
    for name in ORDERS[order]:
        context = (f"for cell {name} of x -> cell A -> cell B, run as {order} "
                   f"({cell_words(N, H, H)[4:]}): each cache is its own")
        grads = cell_backward(submission, grads_in[name], caches[name])
        expect_grads(grads, expected[name], CELL_GRADS.split(", "), "rnn_cell_backward",
                     context)


@check("rnn_backward", "rnn_backward")
@pytest.mark.parametrize("order", ORDERS, ids=ORDER_IDS)
def test_two_layer_rnn(submission, order):
    N, T, In, H = 2, 4, 3, 3
    first = rnn_inputs(N, T, In, H, 100)
    (out_a, _), _ = rnn_reference(first, np.zeros((N, T, H)), None)
    second = (out_a, *rnn_inputs(N, T, H, H, 110)[1:])
    grad_out, grad_h_n_b = upstream((N, T, H), 101), upstream((N, H), 102)
    _, expected_b = rnn_reference(second, grad_out, grad_h_n_b)
    grad_h_n_a = upstream((N, H), 103)
    _, expected_a = rnn_reference(first, expected_b[0], grad_h_n_a)
    layers = {"A": (first, expected_b[0], grad_h_n_a, expected_a),
              "B": (second, grad_out, grad_h_n_b, expected_b)}
    caches = {name: rnn_forward(submission, args)[1] for name, (args, *_) in layers.items()}
    for name in ORDERS[order]:
        _, grad_output, grad_h_n, expected = layers[name]
        grads = rnn_backward(submission, grad_output, grad_h_n, caches[name])
        expect_grads(grads, expected, RNN_GRADS.split(", "), "rnn_backward",
                     f"for layer {name} of a two-layer RNN run as {order} "
                     f"({rnn_words(N, T, In, H)[4:]}): each cache is its own")
