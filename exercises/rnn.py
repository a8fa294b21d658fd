"""Recurrent neural network (tanh RNN): forward and backward passes in NumPy.

The parameters use PyTorch's layout (``torch.nn.RNN`` / ``torch.nn.RNNCell``
with ``nonlinearity='tanh'``), for ``I`` input features and ``H`` hidden units:

* ``weight_ih (H, I)``: input-to-hidden weights,
* ``weight_hh (H, H)``: hidden-to-hidden weights,
* ``bias_ih (H,)`` and ``bias_hh (H,)``: two biases, each optional (``None``).

One step of the recurrence is

    h_next = tanh(x @ weight_ih.T + bias_ih + h @ weight_hh.T + bias_hh)

and sequences are batch first: ``x (N, T, I)``, as with ``batch_first=True``.

Every forward returns ``(out, cache)``; the matching backward takes the
upstream gradient(s) and that ``cache``, and returns the gradients in the
order of the forward's array arguments, with ``None`` for an argument that
was ``None``. ``cache`` is yours: keep whatever your backward needs. Never
modify an input in place, and keep the input's floating dtype (float32 in,
float32 out).
"""

import numpy as np


def rnn_cell_forward(x, h, weight_ih, weight_hh, bias_ih=None, bias_hh=None):
    """One step of a tanh RNN, like ``torch.nn.RNNCell``.

    ``h_next = tanh(x @ weight_ih.T + bias_ih + h @ weight_hh.T + bias_hh)``,
    where a bias that is ``None`` is left out.

    Args:
        x: input at this step, shape ``(N, I)``.
        h: hidden state from the previous step, shape ``(N, H)``.
        weight_ih: input-to-hidden weights, shape ``(H, I)``.
        weight_hh: hidden-to-hidden weights, shape ``(H, H)``.
        bias_ih: shape ``(H,)``, or ``None`` for no bias.
        bias_hh: shape ``(H,)``, or ``None`` for no bias.

    Returns:
        h_next: the new hidden state, shape ``(N, H)``, values in [-1, 1], the
            dtype of ``x``.
        cache: whatever ``rnn_cell_backward`` needs.
    """
    raise NotImplementedError("rnn_cell_forward is not implemented yet")


def rnn_cell_backward(grad_h_next, cache):
    """Gradients of ``rnn_cell_forward`` with respect to all its arrays.

    Args:
        grad_h_next: upstream gradient, shape ``(N, H)`` like ``h_next``.
        cache: what ``rnn_cell_forward`` returned.

    Returns:
        grad_x: shape ``(N, I)``.
        grad_h: shape ``(N, H)``.
        grad_weight_ih: shape ``(H, I)``.
        grad_weight_hh: shape ``(H, H)``.
        grad_bias_ih: shape ``(H,)``, or ``None`` if ``bias_ih`` was ``None``.
        grad_bias_hh: shape ``(H,)``, or ``None`` if ``bias_hh`` was ``None``.
    """
    raise NotImplementedError("rnn_cell_backward is not implemented yet")


def rnn_forward(x, h0, weight_ih, weight_hh, bias_ih=None, bias_hh=None):
    """A tanh RNN over a whole sequence, like ``torch.nn.RNN(batch_first=True)``.

    For ``t = 0, ..., T-1`` (with ``h_{-1} = h0``):

        ``h_t = tanh(x[:, t] @ weight_ih.T + bias_ih + h_{t-1} @ weight_hh.T + bias_hh)``

    ``output[:, t] = h_t`` and ``h_n = h_{T-1}``. A loop over the time steps
    is expected (the recurrence is sequential); the batch is never looped over.

    Args:
        x: input sequence, shape ``(N, T, I)`` with ``T >= 1``.
        h0: initial hidden state, shape ``(N, H)``, or ``None`` for zeros.
        weight_ih: input-to-hidden weights, shape ``(H, I)``.
        weight_hh: hidden-to-hidden weights, shape ``(H, H)``.
        bias_ih: shape ``(H,)``, or ``None`` for no bias.
        bias_hh: shape ``(H,)``, or ``None`` for no bias.

    Returns:
        (output, h_n): ``output`` of shape ``(N, T, H)``, every hidden state,
            and ``h_n`` of shape ``(N, H)``, the last one; the dtype of ``x``.
        cache: whatever ``rnn_backward`` needs.
    """
    raise NotImplementedError("rnn_forward is not implemented yet")


def rnn_backward(grad_output, grad_h_n, cache):
    """Gradients of ``rnn_forward`` with respect to all its arrays.

    ``h_n`` holds the same values as ``output[:, -1]``, and both outputs may
    carry upstream gradient.

    Args:
        grad_output: upstream gradient of ``output``, shape ``(N, T, H)``.
        grad_h_n: upstream gradient of ``h_n``, shape ``(N, H)``, or ``None``
            (no gradient flows into ``h_n``).
        cache: what ``rnn_forward`` returned.

    Returns:
        grad_x: shape ``(N, T, I)``.
        grad_h0: shape ``(N, H)``, or ``None`` if ``h0`` was ``None``.
        grad_weight_ih: shape ``(H, I)``.
        grad_weight_hh: shape ``(H, H)``.
        grad_bias_ih: shape ``(H,)``, or ``None`` if ``bias_ih`` was ``None``.
        grad_bias_hh: shape ``(H,)``, or ``None`` if ``bias_hh`` was ``None``.
    """
    raise NotImplementedError("rnn_backward is not implemented yet")
