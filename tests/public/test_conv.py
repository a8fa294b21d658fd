"""Public checks for conv.py: small fixed cases, held to torch.

They show that your code runs and gives the right shapes and values on easy
inputs. They are not your grade: the hidden checks try many more shapes,
kernels, strides, paddings, dtypes and edge cases.
"""

import numpy as np
import pytest

from grader.feedback.expect import expect, expect_array, expect_pair, expect_tuple
from tests import oracle
from tests.oracle import F
from tests.strategies import random_array, upstream


def torch_conv2d(x, weight, bias=None, stride=1, padding=0):
    return F.conv2d(x, weight, bias, stride=stride, padding=padding)


def torch_max_pool2d(x, kernel_size, stride=None):
    return F.max_pool2d(x, kernel_size, stride=stride)


def conv_inputs(x_shape, weight_shape, seed, bias=True, dtype=np.float64):
    """``(x, weight, bias)`` for a convolution; ``bias`` is None unless asked for."""
    x = random_array(x_shape, seed, scale=1.0, dtype=dtype)
    weight = random_array(weight_shape, seed + 1, scale=0.5, dtype=dtype)
    b = random_array(weight_shape[:1], seed + 2, scale=1.0, dtype=dtype) if bias else None
    return x, weight, b


def tied_array(shape, seed, levels=3, dtype=np.float64):
    """Whole numbers in ``[0, levels)``: many windows hold their maximum more than once."""
    return np.random.default_rng(seed).integers(0, levels, shape).astype(dtype)


def conv_kwargs(stride=1, padding=0) -> dict:
    """Keyword arguments for the submission, leaving out the defaults."""
    kwargs = {}
    if stride != 1:
        kwargs["stride"] = stride
    if padding != 0:
        kwargs["padding"] = padding
    return kwargs


def conv_words(x, weight, bias, stride=1, padding=0) -> str:
    words = f"for x of shape {x.shape}, weight of shape {weight.shape}"
    words += ", no bias" if bias is None else ", a bias"
    if stride != 1:
        words += f", stride={stride}"
    if padding != 0:
        words += f", padding={padding}"
    return words


def pool_words(x, kernel_size, stride=None) -> str:
    words = f"for x of shape {x.shape}, kernel_size={kernel_size}"
    return words + ("" if stride is None else f", stride={stride}")


def conv_forward(submission, x, weight, bias, stride=1, padding=0):
    args = (x, weight) if bias is None else (x, weight, bias)
    return expect_pair(submission.conv.conv2d_forward(*args, **conv_kwargs(stride, padding)),
                       "conv2d_forward")


def conv_backward(submission, grad_output, cache):
    return expect_tuple(submission.conv.conv2d_backward(grad_output, cache), 3,
                        "conv2d_backward", "grad_x, grad_weight, grad_bias")


def pool_forward(submission, x, kernel_size, stride=None):
    kwargs = {} if stride is None else {"stride": stride}
    return expect_pair(submission.conv.max_pool2d_forward(x, kernel_size, **kwargs),
                       "max_pool2d_forward")


def marked(name, fn):
    return pytest.mark.check(f"conv/{name}", fn=fn)


CONV_CASES = [  # (check, x shape, weight shape, stride, padding)
    ("conv2d_forward", (2, 3, 5, 6), (4, 3, 3, 2), 1, 0),
    ("conv2d_stride", (2, 2, 7, 6), (3, 2, 3, 3), 2, 0),
    ("conv2d_padding", (1, 2, 4, 5), (3, 2, 3, 3), 1, 1),
    ("conv2d_stride_and_padding", (2, 2, 6, 7), (2, 2, 3, 2), (2, 1), (1, 0)),
]


@pytest.mark.parametrize("name, x_shape, w_shape, stride, padding", [
    pytest.param(*case, id=case[0], marks=marked(case[0], "conv2d_forward")) for case in CONV_CASES
])
def test_conv2d_forward(submission, name, x_shape, w_shape, stride, padding):
    x, weight, bias = conv_inputs(x_shape, w_shape, 1)
    out, _ = conv_forward(submission, x, weight, bias, stride, padding)
    expected = oracle.value(torch_conv2d, x, weight, bias, stride=stride, padding=padding)
    expect_array(out, expected, "conv2d_forward",
                 context=conv_words(x, weight, bias, stride, padding))


@pytest.mark.parametrize("index, what", [
    pytest.param(0, "grad_x", id="grad_x", marks=marked("conv2d_backward_x", "conv2d_backward")),
    pytest.param(1, "grad_weight", id="grad_weight",
                 marks=marked("conv2d_backward_weight", "conv2d_backward")),
    pytest.param(2, "grad_bias", id="grad_bias",
                 marks=marked("conv2d_backward_bias", "conv2d_backward")),
])
def test_conv2d_backward(submission, index, what):
    x, weight, bias = conv_inputs((2, 3, 5, 6), (4, 3, 3, 2), 2)
    grad = upstream((2, 4, 3, 5), 3)
    _, expected = oracle.vjp(torch_conv2d, [x, weight, bias], grad)
    _, cache = conv_forward(submission, x, weight, bias)
    grads = conv_backward(submission, grad, cache)
    expect_array(grads[index], expected[index], f"conv2d_backward's {what}",
                 context=conv_words(x, weight, bias))


@marked("conv2d_backward_bias", "conv2d_backward")
def test_conv2d_backward_without_bias(submission):
    x, weight, _ = conv_inputs((1, 2, 4, 4), (3, 2, 2, 2), 4, bias=False)
    _, cache = conv_forward(submission, x, weight, None)
    grads = conv_backward(submission, upstream((1, 3, 3, 3), 5), cache)
    expect(grads[2] is None, "conv2d_backward should return grad_bias = None when bias is None.")


POOL_CASES = [  # (check, x shape, kernel_size, stride)
    ("max_pool2d_forward", (2, 3, 4, 6), 2, None),
    ("max_pool2d_overlap", (1, 2, 5, 5), 3, 1),
]


@pytest.mark.parametrize("name, x_shape, kernel_size, stride", [
    pytest.param(*case, id=case[0], marks=marked(case[0], "max_pool2d_forward"))
    for case in POOL_CASES
])
def test_max_pool2d_forward(submission, name, x_shape, kernel_size, stride):
    x = random_array(x_shape, 6)
    out, _ = pool_forward(submission, x, kernel_size, stride)
    expected = oracle.value(torch_max_pool2d, x, kernel_size, stride=stride)
    expect_array(out, expected, "max_pool2d_forward", context=pool_words(x, kernel_size, stride))


BACKWARD_POOL_CASES = [
    ("max_pool2d_backward", random_array((2, 3, 4, 6), 7), 2, None),
    ("max_pool2d_overlap", random_array((1, 2, 5, 5), 8), 3, 1),
    ("max_pool2d_ties", tied_array((1, 2, 4, 4), 9), 2, None),
]


@pytest.mark.parametrize("name, x, kernel_size, stride", [
    pytest.param(*case, id=case[0], marks=marked(case[0], "max_pool2d_backward"))
    for case in BACKWARD_POOL_CASES
])
def test_max_pool2d_backward(submission, name, x, kernel_size, stride):
    out_shape = oracle.value(torch_max_pool2d, x, kernel_size, stride=stride).shape
    grad = upstream(out_shape, 10)
    _, (expected,) = oracle.vjp(torch_max_pool2d, [x], grad, kernel_size=kernel_size,
                                stride=stride)
    _, cache = pool_forward(submission, x, kernel_size, stride)
    grad_x = submission.conv.max_pool2d_backward(grad, cache)
    expect_array(grad_x, expected, "max_pool2d_backward",
                 context=pool_words(x, kernel_size, stride))
