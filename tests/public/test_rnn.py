"""Public checks for rnn.py: small fixed cases, held to torch.

They show that your code runs and gives the right shapes and values on easy
inputs. They are not your grade: the hidden checks try many more shapes,
sequence lengths, None arguments, dtypes and edge cases.
"""

import numpy as np
import pytest

from grader.feedback.expect import expect_array, expect_pair, expect_tuple
from tests import oracle
from tests.oracle import torch
from tests.strategies import random_array, upstream

CELL_GRADS = "grad_x, grad_h, grad_weight_ih, grad_weight_hh, grad_bias_ih, grad_bias_hh"
RNN_GRADS = "grad_x, grad_h0, grad_weight_ih, grad_weight_hh, grad_bias_ih, grad_bias_hh"
CELL_ARGS = ("x", "h", "weight_ih", "weight_hh", "bias_ih", "bias_hh")
RNN_ARGS = ("x", "h0", "weight_ih", "weight_hh", "bias_ih", "bias_hh")


def _params(weight_ih, weight_hh, bias_ih, bias_hh):
    """torch's parameter dict; a None bias is a zero that takes no gradient."""
    zeros = torch.zeros(weight_hh.shape[0], dtype=weight_hh.dtype)
    return {"weight_ih": weight_ih, "weight_hh": weight_hh,
            "bias_ih": zeros if bias_ih is None else bias_ih,
            "bias_hh": zeros if bias_hh is None else bias_hh}


def torch_rnn_cell(x, h, weight_ih, weight_hh, bias_ih=None, bias_hh=None):
    """``torch.nn.RNNCell(I, H, nonlinearity='tanh')`` with these parameters."""
    H, In = weight_ih.shape
    cell = torch.nn.RNNCell(In, H, nonlinearity="tanh", dtype=x.dtype)
    return torch.func.functional_call(cell, _params(weight_ih, weight_hh, bias_ih, bias_hh),
                                      (x, h))


def torch_rnn(x, h0, weight_ih, weight_hh, bias_ih=None, bias_hh=None):
    """``torch.nn.RNN(I, H, batch_first=True)`` with these parameters.

    Returns ``output`` and ``h_n`` stacked as one ``(N, T + 1, H)`` tensor (``h_n``
    last), so that one upstream gradient (see ``stack``) drives both.
    """
    H, In = weight_ih.shape
    rnn = torch.nn.RNN(In, H, batch_first=True, nonlinearity="tanh", dtype=x.dtype)
    params = {f"{k}_l0": v for k, v in _params(weight_ih, weight_hh, bias_ih, bias_hh).items()}
    output, h_n = torch.func.functional_call(
        rnn, params, (x,) if h0 is None else (x, h0[None]))
    return torch.cat([output, h_n.transpose(0, 1)], dim=1)


def stack(output, h_n):
    """``output (N, T, H)`` and ``h_n (N, H)`` (or None: zeros) as one ``(N, T + 1, H)`` array."""
    h_n = np.zeros_like(output[:, 0]) if h_n is None else h_n
    return np.concatenate([output, h_n[:, None]], axis=1)


def cell_inputs(N, In, H, seed, dtype=np.float64):
    """``x, h, weight_ih, weight_hh, bias_ih, bias_hh`` of moderate size (tanh not saturated)."""
    return (random_array((N, In), seed, 1.0, dtype), random_array((N, H), seed + 1, 0.5, dtype),
            random_array((H, In), seed + 2, 0.5, dtype), random_array((H, H), seed + 3, 0.5, dtype),
            random_array((H,), seed + 4, 0.5, dtype), random_array((H,), seed + 5, 0.5, dtype))


def rnn_inputs(N, T, In, H, seed, dtype=np.float64):
    """``x, h0, weight_ih, weight_hh, bias_ih, bias_hh`` for a sequence of length ``T``."""
    x = random_array((N, T, In), seed + 6, 1.0, dtype)
    return (x, *cell_inputs(N, In, H, seed, dtype)[1:])


def rnn_reference(inputs, grad_output, grad_h_n):
    """torch's ``(output, h_n)`` and the six gradients (None for a None input)."""
    stacked, grads = oracle.vjp(torch_rnn, list(inputs), stack(grad_output, grad_h_n))
    return (stacked[:, :-1], stacked[:, -1]), grads


def expect_grads(grads, expected, names, fn, context, evidence=None):
    for grad, want, name in zip(grads, expected, names, strict=True):
        expect_array(grad, want, f"{fn} ({name})", context=context, evidence=evidence)


@pytest.mark.check("rnn/rnn_cell_forward", fn="rnn_cell_forward")
def test_rnn_cell_forward(submission):
    inputs = cell_inputs(2, 3, 4, 1)
    h_next, _ = expect_pair(submission.rnn.rnn_cell_forward(*inputs), "rnn_cell_forward")
    expect_array(h_next, oracle.value(torch_rnn_cell, *inputs), "rnn_cell_forward",
                 context="for N=2, I=3, H=4")


@pytest.mark.check("rnn/rnn_cell_backward", fn="rnn_cell_backward")
def test_rnn_cell_backward(submission):
    inputs = cell_inputs(2, 3, 4, 2)
    grad = upstream((2, 4), 3)
    _, expected = oracle.vjp(torch_rnn_cell, list(inputs), grad)
    _, cache = expect_pair(submission.rnn.rnn_cell_forward(*inputs), "rnn_cell_forward")
    grads = expect_tuple(submission.rnn.rnn_cell_backward(grad, cache), 6,
                         "rnn_cell_backward", CELL_GRADS)
    expect_grads(grads, expected, CELL_GRADS.split(", "), "rnn_cell_backward",
                 "for N=2, I=3, H=4")


@pytest.mark.check("rnn/rnn_forward", fn="rnn_forward")
def test_rnn_forward(submission):
    inputs = rnn_inputs(2, 3, 3, 4, 4)
    (want_out, want_h_n), _ = rnn_reference(inputs, upstream((2, 3, 4), 5), None)
    result, _ = expect_pair(submission.rnn.rnn_forward(*inputs), "rnn_forward")
    output, h_n = expect_tuple(result, 2, "rnn_forward", "output, h_n as its first item")
    context = "for N=2, T=3, I=3, H=4"
    expect_array(output, want_out, "rnn_forward (output)", context=context)
    expect_array(h_n, want_h_n, "rnn_forward (h_n)", context=context)


@pytest.mark.check("rnn/rnn_backward", fn="rnn_backward")
def test_rnn_backward(submission):
    inputs = rnn_inputs(2, 3, 3, 4, 6)
    grad_output, grad_h_n = upstream((2, 3, 4), 7), upstream((2, 4), 8)
    _, expected = rnn_reference(inputs, grad_output, grad_h_n)
    _, cache = expect_pair(submission.rnn.rnn_forward(*inputs), "rnn_forward")
    grads = expect_tuple(submission.rnn.rnn_backward(grad_output, grad_h_n, cache), 6,
                         "rnn_backward", RNN_GRADS)
    expect_grads(grads, expected, RNN_GRADS.split(", "), "rnn_backward",
                 "for N=2, T=3, I=3, H=4, with gradients on both output and h_n")
