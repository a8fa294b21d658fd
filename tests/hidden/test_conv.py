"""Hidden checks for conv.py, held to torch in float64."""

from typing import NamedTuple

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from grader.feedback.describe import Evidence
from grader.feedback.expect import (
    expect,
    expect_array,
    expect_dtype,
    expect_unmodified,
)
from tests import oracle
from tests.public.test_conv import (
    conv_backward,
    conv_forward,
    conv_inputs,
    conv_words,
    pool_forward,
    pool_words,
    tied_array,
    torch_conv2d,
    torch_max_pool2d,
)
from tests.strategies import (
    FLOAT32_TOLERANCE,
    as_float64,
    cache_untouched,
    random_array,
    seeds,
    upstream,
)


class Conv(NamedTuple):
    """One convolution: the shapes, whether there is a bias, stride, padding, seed."""

    n: int
    c_in: int
    c_out: int
    h: int
    w: int
    kh: int
    kw: int
    bias: bool
    stride: int | tuple = 1
    padding: int | tuple = 0
    seed: int = 0

    def inputs(self, dtype=np.float64):
        return conv_inputs((self.n, self.c_in, self.h, self.w),
                           (self.c_out, self.c_in, self.kh, self.kw),
                           self.seed, self.bias, dtype)


class Pool(NamedTuple):
    """One max pooling: the input shape, kernel_size, stride (None: the default), seed."""

    n: int
    c: int
    h: int
    w: int
    kernel_size: int | tuple
    stride: int | tuple | None = None
    seed: int = 0
    tied: bool = False

    def input(self, dtype=np.float64):
        shape = (self.n, self.c, self.h, self.w)
        if self.tied:
            return tied_array(shape, self.seed, dtype=dtype)
        return random_array(shape, self.seed, dtype=dtype)


def _pair(v):
    return tuple(v) if isinstance(v, tuple) else (v, v)


STRIDES = st.sampled_from([2, 3, (2, 1), (1, 2), (3, 2), (2, 2)])
PADDINGS = st.sampled_from([1, 2, (1, 0), (0, 2), (2, 1), (1, 1)])
UNIT_STRIDE, NO_PADDING = st.just(1), st.just(0)


@st.composite
def conv_cases(draw, strides=UNIT_STRIDE, paddings=NO_PADDING):
    """Small convolutions: batches of 1 to 3, 1 to 4 channels each way, any kernel."""
    stride, padding = draw(strides), draw(paddings)
    (ph, pw) = _pair(padding)
    kh, kw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    h = draw(st.integers(max(1, kh - 2 * ph), kh + 6))
    w = draw(st.integers(max(1, kw - 2 * pw), kw + 6))
    return Conv(draw(st.integers(1, 3)), draw(st.integers(1, 4)), draw(st.integers(1, 4)),
                h, w, kh, kw, draw(st.booleans()), stride, padding, draw(seeds))


def _kernel_and_stride(draw, kh, kw, sh, sw, default_allowed):
    """Give kernel_size and stride as ints or pairs, as torch accepts them."""
    kernel_size = kh if kh == kw and draw(st.booleans()) else (kh, kw)
    if default_allowed and (sh, sw) == (kh, kw) and draw(st.booleans()):
        return kernel_size, None
    return kernel_size, sh if sh == sw and draw(st.booleans()) else (sh, sw)


@st.composite
def pool_cases(draw, overlap=False, tied=False):
    """Max poolings whose windows do not overlap (stride >= kernel), or do."""
    if overlap:  # overlapping along the height, and maybe also along the width
        kh, kw = draw(st.integers(2, 4)), draw(st.integers(1, 4))
        sh, sw = draw(st.integers(1, kh - 1)), draw(st.integers(1, kw))
        if draw(st.booleans()):
            kh, kw, sh, sw = kw, kh, sw, sh
    elif tied:  # stride == kernel_size, often by default
        kh, kw = draw(st.integers(1, 3)), draw(st.integers(2, 3))
        sh, sw = kh, kw
    else:
        kh, kw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
        sh, sw = draw(st.integers(kh, kh + 1)), draw(st.integers(kw, kw + 1))
    kernel_size, stride = _kernel_and_stride(draw, kh, kw, sh, sw, default_allowed=not overlap)
    h, w = draw(st.integers(kh, kh + 6)), draw(st.integers(kw, kw + 6))
    return Pool(draw(st.integers(1, 3)), draw(st.integers(1, 3)), h, w, kernel_size, stride,
                draw(seeds), tied)


# Forward and backward of one convolution, checked piece by piece.

def conv_words_for(case, x, weight, bias):
    return conv_words(x, weight, bias, case.stride, case.padding)


def check_conv_forward(submission, case):
    x, weight, bias = case.inputs()
    out, _ = conv_forward(submission, x, weight, bias, case.stride, case.padding)
    expected = oracle.value(torch_conv2d, x, weight, bias, stride=case.stride,
                            padding=case.padding)
    expect_array(out, expected, "conv2d_forward", context=conv_words_for(case, x, weight, bias))


def conv_passes(submission, case, check_out=False, evidence=None):
    """One forward and one backward pass; returns the gradients, torch's, and words.

    With ``check_out``, the forward's output is held to torch's on the way.
    """
    x, weight, bias = case.inputs()
    kwargs = {"stride": case.stride, "padding": case.padding}
    grad = upstream(oracle.value(torch_conv2d, x, weight, **kwargs).shape, case.seed)
    expected_out, expected = oracle.vjp(torch_conv2d, [x, weight, bias], grad, **kwargs)
    words = conv_words_for(case, x, weight, bias)
    out, cache = conv_forward(submission, x, weight, bias, case.stride, case.padding)
    if check_out:
        expect_array(out, expected_out, "conv2d_forward", context=words, evidence=evidence)
    grads = conv_backward(submission, grad, cache)
    return grads, expected, words


def check_conv_gradient(submission, case, index):
    grads, expected, words = conv_passes(submission, case)
    what = ("grad_x", "grad_weight")[index]
    expect_array(grads[index], expected[index], f"conv2d_backward's {what}", context=words)


def check_conv_output_and_gradients(submission, case):
    """out, grad_x and grad_weight (grad_bias has its own check)."""
    evidence = Evidence(hint=lambda: right_without_stride_and_padding(submission, case))
    grads, expected, words = conv_passes(submission, case, check_out=True, evidence=evidence)
    expect_array(grads[0], expected[0], "conv2d_backward's grad_x", context=words,
                 evidence=evidence)
    expect_array(grads[1], expected[1], "conv2d_backward's grad_weight", context=words,
                 evidence=evidence)


def right_without_stride_and_padding(submission, case) -> str | None:
    """The diagnosis when the same convolution is right with stride 1 and no padding."""
    try:
        grads, expected, _ = conv_passes(submission, case._replace(stride=1, padding=0),
                                         check_out=True)
        for index in (0, 1):
            expect_array(grads[index], expected[index], "conv2d_backward")
    except Exception:  # anything wrong there too: no diagnosis
        return None
    return (f"it is right for stride 1 with no padding, but not for stride={case.stride}, "
            f"padding={case.padding}: check the output size floor((H + 2p - k) / s) + 1, "
            "where each window starts, and where the gradient goes back.")


BASIC_EXAMPLES = [  # stride 1, no padding
    Conv(1, 3, 5, 6, 9, 2, 4, False, seed=1),  # a batch of one, C_in != C_out, nothing square
    Conv(2, 4, 4, 5, 5, 3, 3, True, seed=2),  # C_in == C_out: a transposed weight shows
    Conv(2, 2, 3, 4, 7, 1, 1, True, seed=3),  # a 1x1 kernel
    Conv(3, 2, 1, 4, 3, 4, 3, True, seed=4),  # the kernel covers the image: a 1x1 output
    Conv(2, 3, 2, 7, 5, 3, 1, False, seed=5),  # a tall kernel
]


def with_examples(cases):
    def decorate(test):
        for case in reversed(cases):
            test = example(case=case)(test)
        return test
    return decorate


@pytest.mark.check("conv/conv2d_forward", fn="conv2d_forward")
@given(case=conv_cases())
@with_examples(BASIC_EXAMPLES)
def test_conv2d_forward(submission, case):
    check_conv_forward(submission, case)


@pytest.mark.check("conv/conv2d_backward_x", fn="conv2d_backward")
@given(case=conv_cases())
@with_examples(BASIC_EXAMPLES)
def test_conv2d_backward_x(submission, case):
    check_conv_gradient(submission, case, 0)


@pytest.mark.check("conv/conv2d_backward_weight", fn="conv2d_backward")
@given(case=conv_cases())
@with_examples(BASIC_EXAMPLES)
def test_conv2d_backward_weight(submission, case):
    check_conv_gradient(submission, case, 1)


@pytest.mark.check("conv/conv2d_backward_bias", fn="conv2d_backward")
@given(case=conv_cases())
@with_examples(BASIC_EXAMPLES)
def test_conv2d_backward_bias(submission, case):
    grads, expected, words = conv_passes(submission, case)
    if case.bias:
        expect_array(grads[2], expected[2], "conv2d_backward's grad_bias", context=words)
    else:
        expect(grads[2] is None, f"conv2d_backward {words} should return grad_bias = None, "
                                 f"as there is no bias; it returned {type(grads[2]).__name__}.")


STRIDE_EXAMPLES = [
    Conv(1, 2, 3, 7, 7, 3, 3, True, stride=2, seed=11),
    Conv(2, 3, 2, 7, 6, 2, 2, False, stride=2, seed=12),  # 7 - 2 is odd: floor drops a row
    Conv(2, 2, 3, 6, 8, 3, 1, True, stride=(1, 3), seed=13),  # the last column is dropped
    Conv(1, 1, 2, 9, 5, 2, 3, True, stride=(3, 2), seed=14),
    Conv(2, 2, 2, 5, 5, 1, 1, False, stride=2, seed=15),  # a 1x1 kernel that skips pixels
]


@pytest.mark.check("conv/conv2d_stride", fn="conv2d_forward")
@given(case=conv_cases(strides=STRIDES))
@with_examples(STRIDE_EXAMPLES)
def test_conv2d_stride(submission, case):
    check_conv_output_and_gradients(submission, case)


PADDING_EXAMPLES = [
    Conv(2, 2, 3, 5, 5, 3, 3, True, padding=1, seed=21),  # "same" padding
    Conv(1, 3, 2, 4, 6, 3, 3, False, padding=(0, 2), seed=22),  # no padding along the height
    Conv(2, 2, 2, 3, 4, 2, 3, True, padding=(1, 0), seed=23),
    Conv(1, 2, 1, 3, 3, 1, 1, True, padding=2, seed=24),  # padding wider than the kernel
    Conv(2, 1, 3, 2, 2, 4, 4, False, padding=(2, 1), seed=25),  # a kernel larger than x
]


@pytest.mark.check("conv/conv2d_padding", fn="conv2d_forward")
@given(case=conv_cases(paddings=PADDINGS))
@with_examples(PADDING_EXAMPLES)
def test_conv2d_padding(submission, case):
    check_conv_output_and_gradients(submission, case)


BOTH_EXAMPLES = [
    Conv(2, 3, 4, 8, 8, 3, 3, True, stride=2, padding=1, seed=31),  # the usual downsampling
    Conv(1, 2, 3, 7, 9, 2, 3, False, stride=(2, 3), padding=(1, 2), seed=32),
    Conv(2, 2, 2, 6, 5, 3, 2, True, stride=(3, 1), padding=(0, 1), seed=33),
    Conv(1, 1, 2, 4, 4, 1, 1, True, stride=3, padding=2, seed=34),
]


@pytest.mark.check("conv/conv2d_stride_and_padding", fn="conv2d_forward")
@given(case=conv_cases(strides=STRIDES, paddings=PADDINGS))
@with_examples(BOTH_EXAMPLES)
def test_conv2d_stride_and_padding(submission, case):
    check_conv_output_and_gradients(submission, case)


# Max pooling.

def check_pool_forward(submission, case):
    x = case.input()
    out, _ = pool_forward(submission, x, case.kernel_size, case.stride)
    expected = oracle.value(torch_max_pool2d, x, case.kernel_size, stride=case.stride)
    expect_array(out, expected, "max_pool2d_forward",
                 context=pool_words(x, case.kernel_size, case.stride))


def check_pool_backward(submission, case, words="", x=None):
    x = case.input() if x is None else x
    out_shape = oracle.value(torch_max_pool2d, x, case.kernel_size, stride=case.stride).shape
    grad = upstream(out_shape, case.seed)
    _, (expected,) = oracle.vjp(torch_max_pool2d, [x], grad, kernel_size=case.kernel_size,
                                stride=case.stride)
    _, cache = pool_forward(submission, x, case.kernel_size, case.stride)
    grad_x = submission.conv.max_pool2d_backward(grad, cache)
    expect_array(grad_x, expected, "max_pool2d_backward",
                 context=pool_words(x, case.kernel_size, case.stride) + words)


POOL_EXAMPLES = [
    Pool(2, 3, 4, 6, 2, seed=41),  # the usual 2x2 pooling, the default stride
    Pool(1, 2, 7, 5, 2, seed=42),  # odd sides: floor drops the last row and column
    Pool(2, 1, 6, 9, (2, 3), seed=43),  # a pair kernel, the default stride
    Pool(1, 2, 5, 7, (1, 2), stride=(2, 3), seed=44),  # gaps between the windows
    Pool(2, 2, 3, 3, 3, stride=3, seed=45),  # one window covers the image
    Pool(1, 1, 4, 4, 1, seed=46),  # a 1x1 kernel copies x
]


@pytest.mark.check("conv/max_pool2d_forward", fn="max_pool2d_forward")
@given(case=pool_cases())
@with_examples(POOL_EXAMPLES)
def test_max_pool2d_forward(submission, case):
    check_pool_forward(submission, case)


@pytest.mark.check("conv/max_pool2d_backward", fn="max_pool2d_backward")
@given(case=pool_cases())
@with_examples(POOL_EXAMPLES)
def test_max_pool2d_backward(submission, case):
    check_pool_backward(submission, case)


OVERLAP_EXAMPLES = [
    Pool(1, 2, 5, 5, 3, stride=1, seed=51),
    Pool(2, 1, 6, 7, 3, stride=2, seed=52),  # AlexNet's overlapping pooling
    Pool(1, 2, 6, 5, (3, 2), stride=(1, 2), seed=53),  # overlapping along the height only
    Pool(2, 1, 4, 7, (2, 3), stride=(2, 1), seed=54),  # overlapping along the width only
    Pool(1, 1, 6, 6, 2, stride=1, seed=55),
]


@pytest.mark.check("conv/max_pool2d_overlap", fn="max_pool2d_backward")
@given(case=pool_cases(overlap=True))
@with_examples(OVERLAP_EXAMPLES)
def test_max_pool2d_overlap(submission, case):
    check_pool_forward(submission, case)
    check_pool_backward(submission, case, words=" (overlapping windows)")


@pytest.mark.check("conv/max_pool2d_overlap", fn="max_pool2d_backward")
def test_max_pool2d_shared_maximum(submission):
    # A peak that is the maximum of all nine 3x3 windows around it.
    x = random_array((1, 1, 5, 5), 56, scale=0.1)
    x[0, 0, 2, 2] = 5.0
    case = Pool(1, 1, 5, 5, 3, stride=1)
    check_pool_forward_and_backward_on(submission, x, case,
                                       " where one element is the maximum of every window")


def check_pool_forward_and_backward_on(submission, x, case, words):
    grad = upstream(oracle.value(torch_max_pool2d, x, case.kernel_size,
                                 stride=case.stride).shape, 57)
    expected_out, (expected,) = oracle.vjp(torch_max_pool2d, [x], grad,
                                           kernel_size=case.kernel_size, stride=case.stride)
    context = pool_words(x, case.kernel_size, case.stride) + words
    out, cache = pool_forward(submission, x, case.kernel_size, case.stride)
    expect_array(out, expected_out, "max_pool2d_forward", context=context)
    grad_x = submission.conv.max_pool2d_backward(grad, cache)
    expect_array(grad_x, expected, "max_pool2d_backward", context=context)


TIE_EXAMPLES = [
    Pool(2, 2, 4, 4, 2, seed=61, tied=True),
    Pool(1, 3, 6, 6, (2, 3), seed=62, tied=True),
    Pool(1, 2, 6, 6, 3, seed=63, tied=True),
]


@pytest.mark.check("conv/max_pool2d_ties", fn="max_pool2d_backward")
@given(case=pool_cases(tied=True))
@with_examples(TIE_EXAMPLES)
def test_max_pool2d_ties(submission, case):
    check_pool_backward(submission, case, words=" (whole numbers, so maxima tie)")


@pytest.mark.check("conv/max_pool2d_ties", fn="max_pool2d_backward")
def test_max_pool2d_constant_windows(submission):
    x = np.zeros((1, 2, 4, 6))
    x[0, 1] = 2.0
    check_pool_backward(submission, Pool(1, 2, 4, 6, (2, 3)),
                        " where every element of a window is equal", x=x)


# dtype and in-place changes, on plain cases (a stride or an overlap would make a wrong
# output size crash these checks too). Padding builds a new array, where float64 creeps
# in; without padding, x itself may be written to.

FLOAT32_CONV = Conv(2, 3, 2, 6, 5, 3, 2, True, padding=1, seed=71)
UNPADDED_CONV = Conv(2, 3, 2, 6, 5, 3, 2, True, seed=72)
GRAD_NAMES = ("grad_x", "grad_weight", "grad_bias")
# The property checks hold the values of their plain case (stride 1, no padding; 2x2
# pooling) to torch, so that a stub earns nothing there; the padded float32 case is
# watched for its dtypes only, so that a padding mistake costs the padding check alone.


def _conv_reference(case, dtype, grad):
    x, weight, bias = case.inputs(dtype)
    out, grads = oracle.vjp(torch_conv2d, as_float64(x, weight, bias), *as_float64(grad),
                            stride=case.stride, padding=case.padding)
    return (x, weight, bias), out.astype(dtype), [
        None if g is None else g.astype(dtype) for g in grads]


def _conv_out_shape(case):
    x, weight, bias = case.inputs()
    return oracle.value(torch_conv2d, x, weight, bias, stride=case.stride,
                        padding=case.padding).shape


def _expect_conv_results(out, grads, expected_out, expected_grads, context, **tolerance):
    expect_array(out, expected_out, "conv2d_forward", context=context, **tolerance)
    for what, got, want in zip(GRAD_NAMES, grads, expected_grads, strict=True):
        expect_array(got, want, f"conv2d_backward's {what}", context=context, **tolerance)


@pytest.mark.check("conv/float32", fn="conv2d_forward")
def test_conv2d_float32(submission):
    grad = upstream(_conv_out_shape(UNPADDED_CONV), 70, dtype=np.float32)
    inputs, expected_out, expected_grads = _conv_reference(UNPADDED_CONV, np.float32, grad)
    out, cache = conv_forward(submission, *inputs)
    expect_dtype(out, np.float32, "conv2d_forward", context="for float32 x, weight and bias")
    grads = conv_backward(submission, grad, cache)
    for what, got in zip(GRAD_NAMES, grads, strict=True):
        expect_dtype(got, np.float32, f"conv2d_backward's {what}", context="for float32 inputs")
    _expect_conv_results(out, grads, expected_out, expected_grads,
                         "for float32 x, weight and bias", **FLOAT32_TOLERANCE)
    # with padding: dtypes only (the padding check holds the values)
    x, weight, bias = FLOAT32_CONV.inputs(np.float32)
    out, cache = conv_forward(submission, x, weight, bias, FLOAT32_CONV.stride,
                              FLOAT32_CONV.padding)
    expect_dtype(out, np.float32, "conv2d_forward",
                 context="for float32 x, weight and bias, padding=1")
    grads = conv_backward(submission, upstream(np.shape(out), 72, dtype=np.float32), cache)
    for what, grad in zip(GRAD_NAMES, grads, strict=True):
        expect_dtype(grad, np.float32, f"conv2d_backward's {what}",
                     context="for float32 inputs, padding=1")


def _pool_reference(x, grad):
    out, (grad_x,) = oracle.vjp(torch_max_pool2d, as_float64(x), *as_float64(grad),
                                kernel_size=2)
    return out.astype(x.dtype), grad_x.astype(x.dtype)


@pytest.mark.check("conv/float32", fn="max_pool2d_forward")
def test_max_pool2d_float32(submission):
    x = random_array((2, 3, 5, 6), 73, dtype=np.float32)
    grad = upstream((2, 3, 2, 3), 74, dtype=np.float32)
    expected_out, expected_grad = _pool_reference(x, grad)
    out, cache = pool_forward(submission, x, 2)
    expect_dtype(out, np.float32, "max_pool2d_forward", context="for a float32 x")
    expect_array(out, expected_out, "max_pool2d_forward", context="for a float32 x",
                 **FLOAT32_TOLERANCE)
    grad_x = submission.conv.max_pool2d_backward(grad, cache)
    expect_dtype(grad_x, np.float32, "max_pool2d_backward", context="for float32 inputs")
    expect_array(grad_x, expected_grad, "max_pool2d_backward", context="for float32 inputs",
                 **FLOAT32_TOLERANCE)


@pytest.mark.check("conv/inputs_unmodified", fn="conv2d_forward")
def test_conv2d_inputs_unmodified(submission):
    grad = upstream(_conv_out_shape(UNPADDED_CONV), 75)
    inputs, expected_out, expected_grads = _conv_reference(UNPADDED_CONV, np.float64, grad)
    out, cache = conv_forward(submission, *inputs)
    expect_unmodified(submission.conv.last.mutated, "conv2d_forward", ("x", "weight", "bias"))
    grads = conv_backward(submission, grad, cache)
    expect_unmodified(submission.conv.last.mutated, "conv2d_backward", ("grad_output", None))
    cache_untouched(submission.conv.last.mutated, "conv2d_backward")
    _expect_conv_results(out, grads, expected_out, expected_grads,
                         conv_words_for(UNPADDED_CONV, *inputs))


@pytest.mark.check("conv/inputs_unmodified", fn="max_pool2d_forward")
def test_max_pool2d_inputs_unmodified(submission):
    x = random_array((2, 2, 6, 6), 76)
    grad = upstream((2, 2, 3, 3), 77)
    expected_out, expected_grad = _pool_reference(x, grad)
    out, cache = pool_forward(submission, x, 2)
    expect_unmodified(submission.conv.last.mutated, "max_pool2d_forward", ("x",))
    expect_array(out, expected_out, "max_pool2d_forward", context=pool_words(x, 2))
    grad_x = submission.conv.max_pool2d_backward(grad, cache)
    expect_unmodified(submission.conv.last.mutated, "max_pool2d_backward", ("grad_output", None))
    cache_untouched(submission.conv.last.mutated, "max_pool2d_backward")
    expect_array(grad_x, expected_grad, "max_pool2d_backward", context=pool_words(x, 2))


# --- two layers, as a network runs them -----------------------------------------------------
# x -> conv A (a bias) -> conv B (no bias), stride 1 and no padding; x -> pool A -> pool B.
ORDERS = {
    "forward A, forward B, backward B, backward A": ("B", "A"),
    "forward A, forward B, backward A, backward B": ("A", "B"),
}
ORDER_IDS = ["network_order", "same_order"]


def _two_convs():
    x, weight_a, bias_a = conv_inputs((2, 3, 6, 6), (3, 3, 3, 3), 81, bias=True)
    _, weight_b, _ = conv_inputs((2, 3, 4, 4), (3, 3, 3, 3), 84, bias=False)
    hidden = oracle.value(torch_conv2d, x, weight_a, bias_a)
    grad_out = upstream((2, 3, 2, 2), 85)
    _, grads_b = oracle.vjp(torch_conv2d, [hidden, weight_b, None], grad_out)
    _, grads_a = oracle.vjp(torch_conv2d, [x, weight_a, bias_a], grads_b[0])
    return {"A": ((x, weight_a, bias_a), grads_b[0], grads_a),
            "B": ((hidden, weight_b, None), grad_out, grads_b)}


@pytest.mark.parametrize("index, check", [
    pytest.param(i, c, id=c, marks=pytest.mark.check(f"conv/{c}", fn="conv2d_backward"))
    for i, c in enumerate(("conv2d_backward_x", "conv2d_backward_weight",
                           "conv2d_backward_bias"))
])
@pytest.mark.parametrize("order", ORDERS, ids=ORDER_IDS)
def test_two_conv_layers(submission, index, check, order):
    layers = _two_convs()
    caches = {name: conv_forward(submission, *args)[1] for name, (args, _, _) in layers.items()}
    for name in ORDERS[order]:
        args, grad, expected = layers[name]
        grads = conv_backward(submission, grad, caches[name])
        context = (f"for layer {name} of the network x -> A (bias) -> B (no bias), run as "
                   f"{order} ({conv_words(*args)[4:]}): each cache is its own")
        what = GRAD_NAMES[index]
        if expected[index] is None:
            expect(grads[index] is None, f"conv2d_backward {context}: {what} should be None, "
                                         f"since the forward had no bias.")
        else:
            expect_array(grads[index], expected[index], f"conv2d_backward's {what}",
                         context=context)


@pytest.mark.check("conv/max_pool2d_backward", fn="max_pool2d_backward")
@pytest.mark.parametrize("order", ORDERS, ids=ORDER_IDS)
def test_two_pool_layers(submission, order):
    x = random_array((2, 2, 8, 8), 86)
    hidden = oracle.value(torch_max_pool2d, x, 2)
    grad_out = upstream((2, 2, 2, 2), 87)
    _, (grad_hidden,) = oracle.vjp(torch_max_pool2d, [hidden], grad_out, kernel_size=2)
    _, (grad_x,) = oracle.vjp(torch_max_pool2d, [x], grad_hidden, kernel_size=2)
    layers = {"A": (x, grad_hidden, grad_x), "B": (hidden, grad_out, grad_hidden)}
    caches = {name: pool_forward(submission, inp, 2)[1] for name, (inp, _, _) in layers.items()}
    for name in ORDERS[order]:
        inp, grad, expected = layers[name]
        context = (f"for layer {name} of the network x -> pool A -> pool B, run as {order} "
                   f"({pool_words(inp, 2)[4:]}): each cache is its own")
        expect_array(submission.conv.max_pool2d_backward(grad, caches[name]), expected,
                     "max_pool2d_backward", context=context)
