"""The figures of course.md are current, reproducible and all used.

``docs/figures/make_figures.py`` draws every figure from seeded NumPy; the
committed SVG files must be exactly what it draws now (run it after editing
it), the same bytes on every run, and each figure must be linked from
course.md (and every figure course.md links must exist).
"""

import importlib.util
import math
import re
from pathlib import Path

import numpy as np
import pytest

from dlmath import units

ROOT = Path(__file__).resolve().parents[2]
FIGURES = ROOT / "docs" / "figures"


def _load():
    spec = importlib.util.spec_from_file_location("_dlmath_make_figures",
                                                  FIGURES / "make_figures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


make_figures = _load()


def course_links() -> set[str]:
    text = (ROOT / "course.md").read_text()
    return set(re.findall(r"\]\(docs/figures/([a-z0-9-]+)\.svg\)", text))


@pytest.mark.parametrize("name", sorted(make_figures.FIGURES))
def test_the_committed_figure_is_what_the_script_draws(name):
    committed = FIGURES / f"{name}.svg"
    assert committed.is_file(), f"docs/figures/{name}.svg is missing: run make_figures.py"
    assert committed.read_bytes() == make_figures.render(name), (
        f"docs/figures/{name}.svg is stale: run python docs/figures/make_figures.py")


def test_rendering_is_byte_stable_and_carries_no_date():
    first, second = make_figures.render("amsgrad"), make_figures.render("amsgrad")
    assert first == second
    assert b"<dc:date>" not in first and b"dlmath docs/figures/make_figures.py" in first


def test_the_check_mode_reports_a_stale_figure(tmp_path):
    (tmp_path / "amsgrad.svg").write_bytes(make_figures.render("amsgrad") + b"\n")
    stale = make_figures.stale(tmp_path)
    assert "amsgrad" in stale and "network" in stale  # changed, and missing


def test_every_figure_is_linked_from_the_course_and_every_link_exists():
    assert course_links() == set(make_figures.FIGURES)
    assert not [p.name for p in FIGURES.glob("*.svg") if p.stem not in make_figures.FIGURES]


def test_the_figures_show_the_numbers_the_course_states():
    # AMSGrad with torch's bias correction: the effective step grows to ~25x (Chapter 6)
    steps = make_figures.amsgrad_steps()
    assert steps[0] == 1.0 and 25.0 < steps[-1] < 25.3
    assert max(make_figures.amsgrad_steps(corrected=False)) == 1.0
    # with weights, the initialisation decides: Xavier keeps tanh's gradient, small kills it
    tanh_xavier = make_figures.stack_gradient_sizes("tanh", 1.0)[-1]
    tanh_small = make_figures.stack_gradient_sizes("tanh", 0.25)[-1]
    sigmoid_xavier = make_figures.stack_gradient_sizes("sigmoid", 1.0)[-1]
    assert tanh_xavier > 0.1 and tanh_small < 1e-6 and sigmoid_xavier < 1e-10
    # the recurrent gradient decays below scale 1 and grows above it
    assert make_figures.rnn_gradient_norms(0.5)[-1] < 1e-15
    assert make_figures.rnn_gradient_norms(2.0)[-1] > 100


def test_the_later_chapters_figures_show_the_numbers_their_captions_state():
    # Chapter 10: without normalization the size drifts by about 2^6 either way in 12
    # layers; with it, every layer has the same size whatever the gain
    assert make_figures.stack_activation_rms(1.0)[-1] < 0.05
    assert make_figures.stack_activation_rms(2.0)[-1] > 30
    assert 0.5 < make_figures.stack_activation_rms(math.sqrt(2))[-1] < 2
    for norm in ("batch_norm", "layer_norm", "rms_norm"):
        low, high = (make_figures.stack_activation_rms(g, norm) for g in (1.0, 2.0))
        assert np.allclose(low, high, rtol=1e-4) and np.all((0.5 < low) & (low < 1))
    # Chapter 12: the dot product of two encodings depends on their offset only
    encoding = make_figures.positional_encoding(64, 64)
    offsets = np.arange(-10, 11)
    curves = [encoding[p] @ encoding[p + offsets].T for p in (10, 30, 50)]
    assert np.allclose(curves[0], curves[1]) and np.allclose(curves[0], curves[2])
    assert curves[0][10] == pytest.approx(32) and curves[0].argmax() == 10
    # Chapter 13: the RNN's gradient vanishes over 39 steps, the LSTM's with f ~ 0.95 does not
    assert make_figures.gated_gradient_norms("rnn")[0] < 1e-9
    assert make_figures.gated_gradient_norms("lstm", 0.0)[0] < 1e-6
    assert 1e-4 < make_figures.gated_gradient_norms("lstm", 1.0)[0] < 1e-2
    assert make_figures.gated_gradient_norms("lstm", 3.0)[0] > 0.5


SOLUTIONS = ROOT / "solutions"


def test_the_later_chapters_figures_compute_what_the_reference_solutions_compute():
    with units.using(SOLUTIONS):
        training, transformer = units.load("training"), units.load("transformer")
        normalization = units.load("normalization")
    settings = {"step": {"step_size": 25, "gamma": 0.5}, "cosine": {"T_max": 100},
                "linear_warmup_cosine": {"warmup_steps": 10, "total_steps": 100},
                "onecycle": {"max_lr": 0.1, "total_steps": 100}}
    for schedule, kwargs in settings.items():
        drawn = [make_figures._lr(t, schedule) for t in range(100)]
        assert drawn == pytest.approx([training.lr_at(t, schedule, 0.1, **kwargs)
                                       for t in range(100)], rel=1e-12), schedule
    assert np.allclose(make_figures.positional_encoding(64, 64),
                       transformer.sinusoidal_positional_encoding(64, 64))
    a = np.random.default_rng(0).normal(0.5, 2.0, (32, 16))
    assert np.allclose(make_figures._NORMS["batch_norm"](a),
                       normalization.batch_norm_forward(a)[0][0])
    assert np.allclose(make_figures._NORMS["layer_norm"](a),
                       normalization.layer_norm_forward(a, (16,))[0])
    assert np.allclose(make_figures._NORMS["rms_norm"](a),
                       normalization.rms_norm_forward(a, (16,))[0])


@pytest.mark.parametrize(("cell", "forget_bias"), [("rnn", 0.0), ("lstm", 0.0), ("lstm", 3.0)])
def test_the_gradient_through_time_is_the_reference_backward(cell, forget_bias):
    x, weight_ih, weight_hh, bias, grad_h_n = make_figures.recurrent_setup(cell, forget_bias)
    x = x.transpose(1, 0, 2)  # batch first
    with units.using(SOLUTIONS):
        unit = units.load("gated" if cell == "lstm" else "rnn")
    if cell == "lstm":
        (output, _, _), cache = unit.lstm_forward(x, None, None, weight_ih, weight_hh, bias)
        grad_x = unit.lstm_backward(np.zeros_like(output), grad_h_n, None, cache)[0]
    else:
        (output, _), cache = unit.rnn_forward(x, None, weight_ih, weight_hh, bias)
        grad_x = unit.rnn_backward(np.zeros_like(output), grad_h_n, cache)[0]
    sizes = np.linalg.norm(grad_x, axis=(0, 2))
    assert np.allclose(make_figures.gated_gradient_norms(cell, forget_bias),
                       sizes / sizes[-1], rtol=1e-9)
