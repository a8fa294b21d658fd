"""The worked examples and the dlmath wrappers, run on the reference solutions.

Not a graded suite: it checks the course's own provided code (dlmath.nn,
dlmath.optim, dlmath.units, dlmath.gradcheck and examples/) against torch.
"""

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from dlmath import gradcheck, nn, optim, units

ROOT = Path(__file__).resolve().parents[2]
SOLUTIONS = ROOT / "solutions"
EXAMPLES = ROOT / "examples"


def load_example(name):
    """Import ``examples/<name>.py`` from its path (examples/ is not a package)."""
    path = EXAMPLES / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"_dlmath_example_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def needs(*unit_names):
    missing = [u for u in unit_names if not (SOLUTIONS / f"{u}.py").is_file()]
    if missing:
        pytest.skip(f"solutions/ has no {', '.join(missing)}.py yet")


@pytest.fixture(autouse=True)
def solutions_folder():
    with units.using(SOLUTIONS):
        yield


def rand(rng, *shape):
    return rng.standard_normal(shape)


def t(x, grad=False):
    return torch.tensor(x, dtype=torch.float64, requires_grad=grad)


def copy_params(ours, twin):
    """Copy our parameters into the torch twin; their names must match torch's."""
    theirs = dict(twin.named_parameters())
    mine = dict(ours.named_parameters())
    assert list(mine) == list(theirs)
    with torch.no_grad():
        for name, param in mine.items():
            theirs[name].copy_(torch.from_numpy(param.data))


def assert_grads_match(ours, twin):
    theirs = dict(twin.named_parameters())
    for name, param in ours.named_parameters():
        np.testing.assert_allclose(param.grad, theirs[name].grad.numpy(), rtol=1e-10,
                                   atol=1e-12, err_msg=name)


def check_module(ours, twin, x, forward_twin=None):
    """Forward, input gradient and parameter gradients of ``ours`` equal torch's."""
    copy_params(ours, twin)
    rng = np.random.default_rng(5)
    out = ours(x)
    xt = t(x, grad=True)
    out_t = (forward_twin or twin)(xt)
    np.testing.assert_allclose(out, out_t.detach().numpy(), rtol=1e-10, atol=1e-12)
    g = rng.standard_normal(out.shape)
    grad_x = ours.backward(g)
    out_t.backward(t(g))
    np.testing.assert_allclose(grad_x, xt.grad.numpy(), rtol=1e-10, atol=1e-12)
    assert_grads_match(ours, twin)


# --------------------------------------------------------------- examples


def test_linear_regression_curves_agree():
    needs("linear", "losses", "optim")
    torch_losses, numpy_losses = load_example("linear_regression").run(SOLUTIONS, epochs=1000)
    assert len(torch_losses) == len(numpy_losses) == 1000
    np.testing.assert_allclose(numpy_losses, torch_losses, rtol=0, atol=1e-6)
    assert torch_losses[-1] < 0.05 < torch_losses[0]  # it did learn


def test_logistic_regression_accuracy_agrees():
    needs("linear", "losses", "optim")
    result = load_example("logistic_regression").run(SOLUTIONS)
    np.testing.assert_allclose(result.numpy_losses, result.torch_losses, rtol=0, atol=1e-6)
    assert abs(result.numpy_accuracy - result.torch_accuracy) <= 1.0
    assert result.torch_accuracy > 90.0


def test_examples_main_prints_side_by_side(capsys):
    needs("linear", "losses", "optim")
    load_example("linear_regression").main(["--units", str(SOLUTIONS), "--epochs", "20"])
    out = capsys.readouterr().out
    assert "torch loss" in out and "dlmath loss" in out and "largest difference" in out


# ------------------------------------------------------------- nn modules


def test_mlp_cross_entropy_gradients_match_torch():
    needs("linear", "activations", "losses")
    rng = np.random.default_rng(0)
    model = nn.Sequential(nn.Linear(4, 8, rng=rng), nn.ReLU(), nn.Linear(8, 3, rng=rng))
    twin = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 3))
    twin.double()
    copy_params(model, twin)
    x, y = rand(rng, 6, 4), rng.integers(0, 3, size=6)
    criterion = nn.CrossEntropyLoss()
    loss = criterion(model(x), y)
    grad_x = model.backward(criterion.backward())
    xt = t(x, grad=True)
    loss_t = torch.nn.CrossEntropyLoss()(twin(xt), torch.from_numpy(y))
    loss_t.backward()
    assert isinstance(loss, float)
    assert loss == pytest.approx(loss_t.item(), rel=1e-12)
    np.testing.assert_allclose(grad_x, xt.grad.numpy(), rtol=1e-10, atol=1e-12)
    assert_grads_match(model, twin)


def test_linear_layout_and_init():
    layer = nn.Linear(5, 3, rng=np.random.default_rng(0))
    assert layer.weight.shape == (3, 5) and layer.bias.shape == (3,)
    assert np.all(np.abs(layer.weight.data) <= 1 / np.sqrt(5))
    assert layer.weight.data.dtype == np.float64 and layer.weight.grad is None
    same = nn.Linear(5, 3, rng=np.random.default_rng(0))
    np.testing.assert_array_equal(layer.weight.data, same.weight.data)
    assert len(nn.Linear(5, 3, bias=False).parameters()) == 1


@pytest.mark.parametrize("ours, theirs", [
    (lambda: nn.Sigmoid(), lambda: torch.nn.Sigmoid()),
    (lambda: nn.Tanh(), lambda: torch.nn.Tanh()),
    (lambda: nn.LeakyReLU(0.2), lambda: torch.nn.LeakyReLU(0.2)),
    (lambda: nn.Softmax(dim=0), lambda: torch.nn.Softmax(dim=0)),
    (lambda: nn.LogSoftmax(dim=1), lambda: torch.nn.LogSoftmax(dim=1)),
])
def test_activation_modules_match_torch(ours, theirs):
    needs("activations")
    check_module(ours(), theirs(), rand(np.random.default_rng(1), 4, 5))


@pytest.mark.parametrize("reduction", ["mean", "sum"])
@pytest.mark.parametrize("name", ["MSELoss", "BCELoss", "BCEWithLogitsLoss"])
def test_loss_modules_match_torch(name, reduction):
    needs("losses")
    rng = np.random.default_rng(2)
    pred, target = rand(rng, 4, 3), rng.uniform(size=(4, 3))
    if name == "BCELoss":
        pred = rng.uniform(0.05, 0.95, size=(4, 3))
    criterion = getattr(nn, name)(reduction=reduction)
    loss = criterion(pred, target)
    grad = criterion.backward()
    pt = t(pred, grad=True)
    loss_t = getattr(torch.nn, name)(reduction=reduction)(pt, t(target))
    loss_t.backward()
    assert loss == pytest.approx(loss_t.item(), rel=1e-12)
    np.testing.assert_allclose(grad, pt.grad.numpy(), rtol=1e-10, atol=1e-14)
    with pytest.raises(ValueError, match="reduction"):
        getattr(nn, name)(reduction="none")


def test_conv_pool_flatten_match_torch():
    needs("conv")
    rng = np.random.default_rng(3)
    model = nn.Sequential(nn.Conv2d(2, 3, 3, stride=1, padding=1, rng=rng), nn.MaxPool2d(2),
                          nn.Flatten())
    twin = torch.nn.Sequential(torch.nn.Conv2d(2, 3, 3, stride=1, padding=1),
                               torch.nn.MaxPool2d(2), torch.nn.Flatten()).double()
    check_module(model, twin, rand(rng, 2, 2, 6, 6))


@pytest.mark.parametrize("batch_first", [True, False])
def test_rnn_matches_torch(batch_first):
    needs("rnn")
    rng = np.random.default_rng(4)
    rnn = nn.RNN(3, 5, batch_first=batch_first, rng=rng)
    twin = torch.nn.RNN(3, 5, batch_first=batch_first).double()
    copy_params(rnn, twin)
    x = rand(rng, 2, 4, 3) if batch_first else rand(rng, 4, 2, 3)  # N = 2, L = 4
    h0 = rand(rng, 1, 2, 5)
    out, h_n = rnn(x, h0)
    xt, h0t = t(x, grad=True), t(h0, grad=True)
    out_t, h_n_t = twin(xt, h0t)
    np.testing.assert_allclose(out, out_t.detach().numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(h_n, h_n_t.detach().numpy(), rtol=1e-10, atol=1e-12)
    g, g_h = rand(rng, *out.shape), rand(rng, *h_n.shape)
    grad_x, grad_h0 = rnn.backward(g, g_h)
    torch.autograd.backward([out_t, h_n_t], [t(g), t(g_h)])
    np.testing.assert_allclose(grad_x, xt.grad.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(grad_h0, h0t.grad.numpy(), rtol=1e-10, atol=1e-12)
    assert_grads_match(rnn, twin)


@pytest.mark.parametrize("is_causal", [False, True])
def test_multihead_attention_matches_torch(is_causal):
    needs("attention")
    rng = np.random.default_rng(6)
    N, L, E = 2, 4, 6
    mha = nn.MultiheadAttention(E, 2, batch_first=True, rng=rng)
    twin = torch.nn.MultiheadAttention(E, 2, batch_first=True).double()
    mask = torch.nn.Transformer.generate_square_subsequent_mask(L, dtype=torch.float64)
    kwargs = {"attn_mask": mask, "is_causal": True} if is_causal else {}

    def forward_twin(xt):
        return twin(xt, xt, xt, need_weights=False, **kwargs)[0]

    ours = _Unwrap(mha, is_causal)
    check_module(ours, twin, rand(rng, N, L, E), forward_twin)


class _Unwrap(nn.Module):
    """``mha(x)[0]`` as a one-input, one-output module (for check_module)."""

    def __init__(self, mha, is_causal):
        super().__init__()
        self.mha, self.is_causal = mha, is_causal

    def named_parameters(self, prefix=""):
        return self.mha.named_parameters(prefix)

    def forward(self, x):
        return self.mha(x, x, x, is_causal=self.is_causal)[0]

    def backward(self, grad_output):
        return self.mha.backward(grad_output)


def test_parameters_names_and_order_follow_torch():
    model = nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 1))
    assert [name for name, _ in model.named_parameters()] == [
        "0.weight", "0.bias", "2.weight", "2.bias"]
    assert [n for n, _ in nn.RNN(2, 3).named_parameters()] == [
        "weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"]
    assert [n for n, _ in nn.MultiheadAttention(4, 2).named_parameters()] == [
        "in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias"]


def test_backward_accumulates_and_zero_grad_resets():
    needs("linear")
    rng = np.random.default_rng(7)
    layer = nn.Linear(3, 2, rng=rng)
    x, g = rand(rng, 4, 3), rand(rng, 4, 2)
    layer(x)
    layer.backward(g)
    first = layer.weight.grad.copy()
    layer.backward(g)
    np.testing.assert_allclose(layer.weight.grad, 2 * first)  # += like torch
    layer.zero_grad(set_to_none=False)
    assert np.all(layer.weight.grad == 0) and np.all(layer.bias.grad == 0)
    layer.zero_grad()
    assert layer.weight.grad is None and layer.bias.grad is None
    opt = optim.SGD(layer.parameters(), lr=0.1)
    layer.backward(g)
    opt.zero_grad(set_to_none=False)
    assert np.all(layer.weight.grad == 0)
    opt.zero_grad()
    assert layer.weight.grad is None


def test_backward_before_forward_is_a_clear_error():
    with pytest.raises(RuntimeError, match="before forward"):
        nn.Linear(2, 2).backward(np.ones((1, 2)))


def test_train_eval_flags_are_recursive():
    model = nn.Sequential(nn.Linear(2, 2), nn.Sequential(nn.ReLU(), nn.Linear(2, 1)))
    assert model.training and model[1][0].training
    assert model.eval() is model
    assert not model.training and not model[1][0].training and not model[1][1].training
    model.train()
    assert all(m.training for m in (model, model[0], model[1], model[1][1]))


# ------------------------------------------------------------ optimizers


@pytest.mark.parametrize("name, kwargs", [
    ("SGD", {"lr": 0.1}),
    ("SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True, "weight_decay": 0.01}),
    ("RMSprop", {"lr": 0.01, "momentum": 0.5, "centered": True}),
    ("Adam", {"lr": 0.01, "amsgrad": True, "weight_decay": 0.1}),
    ("AdamW", {"lr": 0.01}),
])
def test_optimizer_steps_match_torch(name, kwargs):
    needs("optim")
    rng = np.random.default_rng(8)
    params = [nn.Parameter(rand(rng, 3, 2)), nn.Parameter(rand(rng, 4))]
    tensors = [t(p.data, grad=True) for p in params]
    ours = getattr(optim, name)(params, **kwargs)
    theirs = getattr(torch.optim, name)(tensors, **kwargs)
    for _ in range(4):
        for p, pt in zip(params, tensors, strict=True):
            p.grad = rand(rng, *p.shape)
            pt.grad = t(p.grad)
        ours.step()
        theirs.step()
    for p, pt in zip(params, tensors, strict=True):
        np.testing.assert_allclose(p.data, pt.detach().numpy(), rtol=1e-10, atol=1e-12)


def test_optimizer_skips_parameters_without_gradient():
    needs("optim")
    param = nn.Parameter(np.ones(3))
    optim.Adam([param]).step()
    np.testing.assert_array_equal(param.data, np.ones(3))


# ------------------------------------------------------------------ units


def test_units_load_by_path_and_cache(tmp_path):
    (tmp_path / "toy.py").write_text("VALUE = 41\n")
    with units.using(tmp_path) as folder:
        assert folder == tmp_path.resolve()
        toy = units.load("toy")
        assert toy.VALUE == 41 and units.load("toy") is toy
        assert "toy" not in sys.modules
    assert units.folder() == SOLUTIONS.resolve()


def test_units_missing_file_is_named(tmp_path):
    with units.using(tmp_path), pytest.raises(FileNotFoundError, match=r"linear\.py"):
        units.load("linear")
    with units.using(tmp_path), pytest.raises(FileNotFoundError, match=r"linear\.py"):
        nn.Linear(2, 2)(np.ones((1, 2)))


def test_units_default_folder_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv(units.ENV_VAR, str(tmp_path))
    assert units.default_folder() == tmp_path.resolve()
    monkeypatch.delenv(units.ENV_VAR)
    monkeypatch.chdir(tmp_path)
    assert units.default_folder() == tmp_path.resolve()


# -------------------------------------------------------------- gradcheck


def _affine_forward(x, w):
    return x @ w.T, (x, w)


def _affine_backward(grad_output, cache):
    x, w = cache
    return grad_output @ w, grad_output.T @ x


def _affine_backward_wrong(grad_output, cache):
    x, w = cache
    return grad_output @ w, np.ones_like(grad_output).T @ x  # the "gradient of ones" bug


def test_gradcheck_passes_a_right_backward():
    rng = np.random.default_rng(9)
    result = gradcheck.check_gradients(_affine_forward, _affine_backward,
                                       [rand(rng, 4, 3), rand(rng, 2, 3)], verbose=False)
    assert result and result.passed
    assert set(result.errors) == {"x", "w"} and max(result.errors.values()) < 1e-7


def test_gradcheck_catches_a_wrong_backward(capsys):
    rng = np.random.default_rng(9)
    inputs = [rand(rng, 4, 3), rand(rng, 2, 3)]
    result = gradcheck.check_gradients(_affine_forward, _affine_backward_wrong, inputs)
    assert not result
    assert result.errors["x"] < 1e-7 and result.errors["w"] > 1e-2
    assert "FAILED" in capsys.readouterr().out
    with pytest.raises(gradcheck.GradcheckError, match="w: relative error"):
        gradcheck.check_gradients(_affine_forward, _affine_backward_wrong, inputs,
                                  verbose=False, raise_on_failure=True)


def test_gradcheck_flags_in_place_modification_and_bad_shapes():
    def forward(x):
        x *= 2  # modifies its argument
        return x.copy(), None

    def backward(grad_output, cache):
        return grad_output[:1]

    result = gradcheck.check_gradients(forward, backward, [np.ones((2, 2))], verbose=False)
    assert not result
    assert any("in place" in p for p in result.problems)
    assert any("shape" in p for p in result.problems)


def test_gradcheck_on_a_loss_and_a_reference_unit():
    needs("losses")
    losses = units.load("losses")
    rng = np.random.default_rng(10)
    result = gradcheck.check_gradients(losses.cross_entropy_forward, losses.cross_entropy_backward,
                                       [rand(rng, 5, 3), rng.integers(0, 3, 5)], verbose=False)
    assert result and list(result.errors) == ["input"]
