"""course.md teaches: problems before answers, figures and links in every chapter, errata fixed.

Every chapter is checked, and every chapter must have a figure.
"""

import math
import re
from pathlib import Path

import numpy as np
import pytest

from grader.authoring.course import fill_rubric_tables

ROOT = Path(__file__).resolve().parents[2]
COURSE = (ROOT / "course.md").read_text()
ANSWERS = (ROOT / "docs" / "answers.md").read_text()
CHAPTERS = {
    1: "Neural networks, neurons and layers",
    2: "Backpropagation: the chain rule in vector form",
    3: "Unit 1: activations", 4: "Unit 2: losses", 5: "Unit 3: linear", 6: "Unit 4: optim",
    7: "Unit 5: conv", 8: "Unit 6: rnn", 9: "Unit 7: attention", 10: "Unit 8: normalization",
    11: "Unit 9: training", 12: "Unit 10: transformer", 13: "Unit 11: gated",
    14: "Challenges and trends",
}
UNIT_LINKS = {  # chapter: (notebook, capstone)
    3: ("activations", "cnn_digits"), 4: ("losses", "logistic_regression"),
    5: ("linear", "logistic_regression"), 6: ("optim", "logistic_regression"),
    7: ("conv", "cnn_digits"), 8: ("rnn", "rnn_sequence"), 9: ("attention", "attention_sequence"),
    10: ("normalization", None), 11: ("training", None), 12: ("transformer", "char_lm"),
    13: ("gated", "lstm_vs_rnn"),
}


def flat(text: str) -> str:
    return " ".join(text.split())


def chapter(number: int) -> str:
    start = COURSE.index(f"\n## Chapter {number}. {CHAPTERS[number]}\n")
    end = COURSE.index("\n## ", start + 1)
    return COURSE[start:end]


def problems(text: str) -> list[str]:
    return re.findall(r"^\*\*Problem (\d+\.\d+)\b", text, re.MULTILINE)


@pytest.mark.parametrize("number", sorted(CHAPTERS))
def test_each_chapter_ends_with_three_to_six_problems(number):
    text = chapter(number)
    assert "\n### Problems\n" in text
    end = problems(text[text.index("\n### Problems\n"):])
    assert 3 <= len(end) <= 6, end
    assert all(p.startswith(f"{number}.") for p in problems(text))
    assert len(set(problems(text))) == len(problems(text)), "a problem number is used twice"


def test_the_end_problems_mix_pen_and_paper_and_predict_then_check():
    text = COURSE[COURSE.index("## Chapter 1."):COURSE.index("## Questions and answers")]
    assert text.count("(pen and paper") >= 15
    assert text.count("(predict, then check)") >= 8


@pytest.mark.parametrize("number", [3, 4, 5, 7, 8, 9, 10, 11, 12, 13])
def test_the_unit_chapters_pose_their_derivations_as_problems_with_graded_hints(number):
    text = chapter(number)
    before_end = text[:text.index("\n### Problems\n")]
    assert problems(before_end), "no derivation problem before the end of the chapter"
    hints = re.findall(r"<summary>Hint (\d)</summary>", before_end)
    assert hints.count("1") >= len(problems(before_end)) - 1
    assert "2" in hints, "hints are not graded (no second hint)"


# formulas that answer an exercise: they belong to docs/answers.md, not to course.md
ANSWERS_ONLY = [
    r"\bar{x} = \bar{y} \odot s \odot (1 - s)",
    r"\bar{x} = s \odot \big(\bar{y} - \langle \bar{y}, s \rangle \mathbf{1}\big)",
    r"\bar{x} = \bar{y} - s \sum_i \bar{y}_i",
    r"\frac{\partial \ell}{\partial z} = \sigma(z) - t",
    r"\bar{z}_n = \mathrm{softmax}(z_n) - \mathrm{onehot}(y_n)",
    r"\bar{W}_{ki} = \sum_{r} G_{rk} X_{ri}, \qquad \bar{W} = G^\top X",
    r"W^\top = X_c^{+} Y_c , \qquad b = \mu_Y - W \mu_X",
    r"\sum_{o} \sum_{m, r} G^{d}_{n, o, u - m, v - r} w_{o, c, m, r}",
    r"\bar{H}_{\text{prev}} &= \Delta W_{hh}",
    r"\bar{V} = P^\top \bar{O}",
    r"\bar{Q} = c \bar{Z} K",
]


@pytest.mark.parametrize("formula", ANSWERS_ONLY)
def test_worked_answers_are_in_the_appendix_not_in_the_course(formula):
    assert flat(formula) not in flat(COURSE)
    assert flat(formula) in flat(ANSWERS)


def answered(number: str) -> bool:
    chapter_, index = (int(part) for part in number.split("."))
    for first, last in re.findall(r"^## Problems? (\d+\.\d+)(?: (?:and|to) (\d+\.\d+))?",
                                  ANSWERS, re.MULTILINE):
        low, high = first.split("."), (last or first).split(".")
        if int(low[0]) == chapter_ and int(low[1]) <= index <= int(high[1]):
            return True
    return f"**{number}.**" in ANSWERS


def test_every_problem_has_an_answer_in_the_appendix():
    posed = problems(COURSE)
    assert len(posed) >= 50
    assert [p for p in posed if not answered(p)] == []


def test_the_readme_promise_holds_the_course_says_derivations_are_yours():
    readme = flat((ROOT / "README.md").read_text())
    assert "deriving the gradient" in readme.lower() or "deriving the gradients" in readme.lower()
    assert "the chapter shows each derivation" not in flat(COURSE)
    assert "poses the derivations as problems" in flat(COURSE)


@pytest.mark.parametrize("number", sorted(CHAPTERS))
def test_each_chapter_has_a_figure_and_lists_its_figures_at_the_top(number):
    text = chapter(number)
    shown = re.findall(r'<a id="(figure-[a-z0-9-]+)"></a>\n!\[[^\]]+\]\(docs/figures/'
                       r'([a-z0-9-]+)\.svg\)\n', text)
    assert shown, "no figure (an anchor, then the image) in this chapter"
    assert all(anchor == f"figure-{name}" for anchor, name in shown)
    top = next(line for line in text.splitlines() if line.startswith("**"))
    listed = re.findall(r"\]\(#(figure-[a-z0-9-]+)\)", top.split("**Figures:**")[-1])
    assert "**Figures:**" in top and sorted(listed) == sorted(a for a, _ in shown), top


@pytest.mark.parametrize("number", sorted(UNIT_LINKS))
def test_each_unit_chapter_links_its_notebook_and_capstone(number):
    notebook, capstone = UNIT_LINKS[number]
    text = chapter(number)
    assert f"(notebooks/{notebook}.ipynb)" in text
    assert capstone is None or f"(dlmath/capstones/{capstone}.py)" in text


def test_every_local_link_and_anchor_resolves():
    for target in re.findall(r"\]\(((?:docs|notebooks|examples|dlmath)/[^)#]+)\)", COURSE):
        assert (ROOT / target).is_file(), target
    anchors = set(re.findall(r'<a id="([a-z0-9-]+)"></a>', COURSE))
    for anchor in re.findall(r"\]\(#(figure-[a-z0-9-]+)\)", COURSE):
        assert anchor in anchors, anchor


def test_the_founding_documents_example_is_shown_fixed():
    text = chapter(5)
    assert "model = LinearRegression(2, 1)" in text and "optim.SGD(model.parameters()" in text
    assert "optim.SGD(linear.parameters()" not in text
    assert "(examples/linear_regression.py)" in text


def test_the_founding_documents_faq_has_its_own_section():
    start = COURSE.index("\n## Questions and answers from the founding document\n")
    section = COURSE[start:COURSE.index("\n## Glossary\n")]
    asked = re.findall(r"^\*\*Q(\d+)\. ", section, re.MULTILINE)
    assert asked == [str(n) for n in range(1, 12)]


# ---------------------------------------------------------------- errata
WRONG = [
    "Either way, the result has the padded shape",
    "its loss is convex in $(w, b)$, so gradient descent (Chapter 6) finds the minimum",
    "so that the effective step size never grows",
    "costs about as much as its forward again",
    "This is Sutskever et al.'s reformulation",
    "the buffer grows up to about $1/(1-\\mu)$",
    "for logits of a few hundred",
    "any continuous function on a bounded region",
    "the running averages $v$ and $\\bar{g}$ and the buffer $b$",
]


@pytest.mark.parametrize("claim", WRONG)
def test_an_erratum_is_gone(claim):
    assert flat(claim) not in flat(COURSE) and flat(claim) not in flat(ANSWERS)


def test_the_notebooks_jacobian_text_is_fixed():
    text = (ROOT / "notebooks" / "src" / "activations.py").read_text()
    assert "returns row `i` of `J^T`" not in text and "row `i` of `J`" in text


def test_the_corrections_are_stated_and_the_numbers_are_right():
    course = flat(COURSE)
    # softmax overflows where exp does: ln(largest float)
    assert f"{math.log(np.finfo(np.float64).max):.2f}" == "709.78" and "709.78" in course
    assert f"{math.log(np.finfo(np.float32).max):.2f}" == "88.72" and "88.72" in course
    with np.errstate(over="ignore"):
        assert np.isfinite(np.exp(709.7)) and np.isinf(np.exp(710.0))
    # the momentum buffer's limit
    mu, tau, buffer = 0.9, 0.5, 1.0
    for _ in range(500):
        buffer = mu * buffer + (1 - tau) * 1.0
    assert abs(buffer - (1 - tau) / (1 - mu)) < 1e-9
    assert r"\frac{1 - \tau}{1 - \mu} g" in course
    # NumPy 2's promotion rule, and the version the course assumes
    assert (np.ones(2, np.float32) * np.float64(0.5)).dtype == np.float64
    assert int(np.__version__.split(".")[0]) >= 2 and "NumPy 2.0 or later" in course
    # the rest
    assert "compact" in course and "not a polynomial" in course
    assert "Bengio, Boulanger-Lewandowski and Pascanu (2013)" in course
    assert "costs about **twice** its forward" in course
    assert "there is no minimiser" in course
    assert "With PyTorch's bias correction it can grow" in course
    assert r"\rho_h = (H + 2p_h - kH) \bmod s_h" in flat(ANSWERS)


def test_the_notation_is_consistent_with_its_table():
    optim = chapter(6)
    assert r"\bar{g}" not in optim.replace(r"$\bar{g}$.)", "")  # the one sentence explaining it
    assert r"\mu b" not in optim and "$u$" in optim
    assert "| $u$, $m$, $v$ |" in COURSE


def test_the_points_tables_are_generated_from_the_rubric():
    assert fill_rubric_tables(COURSE) == COURSE
