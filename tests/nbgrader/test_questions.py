"""The lesson notebooks' questions: their points stated once, every check with its key."""

import importlib.util

import nbformat
import pytest

from grader.authoring import questions
from grader.paths import NOTEBOOKS


def _load_builder():
    spec = importlib.util.spec_from_file_location("_dlmath_notebooks_builder_q",
                                                  NOTEBOOKS / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


builder = _load_builder()


def _cells(source: str):
    cells = []
    for kind, text, question in builder.parse_cells(source):
        cell = (nbformat.v4.new_markdown_cell if kind == "markdown" else
                nbformat.v4.new_code_cell)(text)
        if question:
            cell.metadata["dlmath"] = {"question": question}
        cells.append(cell)
    return cells


ASKED = """\
# %% [markdown]
# **Question 1 (written, 2 points).** Why?

# %% [markdown] answer: unit-q1 points=2
# YOUR ANSWER HERE

# %% [markdown]
# **Question 2 (1 point).** How many?

# %% answer: unit-q2
count = None

# %% check: unit-q2 points=1
assert count is not None
"""


def test_the_prose_must_state_the_points_of_the_markers():
    assert builder.stated_points_problems(_cells(ASKED), "unit", "en") == []
    wrong = ASKED.replace("(1 point)", "(2 points)").replace("Question 1 (", "Question 3 (")
    assert builder.stated_points_problems(_cells(wrong), "unit", "en") == [
        "Question 3 has no graded cell (no '# %% ... unit-q3 points=' marker)",
        "Question 2 says 2 point(s), its marker 1"]
    chinese = _cells(ASKED)
    chinese[0].source = "**问题 1（书面作答，3 分）。** 为什么？"
    chinese[3].source = "**问题 2（1 分）。** 多少？"
    assert builder.stated_points_problems(chinese, "unit", "zh-CN") == [
        "Question 1 says 3 point(s), its marker 2"]


def test_every_check_has_a_key_and_every_key_a_check():
    keys = questions.load_keys()
    assert builder.check_keys(keys) == []
    stale = {**keys, "conv-q9": "assert True"}
    del stale["linear-q2"]
    assert builder.check_keys(stale) == [
        "src/linear.py: linear-q2 has no key in docs/answers-notebooks.toml",
        "src/conv.py: docs/answers-notebooks.toml holds a key for conv-q9, which has no check "
        "cell (stale)"]


def test_the_questions_and_their_points_in_order():
    nb = nbformat.v4.new_notebook(cells=_cells(ASKED))
    found = questions.graded_questions(nb)
    assert found == [questions.Question("unit-q1", "written", 2.0),
                     questions.Question("unit-q2", "check", 1.0)]
    assert questions.questions_table(found).splitlines() == [
        "| question | kind | points |", "|---|---|---:|",
        "| Question 1 | written, graded by hand | 2 |",
        "| Question 2 | short answer, checked automatically | 1 |",
        "| **total** | | **3** |"]


def test_as_nbgrader_hides_the_key_and_for_students_removes_it():
    nb = questions.as_nbgrader(nbformat.v4.new_notebook(cells=_cells(ASKED)),
                               keys={"unit-q2": "assert count == 4"})
    check = nb.cells[-1].source
    assert check.splitlines() == ["assert count is not None", questions.BEGIN_HIDDEN,
                                  "assert count == 4", questions.END_HIDDEN]
    assert questions.for_students(nb).cells[-1].source == "assert count is not None"
    with pytest.raises(questions.MissingKey, match="no key for unit-q2"):
        questions.as_nbgrader(nbformat.v4.new_notebook(cells=_cells(ASKED)),
                              keys={"unit-q2": "  "})
