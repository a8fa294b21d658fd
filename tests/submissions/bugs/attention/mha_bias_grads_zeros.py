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
    ### BEGIN SOLUTION
    L, E = query.shape[-2:]
    S = key.shape[-2]
    if is_causal:
        if attn_mask is not None:
            raise ValueError("give attn_mask or is_causal=True, not both")
        attn_mask = np.tri(L, S, dtype=bool)  # True on and below the diagonal
    scale = 1 / math.sqrt(E)

    scores = (query @ key.swapaxes(-1, -2)) * scale  # (..., L, S)
    if attn_mask is not None:
        scores = np.where(attn_mask, scores, -np.inf)
    # Stable softmax over S. A fully masked row has max -inf: shift it by 0
    # instead, so that exp gives zeros and the row of weights stays 0.
    row_max = np.max(scores, axis=-1, keepdims=True)
    row_max = np.where(np.isfinite(row_max), row_max, 0)
    e = np.exp(scores - row_max)
    denom = np.sum(e, axis=-1, keepdims=True)
    attn = e / np.where(denom > 0, denom, 1)  # (..., L, S)

    out = attn @ value  # (..., L, Ev)
    return out, (query, key, value, attn, scale)
    ### END SOLUTION


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
    ### BEGIN SOLUTION
    query, key, value, attn, scale = cache
    grad_value = attn.swapaxes(-1, -2) @ grad_output
    grad_attn = grad_output @ value.swapaxes(-1, -2)  # (..., L, S)
    # Softmax backward, row by row over S.
    dot = np.sum(grad_attn * attn, axis=-1, keepdims=True)
    grad_scores = attn * (grad_attn - dot) * scale
    grad_query = grad_scores @ key
    grad_key = grad_scores.swapaxes(-1, -2) @ query
    return grad_query, grad_key, grad_value
    ### END SOLUTION


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
    ### BEGIN SOLUTION
    N, L, E = x.shape
    if E % num_heads != 0:
        raise ValueError(f"num_heads={num_heads} does not divide E={E}")
    D = E // num_heads

    qkv = x @ in_proj_weight.T  # (N, L, 3E)
    if in_proj_bias is not None:
        qkv = qkv + in_proj_bias
    # (N, L, 3E) -> (N, L, 3, H, D) -> (3, N, H, L, D): q, k, v split into heads.
    q, k, v = qkv.reshape(N, L, 3, num_heads, D).transpose(2, 0, 3, 1, 4)
    heads, attn_cache = scaled_dot_product_attention_forward(q, k, v, is_causal=is_causal)
    concat = heads.transpose(0, 2, 1, 3).reshape(N, L, E)  # (N, H, L, D) -> (N, L, E)

    out = concat @ out_proj_weight.T
    if out_proj_bias is not None:
        out = out + out_proj_bias
    cache = (x, in_proj_weight, out_proj_weight, concat, attn_cache,
             in_proj_bias is not None, out_proj_bias is not None)
    return out, cache
    ### END SOLUTION


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
    ### BEGIN SOLUTION
    x, in_proj_weight, out_proj_weight, concat, attn_cache, has_in_bias, has_out_bias = cache
    N, L, E = x.shape

    # Output projection.
    grad_out_proj_weight = grad_output.reshape(-1, E).T @ concat.reshape(-1, E)
    grad_out_proj_bias = grad_output.sum(axis=(0, 1)) if has_out_bias else np.zeros(E)
    grad_concat = grad_output @ out_proj_weight  # (N, L, E)

    # Attention, per head: (N, L, E) -> (N, H, L, D) and back.
    num_heads = attn_cache[0].shape[1]
    D = E // num_heads
    grad_heads = grad_concat.reshape(N, L, num_heads, D).transpose(0, 2, 1, 3)
    grad_q, grad_k, grad_v = scaled_dot_product_attention_backward(grad_heads, attn_cache)
    # (3, N, H, L, D) -> (N, L, 3, H, D) -> (N, L, 3E), the layout of qkv.
    grad_qkv = np.stack([grad_q, grad_k, grad_v]).transpose(1, 3, 0, 2, 4).reshape(N, L, 3 * E)

    # Input projection.
    grad_in_proj_weight = grad_qkv.reshape(-1, 3 * E).T @ x.reshape(-1, E)
    grad_in_proj_bias = grad_qkv.sum(axis=(0, 1)) if has_in_bias else np.zeros(3 * E)
    grad_x = grad_qkv @ in_proj_weight
    return grad_x, grad_in_proj_weight, grad_in_proj_bias, grad_out_proj_weight, grad_out_proj_bias
    ### END SOLUTION
