"""Hidden checks for gated.py, held to torch.nn.LSTM / LSTMCell / GRU / GRUCell in float64."""

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
    expect_no_warnings,
    expect_pair,
    expect_tuple,
    expect_unmodified,
)
from tests import oracle
from tests.oracle import torch
from tests.public.test_gated import (
    GRU_ARGS,
    GRU_CELL_ARGS,
    LSTM_ARGS,
    LSTM_CELL_ARGS,
    _params,
    cell_inputs,
    expect_grads,
    grad_names,
    gru_reference,
    lstm_reference,
    seq_inputs,
    torch_gru_cell,
    torch_lstm_cell,
)
from tests.strategies import FLOAT32_TOLERANCE, cache_untouched, random_array, seeds, upstream

sides = st.integers(1, 5)
lengths = st.integers(1, 6)  # T = 1 (no recurrence) as often as any
batches = st.integers(1, 4)
FLOAT32 = FLOAT32_TOLERANCE  # float32 arithmetic, held to torch's float64 values

LSTM_CELL_GRADS, LSTM_GRADS = grad_names(LSTM_CELL_ARGS), grad_names(LSTM_ARGS)
GRU_CELL_GRADS, GRU_GRADS = grad_names(GRU_CELL_ARGS), grad_names(GRU_ARGS)


def check(name, fn):
    return pytest.mark.check(f"gated/{name}", fn=fn)


def cell_words(N, In, H):
    return f"for N={N}, I={In}, H={H}"


def seq_words(N, T, In, H):
    return f"for N={N}, T={T}, I={In}, H={H}"


# ----------------------------------------------------------------------------- calls

def lstm_cell_forward(submission, inputs):
    result, cache = expect_pair(submission.gated.lstm_cell_forward(*inputs), "lstm_cell_forward")
    return expect_tuple(result, 2, "lstm_cell_forward", "h_next, c_next as its first item"), cache


def lstm_cell_backward(submission, grad_h, grad_c, cache):
    return expect_tuple(submission.gated.lstm_cell_backward(grad_h, grad_c, cache), 7,
                        "lstm_cell_backward", ", ".join(LSTM_CELL_GRADS))


def lstm_forward(submission, inputs):
    result, cache = expect_pair(submission.gated.lstm_forward(*inputs), "lstm_forward")
    return expect_tuple(result, 3, "lstm_forward", "output, h_n, c_n as its first item"), cache


def lstm_backward(submission, grad_output, grad_h_n, grad_c_n, cache):
    return expect_tuple(submission.gated.lstm_backward(grad_output, grad_h_n, grad_c_n, cache),
                        7, "lstm_backward", ", ".join(LSTM_GRADS))


def gru_cell_forward(submission, inputs):
    return expect_pair(submission.gated.gru_cell_forward(*inputs), "gru_cell_forward")


def gru_cell_backward(submission, grad, cache):
    return expect_tuple(submission.gated.gru_cell_backward(grad, cache), 6, "gru_cell_backward",
                        ", ".join(GRU_CELL_GRADS))


def gru_forward(submission, inputs):
    result, cache = expect_pair(submission.gated.gru_forward(*inputs), "gru_forward")
    return expect_tuple(result, 2, "gru_forward", "output, h_n as its first item"), cache


def gru_backward(submission, grad_output, grad_h_n, cache):
    return expect_tuple(submission.gated.gru_backward(grad_output, grad_h_n, cache), 6,
                        "gru_backward", ", ".join(GRU_GRADS))


# ----------------------------------------------------------------------------- evidence
# A gate-order mistake computes torch's function of the same weights with their
# blocks of H rows in another order: the alternatives below are exactly that.

ORDER_WORDS = {
    "lstm": "the gates are taken in the order i, f, o, g; torch stacks them i, f, g, o (rows "
            "[2H, 3H) are the cell candidate g, rows [3H, 4H) the output gate o).",
    "gru": "the gates are taken in the order z, r, n; torch stacks them r, z, n (rows [0, H) "
           "are the reset gate r, rows [H, 2H) the update gate z).",
}
SWAP = {"lstm": (0, 1, 3, 2), "gru": (1, 0, 2)}  # each its own inverse
N_BIAS_WORDS = ("r multiplies b_hn too: torch's n = tanh(W_in x + b_in + r * (W_hn h + b_hn)), "
                "with b_hn inside the product.")


def swap_blocks(array, kind):
    """``array``'s blocks of H rows (along axis 0) in the other gate order; None stays None."""
    if array is None:
        return None
    return np.concatenate([np.split(array, len(SWAP[kind]))[k] for k in SWAP[kind]])


def reordered(kind, inputs, n_state):
    """``inputs`` with the four parameter arrays' gate blocks swapped (see ``SWAP``)."""
    return (*inputs[:n_state], *(swap_blocks(p, kind) for p in inputs[n_state:]))


def gru_with_b_hn_outside(inputs):
    """The GRU with ``n = tanh(W_in x + b_in + r * (W_hn h) + b_hn)``, ``(output, h_n)``."""
    x, h, weight_ih, weight_hh, bias_ih, bias_hh = inputs
    H = weight_hh.shape[1]
    bias_ih = np.zeros(3 * H) if bias_ih is None else bias_ih
    bias_hh = np.zeros(3 * H) if bias_hh is None else bias_hh
    h = np.zeros((x.shape[0], H)) if h is None else h
    steps = x[:, None] if x.ndim == 2 else x
    outputs = []
    for t in range(steps.shape[1]):
        a = steps[:, t] @ weight_ih.T + bias_ih
        b = h @ weight_hh.T
        r = 1 / (1 + np.exp(-(a[:, :H] + b[:, :H] + bias_hh[:H])))
        z = 1 / (1 + np.exp(-(a[:, H:2 * H] + b[:, H:2 * H] + bias_hh[H:2 * H])))
        n = np.tanh(a[:, 2 * H:] + r * b[:, 2 * H:] + bias_hh[2 * H:])
        h = (1 - z) * n + z * h
        outputs.append(h)
    return np.stack(outputs, axis=1), h


def lstm_forward_evidence(inputs, which):
    """Evidence for lstm_cell_forward / lstm_forward ``which`` result (an index)."""
    if inputs[0].ndim == 2:
        alt = oracle.value(torch_lstm_cell, *reordered("lstm", inputs, 3))
        H = alt.shape[1] // 2
        return Evidence(alternatives={ORDER_WORDS["lstm"]: (alt[:, :H], alt[:, H:])[which]})
    results, _ = _lstm_values(reordered("lstm", inputs, 3))
    return Evidence(alternatives={ORDER_WORDS["lstm"]: results[which]})


def _lstm_values(inputs):
    """torch's ``(output, h_n, c_n)`` (and gradients for a zero upstream gradient)."""
    N, T = inputs[0].shape[:2]
    H = inputs[4].shape[1]
    return lstm_reference(inputs, np.zeros((N, T, H)), None, None)


def gru_forward_evidence(inputs, which):
    """Evidence for gru_cell_forward / gru_forward ``which`` result (0 output, 1 h_n)."""
    if inputs[0].ndim == 2:
        order = oracle.value(torch_gru_cell, *reordered("gru", inputs, 2))
        outside = gru_with_b_hn_outside(inputs)[1]
    else:
        N, T = inputs[0].shape[:2]
        H = inputs[3].shape[1]
        order = gru_reference(reordered("gru", inputs, 2), np.zeros((N, T, H)), None)[0][which]
        outside = gru_with_b_hn_outside(inputs)[which]
    alternatives = {ORDER_WORDS["gru"]: order}
    if inputs[-1] is not None:  # without b_hn the two readings agree
        alternatives[N_BIAS_WORDS] = outside
    return Evidence(alternatives=alternatives)


def order_evidence_for_grads(kind, inputs, n_state, reference, grad_index, upstreams):
    """Evidence for one gradient: what the gate-order mistake gives for it."""
    _, grads = reference(reordered(kind, inputs, n_state), *upstreams)
    grad = grads[grad_index]
    if grad_index >= n_state:  # a parameter: its blocks come back in the student's order
        grad = swap_blocks(grad, kind)
    return Evidence(alternatives={ORDER_WORDS[kind]: grad})


def expect_grads_with_order(kind, grads, expected, names, fn, context, inputs, n_state,
                            reference, upstreams, hint=None):
    for index, (grad, want, name) in enumerate(zip(grads, expected, names, strict=True)):
        evidence = hint or order_evidence_for_grads(kind, inputs, n_state, reference, index,
                                                    upstreams)
        expect_array(grad, want, f"{fn} ({name})", context=context, evidence=evidence)


def lstm_cell_reference(inputs, grad_h, grad_c):
    grad = np.concatenate([grad_h, np.zeros_like(grad_h) if grad_c is None else grad_c], axis=1)
    stacked, grads = oracle.vjp(torch_lstm_cell, list(inputs), grad)
    H = grad_h.shape[1]
    return (stacked[:, :H], stacked[:, H:]), grads


def gru_cell_reference(inputs, grad):
    return oracle.vjp(torch_gru_cell, list(inputs), grad)


THROUGH_TIME = ("the gradients are right for one time step but not through time: the gradient "
                "reaching h_t (and c_t) comes from output t and from step t+1, and the weight "
                "gradients add up over every step.")


def right_for_one_step(submission, kind, N, In, H, seed) -> str | None:
    """The diagnosis when the same network gets a one-step sequence right."""
    inputs = seq_inputs(kind, N, 1, In, H, seed)
    upstreams = [upstream((N, 1, H), seed), upstream((N, H), seed + 1)]
    try:
        if kind == "lstm":
            upstreams.append(upstream((N, H), seed + 2))
            _, expected = lstm_reference(inputs, *upstreams)
            _, cache = lstm_forward(submission, inputs)
            grads = lstm_backward(submission, *upstreams, cache)
            expect_grads(grads, expected, LSTM_GRADS, "lstm_backward", "")
        else:
            _, expected = gru_reference(inputs, *upstreams)
            _, cache = gru_forward(submission, inputs)
            grads = gru_backward(submission, *upstreams, cache)
            expect_grads(grads, expected, GRU_GRADS, "gru_backward", "")
    except Exception:  # wrong for one step too: no diagnosis
        return None
    return THROUGH_TIME


# ----------------------------------------------------------------------------- LSTM values

@check("lstm_cell_forward", "lstm_cell_forward")
@given(N=batches, In=sides, H=sides, seed=seeds)
@example(N=3, In=2, H=5, seed=1)
@example(N=1, In=4, H=1, seed=2)
def test_lstm_cell_forward(submission, N, In, H, seed):
    inputs = cell_inputs("lstm", N, In, H, seed)
    (want_h, want_c), _ = lstm_cell_reference(inputs, np.zeros((N, H)), None)
    (h_next, c_next), _ = lstm_cell_forward(submission, inputs)
    context = cell_words(N, In, H)
    expect_array(h_next, want_h, "lstm_cell_forward (h_next)", context=context,
                 evidence=lstm_forward_evidence(inputs, 0))
    expect_array(c_next, want_c, "lstm_cell_forward (c_next)", context=context,
                 evidence=lstm_forward_evidence(inputs, 1))


@check("lstm_cell_backward", "lstm_cell_backward")
@given(N=batches, In=sides, H=sides, seed=seeds)
@example(N=3, In=2, H=5, seed=1)
@example(N=4, In=5, H=3, seed=2)
def test_lstm_cell_backward(submission, N, In, H, seed):
    inputs = cell_inputs("lstm", N, In, H, seed)
    upstreams = upstream((N, H), seed), upstream((N, H), seed + 1)
    _, expected = lstm_cell_reference(inputs, *upstreams)
    _, cache = lstm_cell_forward(submission, inputs)
    grads = lstm_cell_backward(submission, *upstreams, cache)
    expect_grads_with_order("lstm", grads, expected, LSTM_CELL_GRADS, "lstm_cell_backward",
                            f"{cell_words(N, In, H)}, with gradients on h_next and c_next",
                            inputs, 3, lstm_cell_reference, upstreams)


@check("lstm_forward", "lstm_forward")
@given(N=batches, T=lengths, In=sides, H=sides, seed=seeds)
@example(N=3, T=1, In=2, H=4, seed=1)
@example(N=2, T=12, In=3, H=5, seed=2)
def test_lstm_forward(submission, N, T, In, H, seed):
    inputs = seq_inputs("lstm", N, T, In, H, seed)
    want, _ = _lstm_values(inputs)
    result, _ = lstm_forward(submission, inputs)
    context = seq_words(N, T, In, H)
    for index, (got, expected, name) in enumerate(zip(result, want, ("output", "h_n", "c_n"),
                                                      strict=True)):
        expect_array(got, expected, f"lstm_forward ({name})", context=context,
                     evidence=lstm_forward_evidence(inputs, index))


@check("lstm_backward", "lstm_backward")
@given(N=batches, T=lengths, In=sides, H=sides, seed=seeds)
@example(N=3, T=1, In=2, H=4, seed=1)
@example(N=2, T=12, In=3, H=5, seed=2)
@example(N=1, T=5, In=1, H=1, seed=3)
def test_lstm_backward(submission, N, T, In, H, seed):
    inputs = seq_inputs("lstm", N, T, In, H, seed)
    upstreams = upstream((N, T, H), seed), upstream((N, H), seed + 1), upstream((N, H), seed + 2)
    _, expected = lstm_reference(inputs, *upstreams)
    _, cache = lstm_forward(submission, inputs)
    grads = lstm_backward(submission, *upstreams, cache)
    hint = (lambda: right_for_one_step(submission, "lstm", N, In, H, seed)) if T > 1 else None
    expect_grads(grads, expected, LSTM_GRADS, "lstm_backward",
                 f"{seq_words(N, T, In, H)}, with gradients on output, h_n and c_n",
                 evidence=Evidence(hint=hint) if hint else None)


@check("lstm_backward", "lstm_backward")
@pytest.mark.parametrize("on", ["h_n", "c_n", "output[:, -1]", "output[:, 0]"])
def test_lstm_backward_through_time(submission, on):
    """One upstream gradient at one place: it must reach every earlier step."""
    N, T, In, H = 2, 6, 3, 4
    inputs = seq_inputs("lstm", N, T, In, H, 40)
    grad_output, grad_h_n, grad_c_n = np.zeros((N, T, H)), np.zeros((N, H)), np.zeros((N, H))
    if on == "h_n":
        grad_h_n = upstream((N, H), 41)
    elif on == "c_n":
        grad_c_n = upstream((N, H), 42)
    elif on == "output[:, -1]":
        grad_output[:, -1] = upstream((N, H), 43)
    else:
        grad_output[:, 0] = upstream((N, H), 44)
    _, expected = lstm_reference(inputs, grad_output, grad_h_n, grad_c_n)
    _, cache = lstm_forward(submission, inputs)
    grads = lstm_backward(submission, grad_output, grad_h_n, grad_c_n, cache)
    expect_grads(grads, expected, LSTM_GRADS, "lstm_backward",
                 f"{seq_words(N, T, In, H)}, with an upstream gradient on {on} only",
                 evidence=Evidence(hint=lambda: right_for_one_step(submission, "lstm", N, In, H,
                                                                   40)))


def torch_stack(kind, x, *layers):
    """A two-layer ``torch.nn.LSTM`` / ``GRU(batch_first=True)``'s output, no initial state."""
    In, H = x.shape[2], layers[1].shape[1]  # weight_hh of layer 1
    module = (torch.nn.LSTM if kind == "lstm" else torch.nn.GRU)(
        In, H, num_layers=2, batch_first=True, dtype=x.dtype)
    params = {}
    for index, (weight_ih, weight_hh, bias_ih, bias_hh) in enumerate(
            zip(*[iter(layers)] * 4, strict=True)):
        params.update(_params(weight_ih, weight_hh, bias_ih, bias_hh, f"_l{index}"))
    output, _ = torch.func.functional_call(module, params, (x,))
    return output


def stacked_inputs(kind, N, T, In, H, seed):
    x = seq_inputs(kind, N, T, In, H, seed)[0]
    first = seq_inputs(kind, N, T, In, H, seed)[-4:]
    second = seq_inputs(kind, N, T, H, H, seed + 10)[-4:]
    return x, first, second


@pytest.mark.parametrize("kind", [
    pytest.param("lstm", marks=check("lstm_backward", "lstm_backward")),
    pytest.param("gru", marks=check("gru_backward", "gru_backward"))])
def test_two_layers_stacked(submission, kind):
    """Layer 1, then layer 2 on its output; backward through layer 2, then layer 1."""
    N, T, In, H = 2, 5, 3, 4
    x, first, second = stacked_inputs(kind, N, T, In, H, 90)
    grad = upstream((N, T, H), 91)
    _, expected = oracle.vjp(torch_stack, ["lstm" if kind == "lstm" else "gru", x, *first,
                                           *second], grad)
    expected = expected[1:]  # the kind is no array: no gradient
    states = (None, None) if kind == "lstm" else (None,)
    fwd, bwd = (lstm_forward, lstm_backward) if kind == "lstm" else (gru_forward, gru_backward)
    (hidden, *_), cache1 = fwd(submission, (x, *states, *first))
    _, cache2 = fwd(submission, (hidden, *states, *second))
    grads2 = bwd(submission, grad, *states, cache2)
    grads1 = bwd(submission, grads2[0], *states, cache1)
    n = len(states)
    context = (f"for two {kind.upper()} layers stacked as in nn.{kind.upper()}(num_layers=2), "
               f"N={N}, T={T}, I={In}, H={H}: layer 1 forward, layer 2 forward on its output, "
               "then backward through layer 2 and layer 1, each with its own cache")
    names = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
    evidence = Evidence(hint=lambda: right_for_one_step(submission, kind, N, In, H, 92))
    expect_array(grads1[0], expected[0], f"{kind}_backward (grad_x of layer 1)", context=context,
                 evidence=evidence)
    for layer, grads, want in ((1, grads1, expected[1:5]), (2, grads2, expected[5:9])):
        for name, got, wanted in zip(names, grads[1 + n:], want, strict=True):
            expect_array(got, wanted, f"{kind}_backward (grad_{name} of layer {layer})",
                         context=context, evidence=evidence)


ORDERS = {
    "forward A, forward B, backward B, backward A": ("B", "A"),
    "forward A, forward B, backward A, backward B": ("A", "B"),
}


def _two_steps(kind, N, In, H, seed):
    """A cell stepped twice (step B starts from step A's state, with the same weights):
    ``{step: (inputs, upstreams, expected grads)}`` from torch."""
    first = cell_inputs(kind, N, In, H, seed)
    n_state = 2 if kind == "lstm" else 1
    weights = first[1 + n_state:]
    if kind == "lstm":
        (h_a, c_a), _ = lstm_cell_reference(first, np.zeros((N, H)), None)
        second = (random_array((N, In), seed + 20, 1.0), h_a, c_a, *weights)
        ups_b = upstream((N, H), seed + 21), upstream((N, H), seed + 22)
        _, grads_b = lstm_cell_reference(second, *ups_b)
        ups_a = grads_b[1], grads_b[2]
        _, grads_a = lstm_cell_reference(first, *ups_a)
    else:
        h_a = oracle.value(torch_gru_cell, *first)
        second = (random_array((N, In), seed + 20, 1.0), h_a, *weights)
        ups_b = (upstream((N, H), seed + 21),)
        _, grads_b = gru_cell_reference(second, *ups_b)
        ups_a = (grads_b[1],)
        _, grads_a = gru_cell_reference(first, *ups_a)
    return {"A": (first, ups_a, grads_a), "B": (second, ups_b, grads_b)}


@pytest.mark.parametrize("kind", [
    pytest.param("lstm", marks=check("lstm_cell_backward", "lstm_cell_backward")),
    pytest.param("gru", marks=check("gru_cell_backward", "gru_cell_backward"))])
@pytest.mark.parametrize("order", ORDERS, ids=["network_order", "same_order"])
def test_two_cell_steps(submission, kind, order):
    """One cell stepped twice, as a loop over time runs it: each step's cache is its own."""
    N, In, H = 3, 2, 4
    steps = _two_steps(kind, N, In, H, 130)
    forward, backward = ((lstm_cell_forward, lstm_cell_backward) if kind == "lstm"
                         else (gru_cell_forward, gru_cell_backward))
    names = LSTM_CELL_GRADS if kind == "lstm" else GRU_CELL_GRADS
    caches = {name: forward(submission, inputs)[1] for name, (inputs, _, _) in steps.items()}
    for name in ORDERS[order]:
        _, ups, expected = steps[name]
        grads = backward(submission, *ups, caches[name])
        expect_grads(grads, expected, names, f"{kind}_cell_backward",
                     f"for step {name} of a {kind.upper()} cell stepped twice (step B from "
                     f"step A's state), run as {order} ({cell_words(N, In, H)[4:]}): each "
                     "cache is its own")


# ----------------------------------------------------------------------------- GRU values

@check("gru_cell_forward", "gru_cell_forward")
@given(N=batches, In=sides, H=sides, seed=seeds)
@example(N=3, In=2, H=5, seed=1)
@example(N=1, In=4, H=1, seed=2)
def test_gru_cell_forward(submission, N, In, H, seed):
    inputs = cell_inputs("gru", N, In, H, seed)
    h_next, _ = gru_cell_forward(submission, inputs)
    expect_array(h_next, oracle.value(torch_gru_cell, *inputs), "gru_cell_forward",
                 context=cell_words(N, In, H), evidence=gru_forward_evidence(inputs, 0))


@check("gru_cell_backward", "gru_cell_backward")
@given(N=batches, In=sides, H=sides, seed=seeds)
@example(N=3, In=2, H=5, seed=1)
@example(N=4, In=5, H=3, seed=2)
def test_gru_cell_backward(submission, N, In, H, seed):
    inputs = cell_inputs("gru", N, In, H, seed)
    grad = upstream((N, H), seed)
    _, expected = gru_cell_reference(inputs, grad)
    _, cache = gru_cell_forward(submission, inputs)
    grads = gru_cell_backward(submission, grad, cache)
    expect_grads_with_order("gru", grads, expected, GRU_CELL_GRADS, "gru_cell_backward",
                            cell_words(N, In, H), inputs, 2, gru_cell_reference, (grad,))


@check("gru_forward", "gru_forward")
@given(N=batches, T=lengths, In=sides, H=sides, seed=seeds)
@example(N=3, T=1, In=2, H=4, seed=1)
@example(N=2, T=12, In=3, H=5, seed=2)
def test_gru_forward(submission, N, T, In, H, seed):
    inputs = seq_inputs("gru", N, T, In, H, seed)
    want, _ = gru_reference(inputs, np.zeros((N, T, H)), None)
    result, _ = gru_forward(submission, inputs)
    context = seq_words(N, T, In, H)
    for index, (got, expected, name) in enumerate(zip(result, want, ("output", "h_n"),
                                                      strict=True)):
        expect_array(got, expected, f"gru_forward ({name})", context=context,
                     evidence=gru_forward_evidence(inputs, index))


@check("gru_backward", "gru_backward")
@given(N=batches, T=lengths, In=sides, H=sides, seed=seeds)
@example(N=3, T=1, In=2, H=4, seed=1)
@example(N=2, T=12, In=3, H=5, seed=2)
@example(N=1, T=5, In=1, H=1, seed=3)
def test_gru_backward(submission, N, T, In, H, seed):
    inputs = seq_inputs("gru", N, T, In, H, seed)
    upstreams = upstream((N, T, H), seed), upstream((N, H), seed + 1)
    _, expected = gru_reference(inputs, *upstreams)
    _, cache = gru_forward(submission, inputs)
    grads = gru_backward(submission, *upstreams, cache)
    hint = (lambda: right_for_one_step(submission, "gru", N, In, H, seed)) if T > 1 else None
    expect_grads(grads, expected, GRU_GRADS, "gru_backward",
                 f"{seq_words(N, T, In, H)}, with gradients on output and h_n",
                 evidence=Evidence(hint=hint) if hint else None)


@check("gru_backward", "gru_backward")
@pytest.mark.parametrize("on", ["h_n", "output[:, -1]", "output[:, 0]"])
def test_gru_backward_through_time(submission, on):
    """One upstream gradient at one place: it must reach every earlier step."""
    N, T, In, H = 2, 6, 3, 4
    inputs = seq_inputs("gru", N, T, In, H, 45)
    grad_output, grad_h_n = np.zeros((N, T, H)), np.zeros((N, H))
    if on == "h_n":
        grad_h_n = upstream((N, H), 46)
    elif on == "output[:, -1]":
        grad_output[:, -1] = upstream((N, H), 47)
    else:
        grad_output[:, 0] = upstream((N, H), 48)
    _, expected = gru_reference(inputs, grad_output, grad_h_n)
    _, cache = gru_forward(submission, inputs)
    grads = gru_backward(submission, grad_output, grad_h_n, cache)
    expect_grads(grads, expected, GRU_GRADS, "gru_backward",
                 f"{seq_words(N, T, In, H)}, with an upstream gradient on {on} only",
                 evidence=Evidence(hint=lambda: right_for_one_step(submission, "gru", N, In, H,
                                                                   45)))


# ----------------------------------------------------------------------------- None arguments
# Each None is held to the student's own result for the explicit value torch
# means by it (zeros), so that these checks look at None handling only.

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
           "the None argument(s): torch treats a None state as zeros, a None upstream "
           "gradient as a zero gradient, and a None bias as no bias at all.")


def expect_none(value, fn, grad_name, arg_name):
    expect(value is None,
           f"{fn} returned an array for {grad_name}, but {arg_name} was None: the gradient "
           f"of an argument that was None is None.")


def compare_with_explicit(submission, fn_name, forward, backward, reference, full, nones,
                          upstreams, none_upstreams, arg_names, result_names, context):
    """Run with Nones and with the explicit zeros; every result must agree.

    The explicit run must not be all zeros where torch's values are not, so that a
    stub of zeros (which agrees with itself) earns nothing; its values are the
    value checks' business.
    """
    explicit, given_ = list(full), list(full)
    for index in nones:
        explicit[index] = np.zeros_like(full[index])
        given_[index] = None
    explicit_up = [np.zeros_like(u) if i in none_upstreams else u for i, u in enumerate(upstreams)]
    given_up = [None if i in none_upstreams else u for i, u in enumerate(upstreams)]
    want_result, want_cache = forward(submission, explicit)
    want_grads = backward(submission, *explicit_up, want_cache)
    torch_result, torch_grads = reference(explicit, *explicit_up)
    torch_result = torch_result if isinstance(torch_result, tuple) else (torch_result,)
    explicit_words = f"{context.split(', with')[0]}, with zeros given for those arguments"
    for got, want, name in zip(want_result if isinstance(want_result, tuple) else (want_result,),
                               torch_result, result_names, strict=True):
        expect_not_all_zero(got, want, f"{fn_name}_forward ({name})", explicit_words)
    for got, want, arg_name in zip(want_grads, torch_grads, arg_names, strict=True):
        expect_not_all_zero(got, want, f"{fn_name}_backward (grad_{arg_name})", explicit_words)
    result, cache = forward(submission, given_)
    results = result if isinstance(result, tuple) else (result,)
    wants = want_result if isinstance(want_result, tuple) else (want_result,)
    for got, want, name in zip(results, wants, result_names, strict=True):
        expect_same(got, want, f"{fn_name}_forward", name, context)
    grads = backward(submission, *given_up, cache)
    for got, want, arg, arg_name in zip(grads, want_grads, given_, arg_names, strict=True):
        if arg is None:
            expect_none(got, f"{fn_name}_backward", f"grad_{arg_name}", arg_name)
        else:
            expect_same(got, want, f"{fn_name}_backward", f"grad_{arg_name}", context)


def expect_not_all_zero(actual, expected, name, context):
    expect(isinstance(actual, np.ndarray) and actual.shape == expected.shape,
           f"{name} {context} should return an array of shape {expected.shape}.")
    expect(bool(np.any(actual != 0)) or not np.any(expected != 0),
           f"{name} {context} returned only zeros; torch's values are not all zero.")


def none_words(names, base):
    return f"{base}, with {', '.join(names)} = None"


LSTM_CELL_NONES = [("bias_ih",), ("bias_hh",), ("bias_ih", "bias_hh"), ("grad_c_next",),
                   ("bias_ih", "bias_hh", "grad_c_next")]


@check("lstm_none_arguments", "lstm_cell_backward")
@pytest.mark.parametrize("names", LSTM_CELL_NONES, ids="+".join)
def test_lstm_cell_none_arguments(submission, names):
    N, In, H = 3, 2, 4
    full = cell_inputs("lstm", N, In, H, 50)
    nones = [LSTM_CELL_ARGS.index(n) for n in names if n in LSTM_CELL_ARGS]
    none_up = [1] if "grad_c_next" in names else []
    compare_with_explicit(submission, "lstm_cell", lstm_cell_forward, lstm_cell_backward,
                          lstm_cell_reference, full,
                          nones, [upstream((N, H), 51), upstream((N, H), 52)], none_up,
                          LSTM_CELL_ARGS, ("h_next", "c_next"),
                          none_words(names, cell_words(N, In, H)))


LSTM_NONES = [("h0",), ("c0",), ("h0", "c0"), ("bias_ih",), ("bias_hh",),
              ("grad_h_n",), ("grad_c_n",), ("grad_h_n", "grad_c_n"),
              ("h0", "c0", "bias_ih", "bias_hh", "grad_h_n", "grad_c_n")]


@check("lstm_none_arguments", "lstm_backward")
@pytest.mark.parametrize("names", LSTM_NONES, ids="+".join)
def test_lstm_none_arguments(submission, names):
    N, T, In, H = 3, 4, 2, 5
    full = seq_inputs("lstm", N, T, In, H, 60)
    nones = [LSTM_ARGS.index(n) for n in names if n in LSTM_ARGS]
    none_up = [i for i, n in ((1, "grad_h_n"), (2, "grad_c_n")) if n in names]
    upstreams = [upstream((N, T, H), 61), upstream((N, H), 62), upstream((N, H), 63)]
    compare_with_explicit(submission, "lstm", lstm_forward, lstm_backward, lstm_reference,
                          full, nones,
                          upstreams, none_up, LSTM_ARGS, ("output", "h_n", "c_n"),
                          none_words(names, seq_words(N, T, In, H)))


GRU_CELL_NONES = [("bias_ih",), ("bias_hh",), ("bias_ih", "bias_hh")]
GRU_NONES = [("h0",), ("bias_ih",), ("bias_hh",), ("grad_h_n",),
             ("h0", "bias_ih", "bias_hh", "grad_h_n")]


@check("gru_none_arguments", "gru_cell_backward")
@pytest.mark.parametrize("names", GRU_CELL_NONES, ids="+".join)
def test_gru_cell_none_arguments(submission, names):
    N, In, H = 3, 2, 4
    full = cell_inputs("gru", N, In, H, 55)
    nones = [GRU_CELL_ARGS.index(n) for n in names]
    compare_with_explicit(submission, "gru_cell", gru_cell_forward, gru_cell_backward,
                          gru_cell_reference, full,
                          nones, [upstream((N, H), 56)], [], GRU_CELL_ARGS, ("h_next",),
                          none_words(names, cell_words(N, In, H)))


@check("gru_none_arguments", "gru_backward")
@pytest.mark.parametrize("names", GRU_NONES, ids="+".join)
def test_gru_none_arguments(submission, names):
    N, T, In, H = 3, 4, 2, 5
    full = seq_inputs("gru", N, T, In, H, 65)
    nones = [GRU_ARGS.index(n) for n in names if n in GRU_ARGS]
    none_up = [1] if "grad_h_n" in names else []
    upstreams = [upstream((N, T, H), 66), upstream((N, H), 67)]
    compare_with_explicit(submission, "gru", gru_forward, gru_backward, gru_reference, full,
                          nones, upstreams,
                          none_up, GRU_ARGS, ("output", "h_n"),
                          none_words(names, seq_words(N, T, In, H)))


# ----------------------------------------------------------------------------- stability

def large(kind, N, T, In, H, seed):
    """Inputs whose gate pre-activations reach the thousands (every gate saturated)."""
    x, *rest = seq_inputs(kind, N, T, In, H, seed)
    return (x * 1000, *rest)


@pytest.mark.parametrize("kind", ["lstm", "gru"])
@check("stable", "lstm_forward")
def test_stable_for_large_pre_activations(submission, kind):
    N, T, In, H = 2, 4, 3, 4
    inputs = large(kind, N, T, In, H, 80)
    context = (f"for {kind.upper()} inputs of magnitude ~1000 (gate pre-activations in the "
               "thousands)")
    if kind == "lstm":
        upstreams = upstream((N, T, H), 81), upstream((N, H), 82), upstream((N, H), 83)
        want, want_grads = lstm_reference(inputs, *upstreams)
        result, cache = lstm_forward(submission, inputs)
        expect_no_warnings(submission.gated.last.warnings, "lstm_forward", context=context)
        grads = lstm_backward(submission, *upstreams, cache)
        names, results = LSTM_GRADS, ("output", "h_n", "c_n")
    else:
        upstreams = upstream((N, T, H), 81), upstream((N, H), 82)
        want, want_grads = gru_reference(inputs, *upstreams)
        result, cache = gru_forward(submission, inputs)
        expect_no_warnings(submission.gated.last.warnings, "gru_forward", context=context)
        grads = gru_backward(submission, *upstreams, cache)
        names, results = GRU_GRADS, ("output", "h_n")
    expect_no_warnings(submission.gated.last.warnings, f"{kind}_backward", context=context)
    for got, expected, name in zip(result, want, results, strict=True):
        expect_array(got, expected, f"{kind}_forward ({name})", context=context)
    expect_grads(grads, want_grads, names, f"{kind}_backward", context)


# ----------------------------------------------------------------------------- dtypes, in place
# Each property check also holds the values it ran on to torch (the default
# paths: states and biases given), so that a submission returning zeros of
# the right dtype, or leaving its inputs alone by doing nothing, earns nothing.

def as64(values):
    return [None if v is None else np.asarray(v, dtype=np.float64) for v in values]


def run_everything(submission, dtype, seed):
    """Every function once, forward then backward: ``[(fn, results, expected, names)]``."""
    N, T, In, H = 3, 4, 2, 5
    runs = []
    inputs = cell_inputs("lstm", N, In, H, seed, dtype)
    ups = upstream((N, H), seed + 1, dtype), upstream((N, H), seed + 2, dtype)
    (h, c), cache = lstm_cell_forward(submission, inputs)
    runs.append(("lstm_cell_forward", (h, c), submission.gated.last.mutated, LSTM_CELL_ARGS,
                 lstm_cell_reference(as64(inputs), *as64(ups))[0], ("h_next", "c_next")))
    grads = lstm_cell_backward(submission, *ups, cache)
    runs.append(("lstm_cell_backward", grads, submission.gated.last.mutated,
                 ("grad_h_next", "grad_c_next", None),
                 lstm_cell_reference(as64(inputs), *as64(ups))[1], LSTM_CELL_GRADS))

    inputs = seq_inputs("lstm", N, T, In, H, seed, dtype)
    ups = (upstream((N, T, H), seed + 3, dtype), upstream((N, H), seed + 4, dtype),
           upstream((N, H), seed + 5, dtype))
    want, want_grads = lstm_reference(as64(inputs), *as64(ups))
    result, cache = lstm_forward(submission, inputs)
    runs.append(("lstm_forward", result, submission.gated.last.mutated, LSTM_ARGS, want,
                 ("output", "h_n", "c_n")))
    grads = lstm_backward(submission, *ups, cache)
    runs.append(("lstm_backward", grads, submission.gated.last.mutated,
                 ("grad_output", "grad_h_n", "grad_c_n", None), want_grads, LSTM_GRADS))

    inputs = cell_inputs("gru", N, In, H, seed, dtype)
    up = upstream((N, H), seed + 6, dtype)
    want, want_grads = gru_cell_reference(as64(inputs), *as64([up]))
    h, cache = gru_cell_forward(submission, inputs)
    runs.append(("gru_cell_forward", (h,), submission.gated.last.mutated, GRU_CELL_ARGS,
                 (want,), ("h_next",)))
    grads = gru_cell_backward(submission, up, cache)
    runs.append(("gru_cell_backward", grads, submission.gated.last.mutated,
                 ("grad_h_next", None), want_grads, GRU_CELL_GRADS))

    inputs = seq_inputs("gru", N, T, In, H, seed, dtype)
    ups = upstream((N, T, H), seed + 7, dtype), upstream((N, H), seed + 8, dtype)
    want, want_grads = gru_reference(as64(inputs), *as64(ups))
    result, cache = gru_forward(submission, inputs)
    runs.append(("gru_forward", result, submission.gated.last.mutated, GRU_ARGS, want,
                 ("output", "h_n")))
    grads = gru_backward(submission, *ups, cache)
    runs.append(("gru_backward", grads, submission.gated.last.mutated,
                 ("grad_output", "grad_h_n", None), want_grads, GRU_GRADS))
    return runs


@check("float32", "lstm_forward")
def test_float32(submission):
    context = "for float32 inputs"
    for fn, results, _, _, wants, names in run_everything(submission, np.float32, 100):
        for got, want, name in zip(results, wants, names, strict=True):
            expect_dtype(got, np.float32, f"{fn} ({name})", context=context)
            expect_array(got.astype(np.float64), want, f"{fn} ({name})", context=context,
                         **FLOAT32)


@check("float32", "lstm_forward")
@pytest.mark.parametrize("kind", ["lstm", "gru"])
def test_float32_without_initial_state(submission, kind):
    """h0 (and c0) None: the zeros made for them must not turn float32 into float64."""
    N, T, In, H = 2, 3, 2, 4
    inputs = list(seq_inputs(kind, N, T, In, H, 110, np.float32))
    states = 2 if kind == "lstm" else 1
    inputs[1:1 + states] = [None] * states
    context = f"for float32 inputs with h0{' and c0' if kind == 'lstm' else ''} None"
    fwd, bwd = (lstm_forward, lstm_backward) if kind == "lstm" else (gru_forward, gru_backward)
    result, cache = fwd(submission, inputs)
    for got in result:
        expect_dtype(got, np.float32, f"{kind}_forward", context=context)
    grads = bwd(submission, upstream((N, T, H), 111, np.float32), *[None] * states, cache)
    for got, arg, name in zip(grads, inputs, grad_names(LSTM_ARGS if kind == "lstm" else GRU_ARGS),
                              strict=True):
        if arg is not None:
            expect_dtype(got, np.float32, f"{kind}_backward ({name})", context=context)


@check("inputs_unmodified", "lstm_forward")
def test_inputs_unmodified(submission):
    for fn, results, mutated, arg_names, wants, names in run_everything(submission, np.float64,
                                                                       120):
        expect_unmodified(mutated, fn, arg_names)
        if fn.endswith("_backward"):  # the cache is the last argument
            cache_untouched(mutated, fn, position=len(arg_names) - 1)
        for got, want, name in zip(results, wants, names, strict=True):
            expect_array(got, want, f"{fn} ({name})", context="for float64 inputs")
