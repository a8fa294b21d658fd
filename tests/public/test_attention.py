"""Public checks for attention.py: small fixed cases, held to torch.

They show that your code runs and gives the right shapes and values on easy
inputs. They are not your grade: the hidden checks try many more shapes,
masks, head counts, dtypes and edge cases.
"""

import numpy as np
import pytest

from grader.feedback.expect import expect_array, expect_pair, expect_tuple
from tests import oracle
from tests.oracle import F, torch
from tests.strategies import random_array, upstream

SDPA = "scaled_dot_product_attention"
MHA = "multi_head_attention"
SDPA_GRADS = ("grad_query", "grad_key", "grad_value")
MHA_GRADS = ("grad_x", "grad_in_proj_weight", "grad_in_proj_bias", "grad_out_proj_weight",
             "grad_out_proj_bias")


def torch_sdpa(query, key, value, attn_mask=None, is_causal=False):
    """``F.scaled_dot_product_attention``; a boolean mask is first broadcast to ``(..., L, S)``.

    (torch rejects some masks that broadcast, a 1-D one for a 4-D query, say.)
    """
    if attn_mask is not None:
        attn_mask = torch.as_tensor(attn_mask)
        full = torch.broadcast_shapes(query.shape[:-1] + key.shape[-2:-1], attn_mask.shape)
        attn_mask = attn_mask.expand(full)
    return F.scaled_dot_product_attention(query, key, value, attn_mask=attn_mask,
                                          is_causal=is_causal)


def torch_mha(x, in_proj_weight, in_proj_bias, out_proj_weight, out_proj_bias, num_heads,
              is_causal=False):
    """``torch.nn.MultiheadAttention(E, num_heads, batch_first=True)`` with these parameters.

    Self-attention, no dropout; a ``None`` bias is a zero one. torch needs the causal
    mask itself (True = NOT allowed there, unlike the scaled_dot_product_attention mask).
    """
    E, L = x.shape[-1], x.shape[1]
    module = torch.nn.MultiheadAttention(E, num_heads, batch_first=True, dtype=x.dtype)
    params = {
        "in_proj_weight": in_proj_weight,
        "in_proj_bias": torch.zeros(3 * E, dtype=x.dtype) if in_proj_bias is None else in_proj_bias,
        "out_proj.weight": out_proj_weight,
        "out_proj.bias": torch.zeros(E, dtype=x.dtype) if out_proj_bias is None else out_proj_bias,
    }
    mask = torch.ones(L, L, dtype=torch.bool).triu(1) if is_causal else None
    out, _ = torch.func.functional_call(module, params, (x, x, x),
                             {"need_weights": False, "attn_mask": mask, "is_causal": is_causal})
    return out


def sdpa_inputs(batch, L, S, E, Ev, seed, dtype=np.float64):
    """``query (*batch, L, E)``, ``key (*batch, S, E)``, ``value (*batch, S, Ev)``."""
    batch = tuple(batch)
    return (random_array((*batch, L, E), seed, 1.0, dtype),
            random_array((*batch, S, E), seed + 1, 1.0, dtype),
            random_array((*batch, S, Ev), seed + 2, 1.0, dtype))


def mha_inputs(N, L, E, seed, dtype=np.float64, in_bias=True, out_bias=True):
    """``x (N, L, E)`` and the four parameters, weights scaled like torch's initialisation."""
    w = 1 / np.sqrt(E)
    return (random_array((N, L, E), seed, 1.0, dtype),
            random_array((3 * E, E), seed + 1, w, dtype),
            random_array((3 * E,), seed + 2, 0.5, dtype) if in_bias else None,
            random_array((E, E), seed + 3, w, dtype),
            random_array((E,), seed + 4, 0.5, dtype) if out_bias else None)


def check(name, fn):
    return pytest.mark.check(f"attention/{name}", fn=fn)


def run_sdpa(submission, inputs, grad, context, **kwargs):
    """Run the submission's two passes on ``inputs``; hold both to torch."""
    expected_out, expected_grads = oracle.vjp(torch_sdpa, list(inputs), grad, **kwargs)
    out, cache = expect_pair(
        submission.attention.scaled_dot_product_attention_forward(*inputs, **kwargs),
        f"{SDPA}_forward")
    expect_array(out, expected_out, f"{SDPA}_forward", context=context)
    grads = expect_tuple(submission.attention.scaled_dot_product_attention_backward(grad, cache),
                         3, f"{SDPA}_backward", ", ".join(SDPA_GRADS))
    for name, got, want in zip(SDPA_GRADS, grads, expected_grads, strict=False):
        expect_array(got, want, f"{SDPA}_backward", context=f"{context}: {name}")


@check(f"{SDPA}_forward", f"{SDPA}_forward")
def test_sdpa_forward(submission):
    q, k, v = sdpa_inputs((2,), 3, 4, 5, 2, 1)
    out, _ = expect_pair(submission.attention.scaled_dot_product_attention_forward(q, k, v),
                         f"{SDPA}_forward")
    expect_array(out, oracle.value(torch_sdpa, q, k, v), f"{SDPA}_forward",
                 context="for query (2, 3, 5), key (2, 4, 5), value (2, 4, 2)")


@check(f"{SDPA}_backward", f"{SDPA}_backward")
def test_sdpa_backward(submission):
    q, k, v = sdpa_inputs((2,), 3, 4, 5, 2, 4)
    _, expected = oracle.vjp(torch_sdpa, [q, k, v], upstream((2, 3, 2), 5))
    _, cache = expect_pair(submission.attention.scaled_dot_product_attention_forward(q, k, v),
                           f"{SDPA}_forward")
    grads = expect_tuple(
        submission.attention.scaled_dot_product_attention_backward(upstream((2, 3, 2), 5), cache),
        3, f"{SDPA}_backward", ", ".join(SDPA_GRADS))
    for name, got, want in zip(SDPA_GRADS, grads, expected, strict=True):
        expect_array(got, want, f"{SDPA}_backward",
                     context=f"for query (2, 3, 5), key (2, 4, 5), value (2, 4, 2): {name}")


@check(f"{SDPA}_mask", f"{SDPA}_forward")
def test_sdpa_mask(submission):
    q, k, v = sdpa_inputs((2,), 3, 4, 5, 2, 7)
    mask = np.array([[True, False, True, False],
                     [False, True, True, True],
                     [True, True, False, False]])
    run_sdpa(submission, (q, k, v), upstream((2, 3, 2), 8),
               "for a (3, 4) attn_mask (True = allowed)", attn_mask=mask)


@check(f"{SDPA}_causal", f"{SDPA}_forward")
def test_sdpa_causal(submission):
    q, k, v = sdpa_inputs((2,), 4, 4, 3, 2, 9)
    run_sdpa(submission, (q, k, v), upstream((2, 4, 2), 10),
               "with is_causal=True and L = S = 4", is_causal=True)


@check(f"{MHA}_forward", f"{MHA}_forward")
def test_mha_forward(submission):
    inputs = mha_inputs(2, 3, 4, 11)
    out, _ = expect_pair(submission.attention.multi_head_attention_forward(*inputs, 2),
                         f"{MHA}_forward")
    expect_array(out, oracle.value(torch_mha, *inputs, 2), f"{MHA}_forward",
                 context="for x (2, 3, 4), num_heads=2")


@check(f"{MHA}_backward", f"{MHA}_backward")
def test_mha_backward(submission):
    inputs = mha_inputs(2, 3, 4, 13)
    grad = upstream((2, 3, 4), 14)
    _, expected = oracle.vjp(torch_mha, [*inputs, 2], grad)
    _, cache = expect_pair(submission.attention.multi_head_attention_forward(*inputs, 2),
                           f"{MHA}_forward")
    grads = expect_tuple(submission.attention.multi_head_attention_backward(grad, cache),
                         5, f"{MHA}_backward", ", ".join(MHA_GRADS))
    for name, got, want in zip(MHA_GRADS, grads, expected, strict=False):
        expect_array(got, want, f"{MHA}_backward",
                     context=f"for x (2, 3, 4), num_heads=2: {name}")
