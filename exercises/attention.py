"""Attention: scaled dot-product and multi-head self-attention in NumPy.

Every forward returns ``(out, cache)``; the matching backward takes the
upstream gradient ``grad_output`` (same shape as ``out``) and that ``cache``,
and returns the gradients with respect to the forward's array arguments, in
their order (``None`` for an argument that was ``None``). ``cache`` is yours:
keep whatever your backward needs. Never modify an input in place, and keep
the input's floating dtype (float32 in, float32 out).

Conventions follow ``torch.nn.functional.scaled_dot_product_attention`` and
``torch.nn.MultiheadAttention(batch_first=True)``. Vectorise over the batch
and the heads with ``@`` (``np.matmul``) or ``np.einsum``: no Python loop over
batch elements, heads or positions.
"""

import math

import numpy as np


def scaled_dot_product_attention_forward(query, key, value, attn_mask=None, is_causal=False):
    """Scaled dot-product attention, ``softmax(query @ key^T / sqrt(E)) @ value``.

    The softmax runs over the key axis ``S``. Positions where the mask is
    False get zero attention weight (as if their score were ``-inf``).

    Masking conventions (torch's):
        * ``attn_mask`` is boolean, True where attention is ALLOWED.
        * ``is_causal=True`` allows key ``j`` for query ``i`` iff ``j <= i``:
          the mask ``tril(ones((L, S)))``, aligned at the top-left corner even
          when ``L != S``. Giving both ``attn_mask`` and ``is_causal=True`` is
          an error.
        * A query row whose keys are all masked gets all-zero weights, so its
          output row is 0 (no NaN).

    Stability: finite, with no overflow warning, for scores of any magnitude a
    float can hold. Softmax does not change when a constant is added to a row;
    use that.

    Args:
        query: array of shape ``(..., L, E)``.
        key: array of shape ``(..., S, E)``, the same leading ``...`` as
            ``query``.
        value: array of shape ``(..., S, Ev)``.
        attn_mask: ``None`` or a boolean array broadcastable to ``(..., L, S)``.
        is_causal: bool, apply the causal mask described above.

    Returns:
        out: array of shape ``(..., L, Ev)``, the dtype of ``query``.
        cache: whatever ``scaled_dot_product_attention_backward`` needs.
    """
    raise NotImplementedError("scaled_dot_product_attention_forward is not implemented yet")


def scaled_dot_product_attention_backward(grad_output, cache):
    """Gradients of ``scaled_dot_product_attention_forward``.

    Masked positions, and fully masked query rows, pass no gradient.

    Args:
        grad_output: upstream gradient, shape ``(..., L, Ev)`` like ``out``.
        cache: what ``scaled_dot_product_attention_forward`` returned.

    Returns:
        grad_query: array of shape ``(..., L, E)``.
        grad_key: array of shape ``(..., S, E)``.
        grad_value: array of shape ``(..., S, Ev)``.
    """
    raise NotImplementedError("scaled_dot_product_attention_backward is not implemented yet")


def multi_head_attention_forward(
    x, in_proj_weight, in_proj_bias, out_proj_weight, out_proj_bias, num_heads, is_causal=False
):
    """Multi-head self-attention, as ``torch.nn.MultiheadAttention(batch_first=True)``.

    With ``D = E // num_heads``::

        q, k, v = split(x @ in_proj_weight^T + in_proj_bias, 3, axis=-1)  # (N, L, E) each
        head h of q, k, v: features h*D ... (h+1)*D - 1, shape (N, L, D)
        head_h = scaled_dot_product_attention(q_h, k_h, v_h)  # scale 1/sqrt(D)
        out = concat(head_0, ..., head_{num_heads-1}) @ out_proj_weight^T + out_proj_bias

    Query, key and value are all ``x`` (self-attention); there is no dropout.

    Args:
        x: array of shape ``(N, L, E)``.
        in_proj_weight: array of shape ``(3E, E)``, rows ``W_q; W_k; W_v``.
        in_proj_bias: array of shape ``(3E,)``, or ``None`` for no bias.
        out_proj_weight: array of shape ``(E, E)``.
        out_proj_bias: array of shape ``(E,)``, or ``None`` for no bias.
        num_heads: int dividing ``E``.
        is_causal: bool, position ``i`` attends only to positions ``j <= i``
            (torch: ``attn_mask=torch.nn.Transformer.generate_square_subsequent_mask(L)``).

    Returns:
        out: array of shape ``(N, L, E)``, the dtype of ``x``.
        cache: whatever ``multi_head_attention_backward`` needs.
    """
    raise NotImplementedError("multi_head_attention_forward is not implemented yet")


def multi_head_attention_backward(grad_output, cache):
    """Gradients of ``multi_head_attention_forward``.

    Args:
        grad_output: upstream gradient, shape ``(N, L, E)`` like ``out``.
        cache: what ``multi_head_attention_forward`` returned.

    Returns:
        grad_x: array of shape ``(N, L, E)``.
        grad_in_proj_weight: array of shape ``(3E, E)``.
        grad_in_proj_bias: array of shape ``(3E,)``, or ``None`` if
            ``in_proj_bias`` was ``None``.
        grad_out_proj_weight: array of shape ``(E, E)``.
        grad_out_proj_bias: array of shape ``(E,)``, or ``None`` if
            ``out_proj_bias`` was ``None``.
    """
    raise NotImplementedError("multi_head_attention_backward is not implemented yet")
