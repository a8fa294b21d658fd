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
    ### BEGIN SOLUTION
    H = weight_hh.shape[1]
    a = x @ weight_ih.T + h @ weight_hh.T
    for bias in (bias_ih, bias_hh):
        if bias is not None:
            a = a + bias
    gates = np.concatenate([_sigmoid(a[:, :2 * H]), np.tanh(a[:, 2 * H:3 * H]),
                            _sigmoid(a[:, 3 * H:])], axis=1)  # i, f | g | o
    i, f, g, o = np.split(gates, 4, axis=1)
    c_next = f * c + i * g
    tanh_c = np.tanh(c_next)
    h_next = o * tanh_c
    cache = (x, h, c, weight_ih, weight_hh, gates, tanh_c, bias_ih is not None,
             bias_hh is not None)
    return (h_next, c_next), cache
    ### END SOLUTION


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
    ### BEGIN SOLUTION
    x, h, c, weight_ih, weight_hh, gates, tanh_c, has_bias_ih, has_bias_hh = cache
    i, f, g, o = np.split(gates, 4, axis=1)
    grad_c_total = grad_h_next * o * (1 - tanh_c * tanh_c)
    if grad_c_next is not None:
        grad_c_total = grad_c_total + grad_c_next
    grad_a = np.concatenate([  # through each gate's nonlinearity
        grad_c_total * g * i * (1 - i),
        grad_c_total * c * f * (1 - f),
        grad_c_total * i * (1 - g * g),
        grad_h_next * tanh_c * o * (1 - o),
    ], axis=1)
    grad_bias = grad_a.sum(axis=0)  # both biases enter the same sum
    return (grad_a @ weight_ih, grad_a @ weight_hh, grad_c_total * f,
            grad_a.T @ x, grad_a.T @ h,
            grad_bias if has_bias_ih else None, grad_bias.copy() if has_bias_hh else None)
    ### END SOLUTION


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
    ### BEGIN SOLUTION
    N, T, _ = x.shape
    H = weight_hh.shape[1]
    h = np.zeros((N, H), dtype=x.dtype) if h0 is None else h0
    c = np.zeros((N, H), dtype=x.dtype) if c0 is None else c0
    # The input half of every step does not depend on h: one matmul for all t.
    a_x = x @ weight_ih.T  # (N, T, 4H)
    for bias in (bias_ih, bias_hh):
        if bias is not None:
            a_x = a_x + bias
    gates = np.empty_like(a_x)
    cells = np.empty((N, T + 1, H), dtype=a_x.dtype)  # c_{-1} = c0, then every c_t
    output = np.empty((N, T, H), dtype=a_x.dtype)
    cells[:, 0], h_prev = c, h
    for t in range(T):
        a = a_x[:, t] + h_prev @ weight_hh.T
        gates[:, t, :2 * H] = _sigmoid(a[:, :2 * H])
        gates[:, t, 2 * H:3 * H] = np.tanh(a[:, 2 * H:3 * H])
        gates[:, t, 3 * H:] = _sigmoid(a[:, 3 * H:])
        i, f, g, o = np.split(gates[:, t], 4, axis=1)
        cells[:, t + 1] = f * cells[:, t] + i * g
        h_prev = output[:, t] = o * np.tanh(cells[:, t + 1])
    cache = (x, h, h0 is None, c0 is None, weight_ih, weight_hh, gates, cells, output,
             bias_ih is not None, bias_hh is not None)
    return (output, output[:, -1].copy(), cells[:, -1].copy()), cache
    ### END SOLUTION


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
    ### BEGIN SOLUTION
    (x, h_init, h0_was_none, c0_was_none, weight_ih, weight_hh, gates, cells, output,
     has_bias_ih, has_bias_hh) = cache
    T = x.shape[1]
    grad_h = np.zeros_like(output[:, 0]) if grad_h_n is None else grad_h_n
    grad_c = np.zeros_like(output[:, 0]) if grad_c_n is None else grad_c_n
    grad_a = np.empty_like(gates)  # gradient of every step's pre-activations
    for t in reversed(range(T)):
        i, f, g, o = np.split(gates[:, t], 4, axis=1)
        grad_h = grad_h + grad_output[:, t]
        tanh_c = np.tanh(cells[:, t + 1])
        grad_c = grad_c + grad_h * o * (1 - tanh_c * tanh_c)
        grad_a[:, t] = np.concatenate([grad_c * g * i * (1 - i),
                                       grad_c * cells[:, t] * f * (1 - f),
                                       grad_c * i * (1 - g * g),
                                       grad_h * tanh_c * o * (1 - o)], axis=1)
        grad_h = grad_a[:, t] @ weight_hh  # into h_{t-1}
        grad_c = grad_c * f  # into c_{t-1}
    # Everything else is a sum over batch and time: no loop needed.
    h_prev = np.concatenate([h_init[:, None], output[:, :-1]], axis=1)  # h_{t-1}
    grad_bias = grad_a.sum(axis=(0, 1))
    return (grad_a @ weight_ih, None if h0_was_none else grad_h,
            None if c0_was_none else grad_c,
            np.tensordot(grad_a, x, axes=([0, 1], [0, 1])),
            np.tensordot(grad_a, h_prev, axes=([0, 1], [0, 1])),
            grad_bias if has_bias_ih else None, grad_bias.copy() if has_bias_hh else None)
    ### END SOLUTION


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
    ### BEGIN SOLUTION
    H = weight_hh.shape[1]
    a = x @ weight_ih.T if bias_ih is None else x @ weight_ih.T + bias_ih
    b = h @ weight_hh.T if bias_hh is None else h @ weight_hh.T + bias_hh
    rz = _sigmoid(a[:, :2 * H] + b[:, :2 * H])
    r, z = rz[:, :H], rz[:, H:]
    n = np.tanh(a[:, 2 * H:] + r * b[:, 2 * H:])
    h_next = (1 - z) * n + z * h
    cache = (x, h, weight_ih, weight_hh, r, z, n, b[:, 2 * H:], bias_ih is not None,
             bias_hh is not None)
    return h_next, cache
    ### END SOLUTION


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
    ### BEGIN SOLUTION
    x, h, weight_ih, weight_hh, r, z, n, b_n, has_bias_ih, has_bias_hh = cache
    grad_a_n = grad_h_next * (1 - z) * (1 - n * n)
    grad_rz = np.concatenate([grad_a_n * b_n * r * (1 - r),
                              grad_h_next * (h - n) * z * (1 - z)], axis=1)
    grad_a = np.concatenate([grad_rz, grad_a_n], axis=1)  # input part
    grad_b = np.concatenate([grad_rz, grad_a_n * r], axis=1)  # hidden part
    grad_h = grad_b @ weight_hh + grad_h_next * z
    return (grad_a @ weight_ih, grad_h, grad_a.T @ x, grad_b.T @ h,
            grad_a.sum(axis=0) if has_bias_ih else None,
            grad_b.sum(axis=0) if has_bias_hh else None)
    ### END SOLUTION


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
    ### BEGIN SOLUTION
    N, T, _ = x.shape
    H = weight_hh.shape[1]
    h = np.zeros((N, H), dtype=x.dtype) if h0 is None else h0
    a = x @ weight_ih.T if bias_ih is None else x @ weight_ih.T + bias_ih  # (N, T, 3H)
    rzn = np.empty_like(a)  # r, z, n of every step
    b_n = np.empty((N, T, H), dtype=a.dtype)  # h_{t-1} @ W_hn.T + b_hn
    output = np.empty((N, T, H), dtype=a.dtype)
    h_prev = h
    for t in range(T):
        b = h_prev @ weight_hh.T if bias_hh is None else h_prev @ weight_hh.T + bias_hh
        rzn[:, t, :2 * H] = _sigmoid(a[:, t, :2 * H] + b[:, :2 * H])
        b_n[:, t] = b[:, 2 * H:]
        rzn[:, t, 2 * H:] = np.tanh(a[:, t, 2 * H:] + rzn[:, t, :H] * b_n[:, t])
        z, n = rzn[:, t, H:2 * H], rzn[:, t, 2 * H:]
        h_prev = output[:, t] = (1 - z) * n + z * h_prev
    cache = (x, h, h0 is None, weight_ih, weight_hh, rzn, b_n, output,
             bias_ih is not None, bias_hh is not None)
    return (output, output[:, -1].copy()), cache
    ### END SOLUTION


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
    ### BEGIN SOLUTION
    x, h_init, h0_was_none, weight_ih, weight_hh, rzn, b_n, output, has_b_ih, has_b_hh = cache
    T, H = x.shape[1], output.shape[2]
    h_prev = np.concatenate([h_init[:, None], output[:, :-1]], axis=1)  # h_{t-1}
    grad_h = np.zeros_like(output[:, 0]) if grad_h_n is None else grad_h_n
    grad_a = np.empty_like(rzn)  # input part of every step's pre-activations
    grad_b = np.empty_like(rzn)  # hidden part
    for t in reversed(range(T)):
        r, z, n = rzn[:, t, :H], rzn[:, t, H:2 * H], rzn[:, t, 2 * H:]
        grad_h = grad_h + grad_output[:, t]
        grad_a_n = grad_h * (1 - z) * (1 - n * n)
        grad_a[:, t, :H] = grad_a_n * b_n[:, t] * r * (1 - r)
        grad_a[:, t, H:2 * H] = grad_h * (h_prev[:, t] - n) * z * (1 - z)
        grad_a[:, t, 2 * H:] = grad_a_n
        grad_b[:, t, :2 * H] = grad_a[:, t, :2 * H]
        grad_b[:, t, 2 * H:] = grad_a_n * r
        grad_h = grad_b[:, t] @ weight_hh + grad_h * z  # into h_{t-1}
    return (grad_a @ weight_ih, None if h0_was_none else grad_h,
            np.tensordot(grad_a, x, axes=([0, 1], [0, 1])),
            np.tensordot(grad_b, h_prev, axes=([0, 1], [0, 1])),
            grad_a.sum(axis=(0, 1)) if has_b_ih else None,
            grad_b.sum(axis=(0, 1)) if has_b_hh else None)
    ### END SOLUTION


def _sigmoid(a):
    """``1 / (1 + exp(-a))`` without overflow (provided): ``exp`` only ever sees ``-|a|``."""
    e = np.exp(-np.abs(a))
    return np.where(a >= 0, 1 / (1 + e), e / (1 + e))
