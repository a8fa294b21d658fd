"""Gated recurrent networks, LSTM and GRU: forward and backward passes in NumPy.

The parameters use PyTorch's layouts (``torch.nn.LSTM`` / ``LSTMCell`` and
``torch.nn.GRU`` / ``GRUCell``), for ``I`` input features, ``H`` hidden units
and ``G`` gates (``G = 4`` for the LSTM, ``3`` for the GRU):

* ``weight_ih (G*H, I)``: input-to-hidden weights of all gates, stacked,
* ``weight_hh (G*H, H)``: hidden-to-hidden weights, stacked the same way,
* ``bias_ih (G*H,)`` and ``bias_hh (G*H,)``: two biases, each optional (``None``).

The gates are stacked in torch's order: rows ``[0, H)`` are the first gate,
``[H, 2H)`` the second, and so on. LSTM: input ``i``, forget ``f``, cell
candidate ``g``, output ``o``. GRU: reset ``r``, update ``z``, new ``n``.
Sequences are batch first: ``x (N, T, I)``, as with ``batch_first=True``.

Every forward returns ``(out, cache)``; the matching backward takes the
upstream gradient(s) and that ``cache``, and returns the gradients in the
order of the forward's array arguments, with ``None`` for an argument that
was ``None``. ``cache`` is yours: keep whatever your backward needs. Never
modify an input (or what your cache holds of it) in place, and keep the
input's floating dtype (float32 in, float32 out). A loop over the time steps
is expected; the batch and the gates are never looped over.

Stability: finite, with no overflow warning, however large the gates'
pre-activations (a sigmoid written as ``1 / (1 + exp(-a))`` overflows for
very negative ``a``; the provided ``_sigmoid`` at the end of this file does not).
"""

import numpy as np


def lstm_cell_forward(x, h, c, weight_ih, weight_hh, bias_ih=None, bias_hh=None):
    """One step of an LSTM, like ``torch.nn.LSTMCell``.

    With ``a = x @ weight_ih.T + bias_ih + h @ weight_hh.T + bias_hh`` split
    into four blocks of ``H`` columns, ``a_i, a_f, a_g, a_o`` (a ``None`` bias
    is left out):

        ``i = sigmoid(a_i)``, ``f = sigmoid(a_f)``, ``g = tanh(a_g)``, ``o = sigmoid(a_o)``
        ``c_next = f * c + i * g``
        ``h_next = o * tanh(c_next)``

    Args:
        x: input at this step, shape ``(N, I)``.
        h: hidden state from the previous step, shape ``(N, H)``.
        c: cell state from the previous step, shape ``(N, H)``.
        weight_ih: shape ``(4H, I)``.
        weight_hh: shape ``(4H, H)``.
        bias_ih: shape ``(4H,)``, or ``None`` for no bias.
        bias_hh: shape ``(4H,)``, or ``None`` for no bias.

    Returns:
        (h_next, c_next): each of shape ``(N, H)``, the dtype of ``x``.
        cache: whatever ``lstm_cell_backward`` needs.
    """
    raise NotImplementedError("lstm_cell_forward is not implemented yet")


def lstm_cell_backward(grad_h_next, grad_c_next, cache):
    """Gradients of ``lstm_cell_forward`` with respect to all its arrays.

    Args:
        grad_h_next: upstream gradient of ``h_next``, shape ``(N, H)``.
        grad_c_next: upstream gradient of ``c_next``, shape ``(N, H)``, or
            ``None`` (no gradient flows into ``c_next``).
        cache: what ``lstm_cell_forward`` returned.

    Returns:
        grad_x ``(N, I)``, grad_h ``(N, H)``, grad_c ``(N, H)``,
        grad_weight_ih ``(4H, I)``, grad_weight_hh ``(4H, H)``,
        grad_bias_ih ``(4H,)`` and grad_bias_hh ``(4H,)``; a bias's gradient
        is ``None`` if that bias was ``None``.
    """
    raise NotImplementedError("lstm_cell_backward is not implemented yet")


def lstm_forward(x, h0, c0, weight_ih, weight_hh, bias_ih=None, bias_hh=None):
    """An LSTM over a whole sequence, like ``torch.nn.LSTM(batch_first=True)``.

    Runs ``lstm_cell_forward``'s recurrence for ``t = 0, ..., T-1`` from
    ``(h0, c0)``: ``output[:, t]`` is ``h_t``, and ``h_n``, ``c_n`` are the
    hidden and cell states after the last step.

    Args:
        x: input sequence, shape ``(N, T, I)`` with ``T >= 1``.
        h0: initial hidden state, shape ``(N, H)``, or ``None`` for zeros.
        c0: initial cell state, shape ``(N, H)``, or ``None`` for zeros.
        weight_ih: shape ``(4H, I)``.
        weight_hh: shape ``(4H, H)``.
        bias_ih: shape ``(4H,)``, or ``None`` for no bias.
        bias_hh: shape ``(4H,)``, or ``None`` for no bias.

    Returns:
        (output, h_n, c_n): ``output (N, T, H)``, ``h_n (N, H)`` and
            ``c_n (N, H)``, the dtype of ``x``.
        cache: whatever ``lstm_backward`` needs.
    """
    raise NotImplementedError("lstm_forward is not implemented yet")


def lstm_backward(grad_output, grad_h_n, grad_c_n, cache):
    """Gradients of ``lstm_forward`` with respect to all its arrays.

    ``h_n`` holds the same values as ``output[:, -1]``; ``output``, ``h_n``
    and ``c_n`` may all carry upstream gradient.

    Args:
        grad_output: upstream gradient of ``output``, shape ``(N, T, H)``.
        grad_h_n: upstream gradient of ``h_n``, shape ``(N, H)``, or ``None``.
        grad_c_n: upstream gradient of ``c_n``, shape ``(N, H)``, or ``None``.
        cache: what ``lstm_forward`` returned.

    Returns:
        grad_x ``(N, T, I)``, grad_h0 ``(N, H)``, grad_c0 ``(N, H)``,
        grad_weight_ih ``(4H, I)``, grad_weight_hh ``(4H, H)``,
        grad_bias_ih ``(4H,)``, grad_bias_hh ``(4H,)``; ``grad_h0``,
        ``grad_c0`` and a bias's gradient are ``None`` if that argument was
        ``None``.
    """
    raise NotImplementedError("lstm_backward is not implemented yet")


def gru_cell_forward(x, h, weight_ih, weight_hh, bias_ih=None, bias_hh=None):
    """One step of a GRU, like ``torch.nn.GRUCell``.

    With the input part ``a = x @ weight_ih.T + bias_ih`` and the hidden part
    ``b = h @ weight_hh.T + bias_hh``, each split into blocks ``r, z, n`` of
    ``H`` columns (a ``None`` bias is left out):

        ``r = sigmoid(a_r + b_r)``, ``z = sigmoid(a_z + b_z)``
        ``n = tanh(a_n + r * b_n)``          (r multiplies ``h @ W_hn.T + b_hn``)
        ``h_next = (1 - z) * n + z * h``

    Args:
        x: input at this step, shape ``(N, I)``.
        h: hidden state from the previous step, shape ``(N, H)``.
        weight_ih: shape ``(3H, I)``.
        weight_hh: shape ``(3H, H)``.
        bias_ih: shape ``(3H,)``, or ``None`` for no bias.
        bias_hh: shape ``(3H,)``, or ``None`` for no bias.

    Returns:
        h_next: shape ``(N, H)``, the dtype of ``x``.
        cache: whatever ``gru_cell_backward`` needs.
    """
    raise NotImplementedError("gru_cell_forward is not implemented yet")


def gru_cell_backward(grad_h_next, cache):
    """Gradients of ``gru_cell_forward`` with respect to all its arrays.

    Args:
        grad_h_next: upstream gradient, shape ``(N, H)`` like ``h_next``.
        cache: what ``gru_cell_forward`` returned.

    Returns:
        grad_x ``(N, I)``, grad_h ``(N, H)``, grad_weight_ih ``(3H, I)``,
        grad_weight_hh ``(3H, H)``, grad_bias_ih ``(3H,)`` and grad_bias_hh
        ``(3H,)``; a bias's gradient is ``None`` if that bias was ``None``.
    """
    raise NotImplementedError("gru_cell_backward is not implemented yet")


def gru_forward(x, h0, weight_ih, weight_hh, bias_ih=None, bias_hh=None):
    """A GRU over a whole sequence, like ``torch.nn.GRU(batch_first=True)``.

    Runs ``gru_cell_forward``'s recurrence for ``t = 0, ..., T-1`` from
    ``h0``: ``output[:, t]`` is ``h_t`` and ``h_n`` is the last one.

    Args:
        x: input sequence, shape ``(N, T, I)`` with ``T >= 1``.
        h0: initial hidden state, shape ``(N, H)``, or ``None`` for zeros.
        weight_ih: shape ``(3H, I)``.
        weight_hh: shape ``(3H, H)``.
        bias_ih: shape ``(3H,)``, or ``None`` for no bias.
        bias_hh: shape ``(3H,)``, or ``None`` for no bias.

    Returns:
        (output, h_n): ``output (N, T, H)`` and ``h_n (N, H)``, the dtype of ``x``.
        cache: whatever ``gru_backward`` needs.
    """
    raise NotImplementedError("gru_forward is not implemented yet")


def gru_backward(grad_output, grad_h_n, cache):
    """Gradients of ``gru_forward`` with respect to all its arrays.

    ``h_n`` holds the same values as ``output[:, -1]``, and both may carry
    upstream gradient.

    Args:
        grad_output: upstream gradient of ``output``, shape ``(N, T, H)``.
        grad_h_n: upstream gradient of ``h_n``, shape ``(N, H)``, or ``None``.
        cache: what ``gru_forward`` returned.

    Returns:
        grad_x ``(N, T, I)``, grad_h0 ``(N, H)``, grad_weight_ih ``(3H, I)``,
        grad_weight_hh ``(3H, H)``, grad_bias_ih ``(3H,)``, grad_bias_hh
        ``(3H,)``; ``grad_h0`` and a bias's gradient are ``None`` if that
        argument was ``None``.
    """
    raise NotImplementedError("gru_backward is not implemented yet")


def _sigmoid(a):
    """``1 / (1 + exp(-a))`` without overflow (provided): ``exp`` only ever sees ``-|a|``."""
    e = np.exp(-np.abs(a))
    return np.where(a >= 0, 1 / (1 + e), e / (1 + e))
