"""The figures of course.md are current, reproducible and all used.

``docs/figures/make_figures.py`` draws every figure from seeded NumPy; the
committed SVG files must be exactly what it draws now (run it after editing
it), the same bytes on every run, and each figure must be linked from
course.md (and every figure course.md links must exist).
"""

import importlib.util
import re
from pathlib import Path

import pytest

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
