"""Public checks for transformer.py: small fixed cases, held to torch.

They show that your code runs and gives the right shapes and values on easy
inputs. They are not your grade: the hidden checks try many more shapes,
repeated indices, padding_idx, out-of-range indices, dtypes and extreme inputs.
"""

import math

import numpy as np
import pytest

from grader.feedback.expect import expect_array, expect_pair
from tests import oracle
from tests.oracle import F, torch
from tests.strategies import random_array, upstream


def torch_embedding(indices, weight, padding_idx=None):
    """``F.embedding`` with torch's argument order swapped to the contract's."""
    return F.embedding(indices, weight, padding_idx=padding_idx)


def torch_positional_encoding(length, dim):
    """The sinusoidal encoding computed in torch, as torch's own tutorials write it."""
    position = torch.arange(length, dtype=torch.float64)[:, None]
    div_term = torch.exp(torch.arange(0, dim, 2, dtype=torch.float64) * (-math.log(10000.0) / dim))
    encoding = torch.zeros(length, dim, dtype=torch.float64)
    encoding[:, 0::2] = torch.sin(position * div_term)
    encoding[:, 1::2] = torch.cos(position * div_term)
    return encoding


def distinct_indices(shape, V, seed):
    """Integer indices of ``shape`` in ``[0, V)``, no index twice (needs ``prod(shape) <= V``)."""
    rng = np.random.default_rng(seed)
    return rng.permutation(V)[:math.prod(shape)].reshape(shape).astype(np.int64)


def embedding_reference(indices, weight, grad_output, padding_idx=None):
    """torch's ``(out, grad_weight)``."""
    out, (_, grad_weight) = oracle.vjp(torch_embedding, [indices, weight], grad_output,
                                       padding_idx=padding_idx)
    return out, grad_weight


def gelu_reference(x, grad_output, approximate="none"):
    """torch's ``(out, grad_x)``."""
    out, (grad_x,) = oracle.vjp(F.gelu, [x], grad_output, approximate=approximate)
    return out, grad_x


@pytest.mark.check("transformer/embedding_forward", fn="embedding_forward")
def test_embedding_forward(submission):
    indices, weight = np.array([[0, 3], [2, 1]]), random_array((5, 3), 1)
    out, _ = expect_pair(submission.transformer.embedding_forward(indices, weight),
                         "embedding_forward")
    expect_array(out, oracle.value(torch_embedding, indices, weight), "embedding_forward",
                 context="for indices [[0, 3], [2, 1]] and a (5, 3) table")


@pytest.mark.check("transformer/embedding_backward", fn="embedding_backward")
def test_embedding_backward(submission):
    indices, weight = np.array([[0, 3], [2, 1]]), random_array((5, 3), 2)
    grad = upstream((2, 2, 3), 3)
    _, want = embedding_reference(indices, weight, grad)
    _, cache = expect_pair(submission.transformer.embedding_forward(indices, weight),
                           "embedding_forward")
    expect_array(submission.transformer.embedding_backward(grad, cache), want,
                 "embedding_backward", context="for indices [[0, 3], [2, 1]] and a (5, 3) table")


@pytest.mark.check("transformer/positional_encoding", fn="sinusoidal_positional_encoding")
def test_positional_encoding(submission):
    expect_array(submission.transformer.sinusoidal_positional_encoding(4, 6),
                 oracle.value(torch_positional_encoding, 4, 6),
                 "sinusoidal_positional_encoding", context="for length=4, dim=6")


@pytest.mark.check("transformer/gelu_forward", fn="gelu_forward")
def test_gelu_forward(submission):
    x = np.array([-3.0, -1.0, -0.5, 0.0, 0.5, 1.0, 3.0])
    out, _ = expect_pair(submission.transformer.gelu_forward(x), "gelu_forward")
    expect_array(out, oracle.value(F.gelu, x), "gelu_forward", context=f"for x = {x.tolist()}")


@pytest.mark.check("transformer/gelu_backward", fn="gelu_backward")
def test_gelu_backward(submission):
    x = np.array([-3.0, -1.0, -0.5, 0.0, 0.5, 1.0, 3.0])
    grad = upstream(x.shape, 4)
    _, want = gelu_reference(x, grad)
    _, cache = expect_pair(submission.transformer.gelu_forward(x), "gelu_forward")
    expect_array(submission.transformer.gelu_backward(grad, cache), want, "gelu_backward",
                 context=f"for x = {x.tolist()}")
