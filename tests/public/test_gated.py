"""Public checks for gated.py: small fixed cases, held to torch.

They show that your code runs and gives the right shapes and values on easy
inputs. They are not your grade: the hidden checks try many more shapes,
sequence lengths, None arguments, dtypes, stacked layers and large inputs.
"""

import numpy as np
import pytest

from grader.feedback.expect import expect_array, expect_pair, expect_tuple
from tests import oracle
from tests.oracle import torch
from tests.strategies import random_array, upstream

GATES = {"lstm": 4, "gru": 3}
LSTM_CELL_ARGS = ("x", "h", "c", "weight_ih", "weight_hh", "bias_ih", "bias_hh")
LSTM_ARGS = ("x", "h0", "c0", "weight_ih", "weight_hh", "bias_ih", "bias_hh")
GRU_CELL_ARGS = ("x", "h", "weight_ih", "weight_hh", "bias_ih", "bias_hh")
GRU_ARGS = ("x", "h0", "weight_ih", "weight_hh", "bias_ih", "bias_hh")


def grad_names(arg_names):
    return tuple(f"grad_{name}" for name in arg_names)


def _params(weight_ih, weight_hh, bias_ih, bias_hh, suffix=""):
    """torch's parameter dict; a None bias is a zero that takes no gradient."""
    zeros = torch.zeros(weight_hh.shape[0], dtype=weight_hh.dtype)
    params = {"weight_ih": weight_ih, "weight_hh": weight_hh,
              "bias_ih": zeros if bias_ih is None else bias_ih,
              "bias_hh": zeros if bias_hh is None else bias_hh}
    return {name + suffix: value for name, value in params.items()}


def torch_lstm_cell(x, h, c, weight_ih, weight_hh, bias_ih=None, bias_hh=None):
    """``torch.nn.LSTMCell``: ``h_next`` and ``c_next`` side by side, ``(N, 2H)``."""
    H, In = weight_hh.shape[1], weight_ih.shape[1]
    cell = torch.nn.LSTMCell(In, H, dtype=x.dtype)
    h_next, c_next = torch.func.functional_call(
        cell, _params(weight_ih, weight_hh, bias_ih, bias_hh), (x, (h, c)))
    return torch.cat([h_next, c_next], dim=1)


def torch_gru_cell(x, h, weight_ih, weight_hh, bias_ih=None, bias_hh=None):
    """``torch.nn.GRUCell`` with these parameters: ``h_next (N, H)``."""
    H, In = weight_hh.shape[1], weight_ih.shape[1]
    cell = torch.nn.GRUCell(In, H, dtype=x.dtype)
    return torch.func.functional_call(cell, _params(weight_ih, weight_hh, bias_ih, bias_hh),
                                      (x, h))


def torch_lstm(x, h0, c0, weight_ih, weight_hh, bias_ih=None, bias_hh=None):
    """``torch.nn.LSTM(batch_first=True)``: ``output``, ``h_n``, ``c_n`` as one ``(N, T + 2, H)``.

    ``h0`` and ``c0`` are both given or both None (torch takes the pair or nothing).
    """
    H, In = weight_hh.shape[1], weight_ih.shape[1]
    lstm = torch.nn.LSTM(In, H, batch_first=True, dtype=x.dtype)
    params = _params(weight_ih, weight_hh, bias_ih, bias_hh, "_l0")
    state = () if h0 is None else ((h0[None], c0[None]),)
    output, (h_n, c_n) = torch.func.functional_call(lstm, params, (x, *state))
    return torch.cat([output, h_n.transpose(0, 1), c_n.transpose(0, 1)], dim=1)


def torch_gru(x, h0, weight_ih, weight_hh, bias_ih=None, bias_hh=None):
    """``torch.nn.GRU(batch_first=True)``: ``output`` and ``h_n`` as one ``(N, T + 1, H)``."""
    H, In = weight_hh.shape[1], weight_ih.shape[1]
    gru = torch.nn.GRU(In, H, batch_first=True, dtype=x.dtype)
    params = _params(weight_ih, weight_hh, bias_ih, bias_hh, "_l0")
    output, h_n = torch.func.functional_call(gru, params, (x,) if h0 is None else (x, h0[None]))
    return torch.cat([output, h_n.transpose(0, 1)], dim=1)


def stack(output, *finals):
    """``output (N, T, H)`` then each final state ``(N, H)`` (None: zeros), on axis 1."""
    finals = [np.zeros_like(output[:, 0]) if f is None else f for f in finals]
    return np.concatenate([output, *(f[:, None] for f in finals)], axis=1)


def cell_inputs(kind, N, In, H, seed, dtype=np.float64):
    """``x, h, [c,] weight_ih, weight_hh, bias_ih, bias_hh`` of moderate size."""
    G = GATES[kind]
    x, h = random_array((N, In), seed, 1.0, dtype), random_array((N, H), seed + 1, 0.5, dtype)
    c = (random_array((N, H), seed + 2, 1.0, dtype),) if kind == "lstm" else ()
    params = (random_array((G * H, In), seed + 3, 0.5, dtype),
              random_array((G * H, H), seed + 4, 0.5, dtype),
              random_array((G * H,), seed + 5, 0.5, dtype),
              random_array((G * H,), seed + 6, 0.5, dtype))
    return (x, h, *c, *params)


def seq_inputs(kind, N, T, In, H, seed, dtype=np.float64):
    """``x (N, T, I), h0, [c0,] weight_ih, weight_hh, bias_ih, bias_hh``."""
    x = random_array((N, T, In), seed + 7, 1.0, dtype)
    return (x, *cell_inputs(kind, N, In, H, seed, dtype)[1:])


def lstm_reference(inputs, grad_output, grad_h_n, grad_c_n):
    """torch's ``(output, h_n, c_n)`` and the seven gradients (None for a None input)."""
    stacked, grads = oracle.vjp(torch_lstm, list(inputs), stack(grad_output, grad_h_n, grad_c_n))
    return (stacked[:, :-2], stacked[:, -2], stacked[:, -1]), grads


def gru_reference(inputs, grad_output, grad_h_n):
    """torch's ``(output, h_n)`` and the six gradients (None for a None input)."""
    stacked, grads = oracle.vjp(torch_gru, list(inputs), stack(grad_output, grad_h_n))
    return (stacked[:, :-1], stacked[:, -1]), grads


def expect_grads(grads, expected, names, fn, context, evidence=None):
    for grad, want, name in zip(grads, expected, names, strict=True):
        expect_array(grad, want, f"{fn} ({name})", context=context, evidence=evidence)


@pytest.mark.check("gated/lstm_cell_forward", fn="lstm_cell_forward")
def test_lstm_cell_forward(submission):
    inputs = cell_inputs("lstm", 2, 3, 4, 1)
    want = oracle.value(torch_lstm_cell, *inputs)
    result, _ = expect_pair(submission.gated.lstm_cell_forward(*inputs), "lstm_cell_forward")
    h_next, c_next = expect_tuple(result, 2, "lstm_cell_forward",
                                  "h_next, c_next as its first item")
    expect_array(h_next, want[:, :4], "lstm_cell_forward (h_next)", context="for N=2, I=3, H=4")
    expect_array(c_next, want[:, 4:], "lstm_cell_forward (c_next)", context="for N=2, I=3, H=4")


@pytest.mark.check("gated/lstm_backward", fn="lstm_backward")
def test_lstm_backward(submission):
    inputs = seq_inputs("lstm", 2, 3, 3, 4, 2)
    grads_in = upstream((2, 3, 4), 3), upstream((2, 4), 4), upstream((2, 4), 5)
    _, want = lstm_reference(inputs, *grads_in)
    _, cache = expect_pair(submission.gated.lstm_forward(*inputs), "lstm_forward")
    grads = expect_tuple(submission.gated.lstm_backward(*grads_in, cache), 7, "lstm_backward",
                         ", ".join(grad_names(LSTM_ARGS)))
    expect_grads(grads, want, grad_names(LSTM_ARGS), "lstm_backward",
                 "for N=2, T=3, I=3, H=4, with gradients on output, h_n and c_n")


@pytest.mark.check("gated/gru_cell_forward", fn="gru_cell_forward")
def test_gru_cell_forward(submission):
    inputs = cell_inputs("gru", 2, 3, 4, 6)
    h_next, _ = expect_pair(submission.gated.gru_cell_forward(*inputs), "gru_cell_forward")
    expect_array(h_next, oracle.value(torch_gru_cell, *inputs), "gru_cell_forward",
                 context="for N=2, I=3, H=4")


@pytest.mark.check("gated/gru_backward", fn="gru_backward")
def test_gru_backward(submission):
    inputs = seq_inputs("gru", 2, 3, 3, 4, 7)
    grads_in = upstream((2, 3, 4), 8), upstream((2, 4), 9)
    _, want = gru_reference(inputs, *grads_in)
    _, cache = expect_pair(submission.gated.gru_forward(*inputs), "gru_forward")
    grads = expect_tuple(submission.gated.gru_backward(*grads_in, cache), 6, "gru_backward",
                         ", ".join(grad_names(GRU_ARGS)))
    expect_grads(grads, want, grad_names(GRU_ARGS), "gru_backward",
                 "for N=2, T=3, I=3, H=4, with gradients on output and h_n")
