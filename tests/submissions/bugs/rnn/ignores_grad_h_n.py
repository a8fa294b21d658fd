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
    ### BEGIN SOLUTION
    pre = x @ weight_ih.T + h @ weight_hh.T
    if bias_ih is not None:
        pre = pre + bias_ih
    if bias_hh is not None:
        pre = pre + bias_hh
    h_next = np.tanh(pre)
    cache = (x, h, weight_ih, weight_hh, h_next, bias_ih is not None, bias_hh is not None)
    return h_next, cache
    ### END SOLUTION


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
    ### BEGIN SOLUTION
    x, h, weight_ih, weight_hh, h_next, has_bias_ih, has_bias_hh = cache
    grad_pre = grad_h_next * (1 - h_next * h_next)  # through tanh, (N, H)
    grad_x = grad_pre @ weight_ih
    grad_h = grad_pre @ weight_hh
    grad_weight_ih = grad_pre.T @ x
    grad_weight_hh = grad_pre.T @ h
    grad_bias = grad_pre.sum(axis=0)  # both biases enter the same sum
    grad_bias_ih = grad_bias if has_bias_ih else None
    grad_bias_hh = grad_bias.copy() if has_bias_hh else None
    return grad_x, grad_h, grad_weight_ih, grad_weight_hh, grad_bias_ih, grad_bias_hh
    ### END SOLUTION


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
    ### BEGIN SOLUTION
    N, T, _ = x.shape
    H = weight_hh.shape[0]
    h_init = np.zeros((N, H), dtype=x.dtype) if h0 is None else h0
    # The input half of every step does not depend on h: one matmul for all t.
    x_proj = x @ weight_ih.T  # (N, T, H)
    if bias_ih is not None:
        x_proj = x_proj + bias_ih
    if bias_hh is not None:
        x_proj = x_proj + bias_hh
    output = np.empty((N, T, H), dtype=x_proj.dtype)
    h = h_init
    for t in range(T):
        h = np.tanh(x_proj[:, t] + h @ weight_hh.T)
        output[:, t] = h
    h_n = output[:, -1].copy()
    cache = (x, h_init, h0 is None, weight_ih, weight_hh, output,
             bias_ih is not None, bias_hh is not None)
    return (output, h_n), cache
    ### END SOLUTION


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
    ### BEGIN SOLUTION
    x, h_init, h0_was_none, weight_ih, weight_hh, output, has_bias_ih, has_bias_hh = cache
    T = output.shape[1]
    # Backpropagation through time: grad_h is the gradient reaching h_t from
    # the future (through h_{t+1}, ..., and h_n); add the step's own gradient.
    grad_h = np.zeros_like(output[:, -1])
    grad_pre = np.empty_like(output)  # gradient of each step's tanh argument
    for t in reversed(range(T)):
        grad_h = grad_h + grad_output[:, t]
        grad_pre[:, t] = grad_h * (1 - output[:, t] * output[:, t])
        grad_h = grad_pre[:, t] @ weight_hh
    # Everything else is a sum over batch and time: no loop needed.
    h_prev = np.concatenate([h_init[:, None], output[:, :-1]], axis=1)  # h_{t-1}
    grad_x = grad_pre @ weight_ih
    grad_weight_ih = np.tensordot(grad_pre, x, axes=([0, 1], [0, 1]))
    grad_weight_hh = np.tensordot(grad_pre, h_prev, axes=([0, 1], [0, 1]))
    grad_bias = grad_pre.sum(axis=(0, 1))
    grad_h0 = None if h0_was_none else grad_h
    grad_bias_ih = grad_bias if has_bias_ih else None
    grad_bias_hh = grad_bias.copy() if has_bias_hh else None
    return grad_x, grad_h0, grad_weight_ih, grad_weight_hh, grad_bias_ih, grad_bias_hh
    ### END SOLUTION
