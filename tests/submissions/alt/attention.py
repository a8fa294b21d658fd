"""A correct attention.py written differently from the reference.

einsum everywhere, a log-sum-exp softmax, a dict as the attention cache, a Python loop
over heads with per-head weight slices, and a closure as the multi-head cache.
"""

import math

import numpy as np


def scaled_dot_product_attention_forward(query, key, value, attn_mask=None, is_causal=False):
    L, S, E = query.shape[-2], key.shape[-2], query.shape[-1]
    allowed = np.ones((L, S), dtype=bool)
    if is_causal:
        allowed = np.arange(S)[None, :] <= np.arange(L)[:, None]
    if attn_mask is not None:
        allowed = allowed & np.asarray(attn_mask, dtype=bool)
    scores = np.einsum("...le,...se->...ls", query, key) / np.sqrt(query.dtype.type(E))
    allowed = np.broadcast_to(allowed, scores.shape)
    masked = np.where(allowed, scores, -np.inf)
    top = masked.max(axis=-1, keepdims=True)
    top[~np.isfinite(top)] = 0.0
    total = np.exp(masked - top).sum(axis=-1, keepdims=True)
    lse = np.log(np.where(total > 0, total, 1.0)) + top  # a fully masked row: weights 0
    weights = np.where(allowed, np.exp(np.where(allowed, scores, top) - lse), 0.0)
    weights = weights.astype(query.dtype, copy=False)
    out = np.einsum("...ls,...sv->...lv", weights, value)
    cache = {"q": query, "k": key, "v": value, "p": weights, "E": E}
    return out, cache


def scaled_dot_product_attention_backward(grad_output, cache):
    q, k, v, p = cache["q"], cache["k"], cache["v"], cache["p"]
    c = 1 / math.sqrt(cache["E"])
    grad_value = np.einsum("...ls,...lv->...sv", p, grad_output)
    grad_p = np.einsum("...lv,...sv->...ls", grad_output, v)
    grad_s = p * grad_p - p * np.einsum("...ls,...ls->...l", p, grad_p)[..., None]
    grad_query = c * np.einsum("...ls,...se->...le", grad_s, k)
    grad_key = c * np.einsum("...ls,...le->...se", grad_s, q)
    return grad_query, grad_key, grad_value


def multi_head_attention_forward(x, in_proj_weight, in_proj_bias, out_proj_weight,
                                 out_proj_bias, num_heads, is_causal=False):
    E = x.shape[-1]
    D = E // num_heads
    w_q, w_k, w_v = in_proj_weight[:E], in_proj_weight[E:2 * E], in_proj_weight[2 * E:]
    if in_proj_bias is None:
        b_q = b_k = b_v = np.zeros(E, dtype=x.dtype)
    else:
        b_q, b_k, b_v = in_proj_bias[:E], in_proj_bias[E:2 * E], in_proj_bias[2 * E:]
    heads, head_caches = [], []
    for h in range(num_heads):
        part = slice(h * D, (h + 1) * D)
        q = np.einsum("nle,de->nld", x, w_q[part]) + b_q[part]
        k = np.einsum("nle,de->nld", x, w_k[part]) + b_k[part]
        v = np.einsum("nle,de->nld", x, w_v[part]) + b_v[part]
        o, c = scaled_dot_product_attention_forward(q, k, v, is_causal=is_causal)
        heads.append(o)
        head_caches.append((q, k, v, c))
    concat = np.concatenate(heads, axis=-1)
    out = np.einsum("nle,fe->nlf", concat, out_proj_weight)
    if out_proj_bias is not None:
        out = out + out_proj_bias

    def backward(grad_output):
        grad_wo = np.einsum("nlf,nle->fe", grad_output, concat)
        grad_bo = None if out_proj_bias is None else np.einsum("nlf->f", grad_output)
        grad_concat = np.einsum("nlf,fe->nle", grad_output, out_proj_weight)
        grad_w = np.zeros_like(in_proj_weight)
        grad_b = np.zeros(3 * E, dtype=x.dtype)
        grad_x = np.zeros_like(x)
        for h in range(num_heads):
            part = slice(h * D, (h + 1) * D)
            _, _, _, c = head_caches[h]
            gq, gk, gv = scaled_dot_product_attention_backward(grad_concat[..., part], c)
            for i, g in enumerate((gq, gk, gv)):
                rows = slice(i * E + h * D, i * E + (h + 1) * D)
                grad_w[rows] += np.einsum("nld,nle->de", g, x)
                grad_b[rows] += g.sum(axis=(0, 1))
                grad_x += np.einsum("nld,de->nle", g, in_proj_weight[rows])
        return grad_x, grad_w, (None if in_proj_bias is None else grad_b), grad_wo, grad_bo

    return out, backward


def multi_head_attention_backward(grad_output, cache):
    return cache(grad_output)
