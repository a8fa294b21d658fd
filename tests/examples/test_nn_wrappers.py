"""dlmath.nn and dlmath.optim, run on the reference solutions, against torch in float64.

Not a graded suite: it checks the course's provided wrappers. Every module is
built twice (ours and torch's), given the same random parameters, run forward
on seeded random inputs and backward with a random upstream gradient; outputs,
input gradients and parameter gradients must agree. Optimizers and schedulers
are stepped side by side with torch.optim.
"""

import itertools
import math
from pathlib import Path

import numpy as np
import pytest
import torch

from dlmath import nn, optim, units

SOLUTIONS = Path(__file__).resolve().parents[2] / "solutions"
TOL = {"rtol": 1e-10, "atol": 1e-12}


@pytest.fixture(autouse=True)
def solutions_folder():
    with units.using(SOLUTIONS):
        yield


def rand(rng, *shape):
    return rng.standard_normal(shape)


def t(x, grad=False):
    return torch.tensor(np.asarray(x), dtype=torch.float64, requires_grad=grad)


def numpy(tensor):
    return tensor.detach().numpy()


def assert_close(ours, theirs, what):
    expected = numpy(theirs) if isinstance(theirs, torch.Tensor) else theirs
    assert ours is not None, f"{what}: dlmath gave None"
    assert np.shape(ours) == np.shape(expected), f"{what}: shape {np.shape(ours)}"
    np.testing.assert_allclose(ours, expected, err_msg=what, **TOL)


def randomize(module, rng):
    """Random values for every parameter (ones and zeros would hide swapped terms)."""
    for param in module.parameters():
        param.data = rand(rng, *param.shape)


def copy_params(ours, twin):
    """Copy our parameters into the torch twin; names and order must be torch's."""
    theirs = dict(twin.named_parameters())
    mine = dict(ours.named_parameters())
    assert list(mine) == list(theirs)
    with torch.no_grad():
        for name, param in mine.items():
            assert param.shape == tuple(theirs[name].shape), name
            theirs[name].copy_(torch.from_numpy(param.data))


def assert_param_grads(ours, twin):
    theirs = dict(twin.named_parameters())
    for name, param in ours.named_parameters():
        assert theirs[name].grad is not None, name
        assert_close(param.grad, theirs[name].grad, f"grad of {name}")


def twin_of(ours, twin, seed):
    """Randomize ``ours``, copy it into ``twin`` (in float64); returns the twin."""
    twin = twin.double()
    randomize(ours, np.random.default_rng(seed))
    copy_params(ours, twin)
    return twin


def check_module(ours, twin, x, seed=0, call_twin=None):
    """One input, one output: forward, input gradient and parameter gradients agree."""
    twin = twin_of(ours, twin, seed)
    rng = np.random.default_rng(seed + 1)
    out = ours(x)
    xt = t(x, grad=True)
    out_t = (call_twin or twin)(xt)
    assert_close(out, out_t, "forward")
    g = rand(rng, *out.shape)
    grad_x = ours.backward(g)
    out_t.backward(t(g))
    assert_close(grad_x, xt.grad, "input gradient")
    assert_param_grads(ours, twin)
    return ours, twin


@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("shape", [(5, 4), (2, 3, 4), (4,)])
def test_linear(shape, bias):
    rng = np.random.default_rng(1)
    check_module(nn.Linear(4, 3, bias=bias), torch.nn.Linear(4, 3, bias=bias),
                 rand(rng, *shape))


@pytest.mark.parametrize("ours, theirs", [
    (lambda: nn.ReLU(), lambda: torch.nn.ReLU()),
    (lambda: nn.LeakyReLU(), lambda: torch.nn.LeakyReLU()),
    (lambda: nn.LeakyReLU(0.3), lambda: torch.nn.LeakyReLU(0.3)),
    (lambda: nn.Sigmoid(), lambda: torch.nn.Sigmoid()),
    (lambda: nn.Tanh(), lambda: torch.nn.Tanh()),
    (lambda: nn.Softmax(dim=1), lambda: torch.nn.Softmax(dim=1)),
    (lambda: nn.Softmax(dim=-1), lambda: torch.nn.Softmax(dim=-1)),
    (lambda: nn.LogSoftmax(dim=0), lambda: torch.nn.LogSoftmax(dim=0)),
    (lambda: nn.LogSoftmax(dim=2), lambda: torch.nn.LogSoftmax(dim=2)),
    (lambda: nn.GELU(), lambda: torch.nn.GELU()),
    (lambda: nn.GELU(approximate="tanh"), lambda: torch.nn.GELU(approximate="tanh")),
    (lambda: nn.Flatten(), lambda: torch.nn.Flatten()),
    (lambda: nn.Flatten(0, 1), lambda: torch.nn.Flatten(0, 1)),
    (lambda: nn.Flatten(1, -2), lambda: torch.nn.Flatten(1, -2)),
], ids=["relu", "leaky_relu", "leaky_relu_0.3", "sigmoid", "tanh", "softmax_1", "softmax_-1",
        "log_softmax_0", "log_softmax_2", "gelu", "gelu_tanh", "flatten", "flatten_0_1",
        "flatten_1_-2"])
def test_parameterless_modules(ours, theirs):
    x = 3 * rand(np.random.default_rng(2), 3, 4, 5, 2)
    check_module(ours(), theirs(), x)


@pytest.mark.parametrize("in_ch, out_ch, kernel, stride, padding, bias", [
    (2, 3, 3, 1, 0, True),
    (2, 3, 3, 1, 1, True),
    (3, 2, (2, 3), 2, 0, True),
    (2, 4, 3, (2, 1), (1, 2), False),
    (1, 2, 1, 3, 0, True),
])
def test_conv2d(in_ch, out_ch, kernel, stride, padding, bias):
    rng = np.random.default_rng(3)
    check_module(nn.Conv2d(in_ch, out_ch, kernel, stride=stride, padding=padding, bias=bias),
                 torch.nn.Conv2d(in_ch, out_ch, kernel, stride=stride, padding=padding,
                                 bias=bias),
                 rand(rng, 2, in_ch, 7, 6))


@pytest.mark.parametrize("kernel, stride", [(2, None), (3, 2), (2, 1), ((2, 3), (1, 2)),
                                            ((3, 1), None)])
def test_max_pool2d(kernel, stride):
    rng = np.random.default_rng(4)
    check_module(nn.MaxPool2d(kernel, stride=stride), torch.nn.MaxPool2d(kernel, stride=stride),
                 rand(rng, 2, 3, 7, 6))


def test_max_pool2d_ties_go_to_the_first_maximum():
    x = np.random.default_rng(5).integers(0, 2, size=(2, 2, 6, 6)).astype(np.float64)
    check_module(nn.MaxPool2d(3, stride=1), torch.nn.MaxPool2d(3, stride=1), x)


@pytest.mark.parametrize("shape, normalized, affine, bias", [
    ((4, 5), 5, True, True),
    ((2, 3, 4), (3, 4), True, True),
    ((2, 3, 4), [4], False, True),
    ((3, 6), 6, True, False),
])
def test_layer_norm(shape, normalized, affine, bias):
    rng = np.random.default_rng(6)
    check_module(nn.LayerNorm(normalized, elementwise_affine=affine, bias=bias),
                 torch.nn.LayerNorm(normalized, elementwise_affine=affine, bias=bias),
                 rand(rng, *shape) + 2)


@pytest.mark.parametrize("shape, normalized, eps, affine", [
    ((4, 5), 5, None, True),
    ((2, 3, 4), (3, 4), 1e-3, True),
    ((2, 3, 4), 4, 1e-6, False),
])
def test_rms_norm(shape, normalized, eps, affine):
    rng = np.random.default_rng(7)
    check_module(nn.RMSNorm(normalized, eps=eps, elementwise_affine=affine),
                 torch.nn.RMSNorm(normalized, eps=eps, elementwise_affine=affine),
                 rand(rng, *shape))


BATCH_NORMS = {
    "1d_2d": (nn.BatchNorm1d, torch.nn.BatchNorm1d, (6, 3)),
    "1d_3d": (nn.BatchNorm1d, torch.nn.BatchNorm1d, (4, 3, 5)),
    "2d": (nn.BatchNorm2d, torch.nn.BatchNorm2d, (3, 3, 4, 2)),
}


@pytest.mark.parametrize("kwargs", [
    {},
    {"momentum": 0.3, "eps": 1e-3},
    {"momentum": None},
    {"affine": False},
    {"track_running_stats": False},
], ids=["default", "momentum_eps", "cumulative", "no_affine", "untracked"])
@pytest.mark.parametrize("kind", list(BATCH_NORMS))
def test_batch_norm_train_then_eval(kind, kwargs):
    """Three training batches (running statistics too), then one evaluation batch."""
    ours_cls, theirs_cls, shape = BATCH_NORMS[kind]
    ours = ours_cls(3, **kwargs)
    twin = twin_of(ours, theirs_cls(3, **kwargs), seed=8)
    rng = np.random.default_rng(9)
    for step, training in enumerate([True, True, True, False]):
        ours.train(training)
        twin.train(training)
        ours.zero_grad()
        twin.zero_grad()
        x = 2 * rand(rng, *shape) + step
        xt = t(x, grad=True)
        out, out_t = ours(x), twin(xt)
        assert_close(out, out_t, f"forward, batch {step}")
        g = rand(rng, *out.shape)
        grad_x = ours.backward(g)
        out_t.backward(t(g))
        assert_close(grad_x, xt.grad, f"input gradient, batch {step}")
        assert_param_grads(ours, twin)
        if kwargs.get("track_running_stats", True):
            assert_close(ours.running_mean, twin.running_mean, f"running_mean, batch {step}")
            assert_close(ours.running_var, twin.running_var, f"running_var, batch {step}")
            assert ours.num_batches_tracked == twin.num_batches_tracked.item()
        else:
            assert ours.running_mean is None and ours.running_var is None


def test_batch_norm_rejects_wrong_dims():
    with pytest.raises(ValueError, match="dims"):
        nn.BatchNorm2d(3)(np.ones((2, 3)))


@pytest.mark.parametrize("p", [0.0, 0.3, 1.0])
def test_dropout_in_eval_mode_is_the_identity(p):
    ours = nn.Dropout(p, rng=np.random.default_rng(0)).eval()
    check_module(ours, torch.nn.Dropout(p).eval(), rand(np.random.default_rng(10), 4, 5))


def test_dropout_p0_and_p1_while_training_match_torch():
    x = rand(np.random.default_rng(11), 4, 5)
    check_module(nn.Dropout(0.0), torch.nn.Dropout(0.0), x)
    check_module(nn.Dropout(1.0), torch.nn.Dropout(1.0), x)


def test_dropout_while_training_masks_and_scales_consistently():
    """No torch mask to copy: forward and backward must use one mask, scaled by 1/(1-p)."""
    rng = np.random.default_rng(12)
    p, x, g = 0.4, rand(rng, 50, 40), rand(rng, 50, 40)
    layer = nn.Dropout(p, rng=np.random.default_rng(3))
    out = layer(x)
    kept = out != 0
    assert 0.5 < kept.mean() < 0.7
    np.testing.assert_allclose(out[kept], x[kept] / (1 - p), **TOL)
    np.testing.assert_allclose(layer.backward(g), np.where(kept, g / (1 - p), 0.0), **TOL)
    assert not np.array_equal(layer(x) != 0, kept)  # each forward draws a new mask
    again = nn.Dropout(p, rng=np.random.default_rng(3))
    np.testing.assert_array_equal(again(x), out)  # reproducible from the rng


@pytest.mark.parametrize("padding_idx", [None, 2])
def test_embedding(padding_idx):
    rng = np.random.default_rng(13)
    ours = nn.Embedding(6, 4, padding_idx=padding_idx)
    twin = twin_of(ours, torch.nn.Embedding(6, 4, padding_idx=padding_idx), seed=14)
    indices = np.array([[0, 2, 5], [2, 2, 1]])
    out = ours(indices)
    out_t = twin(torch.from_numpy(indices))
    assert_close(out, out_t, "forward")
    g = rand(rng, *out.shape)
    assert ours.backward(g) is None
    out_t.backward(t(g))
    assert_param_grads(ours, twin)


@pytest.mark.parametrize("reduction", ["mean", "sum"])
@pytest.mark.parametrize("name", ["MSELoss", "BCELoss", "BCEWithLogitsLoss",
                                  "CrossEntropyLoss"])
def test_losses(name, reduction):
    rng = np.random.default_rng(15)
    if name == "CrossEntropyLoss":
        pred, target = rand(rng, 5, 4), rng.integers(0, 4, size=5)
        target_t = torch.from_numpy(target)
    else:
        pred, target = rand(rng, 3, 4), rng.uniform(size=(3, 4))
        target_t = t(target)
    if name == "BCELoss":
        pred = rng.uniform(0.05, 0.95, size=pred.shape)
    criterion = getattr(nn, name)(reduction=reduction)
    loss = criterion(pred, target)
    pt = t(pred, grad=True)
    loss_t = getattr(torch.nn, name)(reduction=reduction)(pt, target_t)
    assert isinstance(loss, float)
    assert loss == pytest.approx(loss_t.item(), rel=1e-12)
    g = float(rand(rng, 1)[0])  # a random upstream gradient of the scalar loss
    loss_t.backward(t(g))
    assert_close(criterion.backward(g), pt.grad, "input gradient")


def test_loss_backward_defaults_to_an_upstream_gradient_of_one():
    rng = np.random.default_rng(16)
    pred, target = rand(rng, 5, 4), rng.integers(0, 4, size=5)
    criterion = nn.CrossEntropyLoss()
    criterion(pred, target)
    np.testing.assert_allclose(criterion.backward(), criterion.backward(1.0), **TOL)
    np.testing.assert_allclose(criterion.backward(-2.5), -2.5 * criterion.backward(), **TOL)


def _states(rng, num_layers, n, hidden, kind):
    h0 = rand(rng, num_layers, n, hidden)
    return (h0, rand(rng, num_layers, n, hidden)) if kind == "LSTM" else h0


def _flat(states):
    return list(states) if isinstance(states, tuple) else [states]


def check_recurrent(kind, ours, twin, batch_first, with_hx, final_grads, num_layers=1):
    """``forward(x, hx)``, ``backward(grad_output, *grad_finals)`` against torch."""
    twin = twin_of(ours, twin, seed=17)
    rng = np.random.default_rng(18)
    n, length, hidden = 2, 4, ours.hidden_size
    x = rand(rng, n, length, 3) if batch_first else rand(rng, length, n, 3)
    hx = _states(rng, num_layers, n, hidden, kind) if with_hx else None
    out, finals = ours(x, hx)
    xt = t(x, grad=True)
    hx_t = [t(h, grad=True) for h in _flat(hx)] if with_hx else []
    hx_arg = None if not with_hx else (tuple(hx_t) if kind == "LSTM" else hx_t[0])
    out_t, finals_t = twin(xt, hx_arg)
    assert_close(out, out_t, "output")
    for ours_final, their_final in zip(_flat(finals), _flat(finals_t), strict=True):
        assert_close(ours_final, their_final, "final state")
    g = rand(rng, *out.shape)
    g_finals = [rand(rng, *f.shape) for f in _flat(finals)] if final_grads else []
    grad_x, grad_hx = ours.backward(g, *g_finals)
    torch.autograd.backward([out_t, *_flat(finals_t)[:len(g_finals)]],
                            [t(g), *map(t, g_finals)])
    assert_close(grad_x, xt.grad, "input gradient")
    if with_hx:
        for ours_grad, h in zip(_flat(grad_hx), hx_t, strict=True):
            assert_close(ours_grad, h.grad, "initial state gradient")
    else:
        assert grad_hx is None
    assert_param_grads(ours, twin)


@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("batch_first, with_hx, final_grads",
                         list(itertools.product([True, False], repeat=3)))
def test_rnn(batch_first, with_hx, final_grads, bias):
    check_recurrent("RNN", nn.RNN(3, 5, bias=bias, batch_first=batch_first),
                    torch.nn.RNN(3, 5, bias=bias, batch_first=batch_first),
                    batch_first, with_hx, final_grads)


@pytest.mark.parametrize("num_layers", [1, 2])
@pytest.mark.parametrize("batch_first, with_hx, final_grads",
                         list(itertools.product([True, False], repeat=3)))
@pytest.mark.parametrize("kind", ["LSTM", "GRU"])
def test_gated(kind, batch_first, with_hx, final_grads, num_layers):
    check_recurrent(kind, getattr(nn, kind)(3, 4, num_layers, batch_first=batch_first),
                    getattr(torch.nn, kind)(3, 4, num_layers, batch_first=batch_first),
                    batch_first, with_hx, final_grads, num_layers)


@pytest.mark.parametrize("kind", ["LSTM", "GRU"])
def test_gated_without_bias(kind):
    check_recurrent(kind, getattr(nn, kind)(3, 4, 2, bias=False),
                    getattr(torch.nn, kind)(3, 4, 2, bias=False), False, True, True, 2)


def test_rnn_refuses_what_it_does_not_implement():
    with pytest.raises(NotImplementedError):
        nn.RNN(3, 4, num_layers=2)
    with pytest.raises(NotImplementedError):
        nn.RNN(3, 4, nonlinearity="relu")
    with pytest.raises(ValueError, match="3-D"):
        nn.LSTM(3, 4)(np.ones((2, 3)))


@pytest.mark.parametrize("num_heads, batch_first, is_causal, bias", [
    (2, True, False, True), (2, True, True, True), (3, False, False, True),
    (3, False, True, True), (1, True, True, False), (2, False, False, False)])
def test_multihead_attention(num_heads, batch_first, is_causal, bias):
    n, length, embed = 2, 4, 6
    ours = nn.MultiheadAttention(embed, num_heads, bias=bias, batch_first=batch_first)
    twin = torch.nn.MultiheadAttention(embed, num_heads, bias=bias, batch_first=batch_first)
    mask = torch.nn.Transformer.generate_square_subsequent_mask(length, dtype=torch.float64)
    kwargs = {"attn_mask": mask, "is_causal": True} if is_causal else {}
    twin = twin_of(ours, twin, seed=19)
    rng = np.random.default_rng(20)
    x = rand(rng, n, length, embed) if batch_first else rand(rng, length, n, embed)
    out, weights = ours(x, x, x, is_causal=is_causal)
    assert weights is None
    xt = t(x, grad=True)
    out_t = twin(xt, xt, xt, need_weights=False, **kwargs)[0]
    assert_close(out, out_t, "forward")
    g = rand(rng, *out.shape)
    grad_x = ours.backward(g)
    out_t.backward(t(g))
    assert_close(grad_x, xt.grad, "input gradient")
    assert_param_grads(ours, twin)


def test_multihead_attention_refuses_cross_attention():
    x = np.zeros((2, 3, 4))
    with pytest.raises(NotImplementedError, match="self-attention"):
        nn.MultiheadAttention(4, 2)(x, x + 1, x)


def test_cnn_classifier():
    rng = np.random.default_rng(21)
    ours = nn.Sequential(nn.Conv2d(1, 3, 3, padding=1), nn.BatchNorm2d(3), nn.ReLU(),
                         nn.MaxPool2d(2), nn.Flatten(), nn.Dropout(0.5), nn.Linear(27, 4),
                         nn.LogSoftmax(dim=1)).eval()
    twin = torch.nn.Sequential(torch.nn.Conv2d(1, 3, 3, padding=1), torch.nn.BatchNorm2d(3),
                               torch.nn.ReLU(), torch.nn.MaxPool2d(2), torch.nn.Flatten(),
                               torch.nn.Dropout(0.5), torch.nn.Linear(27, 4),
                               torch.nn.LogSoftmax(dim=1)).eval()
    check_module(ours, twin, rand(rng, 2, 1, 6, 6))


class _Block(nn.Module):
    """A pre-norm transformer block: ``h = x + mha(ln1(x))``, ``y = h + mlp(ln2(h))``."""

    def __init__(self, embed, heads):
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(embed), nn.LayerNorm(embed)
        self.attn = nn.MultiheadAttention(embed, heads, batch_first=True)
        self.mlp = nn.Sequential(nn.Linear(embed, 2 * embed), nn.GELU(),
                                 nn.Linear(2 * embed, embed))

    def forward(self, x):
        y = self.ln1(x)
        h = x + self.attn(y, y, y, is_causal=True)[0]
        return h + self.mlp(self.ln2(h))

    def backward(self, grad_output):
        grad_h = grad_output + self.ln2.backward(self.mlp.backward(grad_output))
        return grad_h + self.ln1.backward(self.attn.backward(grad_h))


class _TorchBlock(torch.nn.Module):
    def __init__(self, embed, heads):
        super().__init__()
        self.ln1, self.ln2 = torch.nn.LayerNorm(embed), torch.nn.LayerNorm(embed)
        self.attn = torch.nn.MultiheadAttention(embed, heads, batch_first=True)
        self.mlp = torch.nn.Sequential(torch.nn.Linear(embed, 2 * embed), torch.nn.GELU(),
                                       torch.nn.Linear(2 * embed, embed))

    def forward(self, x):
        y = self.ln1(x)
        mask = torch.nn.Transformer.generate_square_subsequent_mask(x.shape[1],
                                                                    dtype=x.dtype)
        h = x + self.attn(y, y, y, need_weights=False, attn_mask=mask, is_causal=True)[0]
        return h + self.mlp(self.ln2(h))


def test_transformer_block():
    rng = np.random.default_rng(22)
    ours, twin = _Block(6, 2), _TorchBlock(6, 2)
    check_module(ours, twin, rand(rng, 2, 5, 6))


def test_embedding_then_block_then_head_cross_entropy():
    rng = np.random.default_rng(23)
    embed, block, head = nn.Embedding(7, 6), _Block(6, 3), nn.Linear(6, 7)
    embed_t, block_t, head_t = torch.nn.Embedding(7, 6), _TorchBlock(6, 3), torch.nn.Linear(6, 7)
    for ours, twin in [(embed, embed_t), (block, block_t), (head, head_t)]:
        twin_of(ours, twin, seed=24)
    tokens = rng.integers(0, 7, size=(2, 5))
    target = rng.integers(0, 7, size=10)
    criterion = nn.CrossEntropyLoss()
    loss = criterion(head(block(embed(tokens))).reshape(10, 7), target)
    logits_t = head_t(block_t(embed_t(torch.from_numpy(tokens))))
    loss_t = torch.nn.functional.cross_entropy(logits_t.reshape(10, 7), torch.from_numpy(target))
    assert loss == pytest.approx(loss_t.item(), rel=1e-12)
    g = 0.37
    grad_logits = criterion.backward(g).reshape(2, 5, 7)
    embed.backward(block.backward(head.backward(grad_logits)))
    loss_t.backward(t(g))
    for ours, twin in [(embed, embed_t), (block, block_t), (head, head_t)]:
        assert_param_grads(ours, twin)


OPTIMIZERS = [
    ("SGD", {"lr": 0.1}),
    ("SGD", {"lr": 0.1, "momentum": 0.9}),
    ("SGD", {"lr": 0.05, "momentum": 0.8, "dampening": 0.3, "weight_decay": 0.1}),
    ("SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True}),
    ("SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True, "weight_decay": 0.01}),
    ("RMSprop", {"lr": 0.01}),
    ("RMSprop", {"lr": 0.01, "alpha": 0.9, "eps": 1e-6, "weight_decay": 0.1}),
    ("RMSprop", {"lr": 0.01, "momentum": 0.5}),
    ("RMSprop", {"lr": 0.01, "momentum": 0.5, "centered": True}),
    ("RMSprop", {"lr": 0.01, "centered": True, "weight_decay": 0.05}),
    ("Adam", {"lr": 0.01}),
    ("Adam", {"lr": 0.01, "betas": (0.8, 0.9), "eps": 1e-6}),
    ("Adam", {"lr": 0.01, "weight_decay": 0.1}),
    ("Adam", {"lr": 0.01, "amsgrad": True}),
    ("Adam", {"lr": 0.01, "amsgrad": True, "weight_decay": 0.1}),
    ("AdamW", {"lr": 0.01}),
    ("AdamW", {"lr": 0.01, "weight_decay": 0.3, "betas": (0.7, 0.95)}),
    ("AdamW", {"lr": 0.01, "amsgrad": True}),
]


def _pair_params(rng):
    params = [nn.Parameter(rand(rng, 3, 2)), nn.Parameter(rand(rng, 4))]
    return params, [t(p.data, grad=True) for p in params]


def _set_grads(rng, params, tensors, skip=()):
    for i, (p, pt) in enumerate(zip(params, tensors, strict=True)):
        if i in skip:
            p.grad, pt.grad = None, None
        else:
            p.grad = rand(rng, *p.shape)
            pt.grad = t(p.grad)


def _assert_same_params(params, tensors, what):
    for i, (p, pt) in enumerate(zip(params, tensors, strict=True)):
        assert_close(p.data, pt, f"parameter {i}, {what}")


@pytest.mark.parametrize("name, kwargs", OPTIMIZERS,
                         ids=[f"{n}-{'-'.join(map(str, k))}" for n, k in OPTIMIZERS])
def test_optimizer_steps(name, kwargs):
    """Six steps with fresh random gradients; the second parameter skips step 3."""
    rng = np.random.default_rng(25)
    params, tensors = _pair_params(rng)
    ours = getattr(optim, name)(params, **kwargs)
    theirs = getattr(torch.optim, name)(tensors, **kwargs)
    for step in range(6):
        _set_grads(rng, params, tensors, skip=(1,) if step == 3 else ())
        ours.step()
        theirs.step()
        _assert_same_params(params, tensors, f"step {step}")


@pytest.mark.parametrize("name", ["SGD", "RMSprop", "Adam", "AdamW"])
def test_optimizer_parameter_groups(name):
    rng = np.random.default_rng(26)
    params, tensors = _pair_params(rng)
    momentum = {"momentum": 0.9} if name in ("SGD", "RMSprop") else {}
    ours = getattr(optim, name)([{"params": params[:1]},
                                 {"params": params[1:], "lr": 0.5, "weight_decay": 0.2}],
                                lr=0.03, **momentum)
    theirs = getattr(torch.optim, name)([{"params": tensors[:1]},
                                         {"params": tensors[1:], "lr": 0.5,
                                          "weight_decay": 0.2}],
                                        lr=0.03, **momentum)
    for step in range(4):
        _set_grads(rng, params, tensors)
        ours.step()
        theirs.step()
        _assert_same_params(params, tensors, f"step {step}")
        if step == 1:  # a change of rate in a group, as a hand-made schedule does
            ours.param_groups[0]["lr"] = theirs.param_groups[0]["lr"] = 0.2


def test_optimizer_zero_grad_and_empty_list():
    params, _ = _pair_params(np.random.default_rng(27))
    params[0].grad = np.ones(params[0].shape)
    opt = optim.SGD(params, lr=0.1)
    opt.zero_grad(set_to_none=False)
    assert np.all(params[0].grad == 0) and np.all(params[1].grad == 0)
    opt.zero_grad()
    assert params[0].grad is None and params[1].grad is None
    with pytest.raises(ValueError, match="empty"):
        optim.Adam([])
    with pytest.raises(ValueError, match="Nesterov"):
        optim.SGD(params, nesterov=True)


@pytest.mark.parametrize("max_norm, norm_type", [(0.5, 2.0), (100.0, 2.0), (1.0, 1.0),
                                                 (0.3, math.inf), (0.7, 3.0)])
def test_clip_grad_norm(max_norm, norm_type):
    rng = np.random.default_rng(28)
    params, tensors = _pair_params(rng)
    extra = nn.Parameter(np.ones(2))  # no gradient: ignored, as torch ignores it
    _set_grads(rng, params, tensors)
    total = optim.clip_grad_norm_([*params, extra], max_norm, norm_type=norm_type)
    total_t = torch.nn.utils.clip_grad_norm_([*tensors, t(np.ones(2), grad=True)], max_norm,
                                             norm_type=norm_type)
    assert float(total) == pytest.approx(total_t.item(), rel=1e-12)
    for i, (p, pt) in enumerate(zip(params, tensors, strict=True)):
        assert_close(p.grad, pt.grad, f"clipped gradient {i}")
    assert extra.grad is None


def _schedulers(name, ours_opt, their_opt, steps):
    lr = torch.optim.lr_scheduler
    if name == "StepLR":
        return optim.StepLR(ours_opt, 3, gamma=0.5), lr.StepLR(their_opt, 3, gamma=0.5)
    if name == "StepLR-default":
        return optim.StepLR(ours_opt, 2), lr.StepLR(their_opt, 2)
    if name == "CosineAnnealingLR":  # past T_max too
        return (optim.CosineAnnealingLR(ours_opt, T_max=5, eta_min=0.01),
                lr.CosineAnnealingLR(their_opt, T_max=5, eta_min=0.01))
    if name == "LinearWarmupCosineLR":
        warmup = 4
        return (optim.LinearWarmupCosineLR(ours_opt, warmup, steps, eta_min=0.001),
                lr.SequentialLR(their_opt, [
                    lr.LinearLR(their_opt, start_factor=1 / warmup, total_iters=warmup),
                    lr.CosineAnnealingLR(their_opt, T_max=steps - warmup, eta_min=0.001)],
                    milestones=[warmup]))
    assert name == "OneCycleLR"  # dlmath's does not cycle the momentum
    return (optim.OneCycleLR(ours_opt, max_lr=0.8, total_steps=steps),
            lr.OneCycleLR(their_opt, max_lr=0.8, total_steps=steps, cycle_momentum=False))


@pytest.mark.parametrize("name", ["StepLR", "StepLR-default", "CosineAnnealingLR",
                                  "LinearWarmupCosineLR", "OneCycleLR"])
def test_scheduler_rates_and_training_steps(name):
    """The rates of two parameter groups, and the parameters an SGD with momentum reaches."""
    rng = np.random.default_rng(29)
    params, tensors = _pair_params(rng)
    steps = 12
    ours_opt = optim.SGD([{"params": params[:1]}, {"params": params[1:], "lr": 0.05}],
                         lr=0.2, momentum=0.9)
    their_opt = torch.optim.SGD([{"params": tensors[:1]}, {"params": tensors[1:], "lr": 0.05}],
                                lr=0.2, momentum=0.9)
    ours, theirs = _schedulers(name, ours_opt, their_opt, steps)
    for step in range(steps - 1):  # OneCycleLR allows total_steps - 1 steps after the first
        np.testing.assert_allclose(ours.get_last_lr(), theirs.get_last_lr(), rtol=1e-12,
                                   atol=1e-15, err_msg=f"rates at step {step}")
        _set_grads(rng, params, tensors)
        ours_opt.step()
        their_opt.step()
        _assert_same_params(params, tensors, f"step {step}")
        ours.step()
        theirs.step()
    np.testing.assert_allclose(ours.get_last_lr(), theirs.get_last_lr(), rtol=1e-12,
                               atol=1e-15, err_msg="last rates")


def test_one_cycle_refuses_steps_beyond_total():
    param = nn.Parameter(np.zeros(2))
    scheduler = optim.OneCycleLR(optim.SGD([param], lr=0.1), max_lr=1.0, total_steps=3)
    for _ in range(3):
        scheduler.step()
    with pytest.raises(ValueError, match="total"):
        scheduler.step()


def test_mlp_training_loop_matches_torch():
    """Five steps of Adam with a StepLR and gradient clipping: the same parameters."""
    rng = np.random.default_rng(30)
    model = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 8), nn.ReLU(),
                          nn.Linear(8, 3))
    twin = twin_of(model, torch.nn.Sequential(
        torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Linear(8, 8), torch.nn.ReLU(),
        torch.nn.Linear(8, 3)), seed=31)
    opt = optim.Adam(model.parameters(), lr=0.05, weight_decay=0.01)
    opt_t = torch.optim.Adam(twin.parameters(), lr=0.05, weight_decay=0.01)
    sched, sched_t = optim.StepLR(opt, 2), torch.optim.lr_scheduler.StepLR(opt_t, 2)
    criterion = nn.CrossEntropyLoss()
    for step in range(5):
        x, y = rand(rng, 6, 4), rng.integers(0, 3, size=6)
        opt.zero_grad()
        opt_t.zero_grad()
        loss = criterion(model(x), y)
        model.backward(criterion.backward())
        loss_t = torch.nn.functional.cross_entropy(twin(t(x)), torch.from_numpy(y))
        loss_t.backward()
        assert loss == pytest.approx(loss_t.item(), rel=1e-10), f"loss at step {step}"
        optim.clip_grad_norm_(model.parameters(), 1.0)
        torch.nn.utils.clip_grad_norm_(twin.parameters(), 1.0)
        opt.step()
        opt_t.step()
        sched.step()
        sched_t.step()
    theirs = dict(twin.named_parameters())
    for name, param in model.named_parameters():
        assert_close(param.data, theirs[name], name)
