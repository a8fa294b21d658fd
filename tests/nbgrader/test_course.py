"""``dlmath nbgrader``: the course directory, its notebooks, and the cells' functions."""

import argparse
import shutil

import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager

from grader.authoring import notebook, questions
from grader.bundle import leaks
from grader.commands import nbgrader as nbgrader_command
from grader.nbgrader import cells, course
from grader.paths import SOLUTIONS
from grader.score.rubric import load_rubric


@pytest.fixture(scope="module")
def course_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("course")
    course.write_course(root, ["activations", "linear"])
    return root


def source_notebook(course_dir, unit):
    return nbformat.read(course_dir / "source" / unit / f"{unit}.ipynb", as_version=4)


def test_the_course_has_config_notebooks_and_stubs(course_dir):
    assert sorted(p.name for p in (course_dir / "source").iterdir()) == ["activations", "linear"]
    stub = (course_dir / "source" / "activations" / "activations.py").read_text()
    assert stub == notebook.stub_source("activations") and "NotImplementedError" in stub
    config = (course_dir / "nbgrader_config.py").read_text()
    for unit in load_rubric():
        assert f'"{unit}": ["{unit}.py"]' in config
    assert "IgnorePattern" in config and "timeout_func" in config and "ClearHiddenTests" in config
    compile(config, "nbgrader_config.py", "exec")


def test_one_graded_hidden_cell_per_rubric_check(course_dir):
    nb = source_notebook(course_dir, "activations")
    graded = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")
              and not c.id.startswith("public-")  # public checks: graded cells worth 0
              and not questions.question_of(c)]  # the lesson's questions: see below
    public = [c for c in nb.cells if c.id.startswith("public-")]
    assert public and all(c.metadata["nbgrader"]["points"] == 0 for c in public)
    checks = load_rubric()["activations"]
    assert len(graded) == len(checks)
    for cell, check in zip(graded, checks, strict=True):
        meta = cell.metadata["nbgrader"]
        assert meta == {"grade": True, "solution": False, "locked": True, "points": check.points,
                        "grade_id": check.id.replace("/", "-"), "schema_version": 3}
        lines = cell.source.splitlines()
        assert lines[0] == "### BEGIN HIDDEN TESTS" and lines[-1] == "### END HIDDEN TESTS"
        assert lines[-2] == f'hidden_check("{check.id}", "activations.py")'


def test_the_exercise_list_replaces_the_marker_with_the_rubric_points(course_dir):
    nb = source_notebook(course_dir, "activations")
    assert nb.metadata.kernelspec.name == "python3"
    assert "python3" in KernelSpecManager().find_kernel_specs()
    sources = [c.source for c in nb.cells]
    assert notebook.EXERCISES_MARKER not in sources
    exercises = next(s for s in sources if s.startswith("## Exercises"))
    for check in load_rubric()["activations"]:
        assert f"| `{check.name}` | {check.points:g} |" in exercises
    assert "27 points in all" in exercises
    lesson = nbformat.read(notebook.NOTEBOOKS / "activations.ipynb", as_version=4)
    assert lesson.cells[0].source in sources  # the lesson's own math and instructions
    public = [s for s in sources if "public_checks(" in s]
    functions = notebook.exercise_functions(notebook.stub_source("activations"))
    assert [s.splitlines()[-1] for s in public] == [
        f'public_checks("{f}", "activations.py")' for f in functions]


def test_a_unit_without_a_lesson_gets_an_intro_pointing_to_course_md(tmp_path, monkeypatch):
    monkeypatch.setattr(notebook, "NOTEBOOKS", tmp_path)
    nb = notebook.build_notebook("rnn", graded=True)
    assert "`course.md`, Chapter 8. Unit 6: rnn" in nb.cells[0].source
    assert nb.cells[1].source.startswith("## Exercises")
    hidden = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade", False)
              and not c.id.startswith("public-")]  # public checks are graded cells worth 0
    assert len(hidden) == len(load_rubric()["rnn"])


def test_the_questions_are_graded_cells_with_their_keys_hidden(course_dir):
    nb = source_notebook(course_dir, "activations")
    keys = questions.load_keys()
    cells = {questions.question_of(c)["id"] + "/" + questions.question_of(c)["kind"]: c
             for c in nb.cells if questions.question_of(c)}
    assert sorted(cells) == ["activations-q1/written", "activations-q2/answer",
                             "activations-q2/check", "activations-q3/answer",
                             "activations-q3/check"]
    meta = {name: cell.metadata["nbgrader"] for name, cell in cells.items()}
    assert meta["activations-q1/written"] == {
        "grade": True, "solution": True, "locked": False, "points": 2.0,
        "grade_id": "activations-q1", "schema_version": 3}
    assert cells["activations-q1/written"].cell_type == "markdown"
    for qid in ("activations-q2", "activations-q3"):
        assert meta[f"{qid}/answer"] == {"grade": False, "solution": True, "locked": False,
                                         "grade_id": qid, "schema_version": 3}
        assert meta[f"{qid}/check"] == {"grade": True, "solution": False, "locked": True,
                                        "points": 1.0, "grade_id": f"{qid}-check",
                                        "schema_version": 3}
        lines = cells[f"{qid}/check"].source.splitlines()
        assert lines[-3:] == [questions.BEGIN_HIDDEN, keys[qid], questions.END_HIDDEN]
    grade_ids = [c.metadata["nbgrader"]["grade_id"] for c in nb.cells if "nbgrader" in c.metadata]
    assert len(grade_ids) == len(set(grade_ids))
    rubric_ids = {notebook.grade_id(check.id) for check in load_rubric()["activations"]}
    assert rubric_ids < set(grade_ids) and not rubric_ids & {m["grade_id"] for m in meta.values()}


def _run(source: str, namespace: dict) -> bool:
    """Whether ``source`` runs without an exception in ``namespace``."""
    try:
        exec(source, namespace)
    except Exception:
        return False
    return True


def test_a_check_cell_passes_the_right_answer_only(course_dir):
    nb = source_notebook(course_dir, "activations")
    check = next(c.source for c in nb.cells
                 if c.metadata.get("nbgrader", {}).get("grade_id") == "activations-q2-check")
    assert _run(check, {"overflow_logit": 709.78})
    assert not _run(check, {"overflow_logit": 88.72})  # float32's threshold
    assert not _run(check, {"overflow_logit": None}) and not _run(check, {})


def test_the_exercise_list_shows_the_question_points_and_the_total(course_dir):
    graded = next(c.source for c in source_notebook(course_dir, "activations").cells
                  if c.source.startswith("## Exercises"))
    assert "| Question 1 | written, graded by hand | 2 |" in graded
    assert "| Question 2 | short answer, checked automatically | 1 |" in graded
    assert "| **total** | | **4** |" in graded and "27 + 4 = 31 points in all" in graded
    self_study = next(c.source for c in notebook.build_notebook("activations", False).cells
                      if c.source.startswith("## Exercises"))
    assert "| Question 3 | short answer, checked automatically | 1 |" in self_study
    assert "27 + 4" not in self_study and "the 27 points of the checks" in self_study


def test_the_self_study_notebook_has_no_key_and_no_nbgrader_cell_for_the_questions():
    nb = notebook.build_notebook("activations", graded=False)
    asked = [c for c in nb.cells if questions.question_of(c)]
    assert len(asked) == 5 and not [c for c in asked if "nbgrader" in c.metadata]
    text = "\n".join(c.source for c in nb.cells)
    assert "HIDDEN TESTS" not in text
    assert not [key for key in questions.load_keys().values() if key in text]


def test_two_cells_with_one_grade_id_are_refused(monkeypatch):
    real = questions.nbgrader_metadata

    def clashing(question):  # a question whose check cell takes a rubric check's grade_id
        meta = real(question)
        if question["kind"] == "check":
            meta["grade_id"] = notebook.grade_id("activations/relu_forward")
        return meta

    monkeypatch.setattr(questions, "nbgrader_metadata", clashing)
    with pytest.raises(notebook.GradeIdClash,
                       match="activations notebook share the grade_id activations-relu_forward"):
        notebook.build_notebook("activations", graded=True)


def test_the_source_folders_pass_the_leak_check(course_dir):
    assert course.check_leaks(course_dir, ["activations", "linear"])
    # the keys are there, in hidden test regions only: nbgrader releases none of them
    assert leaks.scan(course_dir / "source", allow_answers=True) == []
    found = leaks.scan(course_dir / "source")
    assert found and all("answers-notebooks.toml" in leak.what for leak in found)


def test_a_key_outside_a_hidden_region_is_refused(course_dir, tmp_path):
    root = tmp_path / "course"
    shutil.copytree(course_dir, root)
    path = root / "source" / "linear" / "linear.ipynb"
    nb = nbformat.read(path, as_version=4)
    check = next(c for c in nb.cells
                 if c.metadata.get("nbgrader", {}).get("grade_id") == "linear-q2-check")
    check.source = questions.strip_hidden(check.source) + "\n" + questions.load_keys()["linear-q2"]
    nbformat.write(nb, path)
    with pytest.raises(leaks.LeakError, match=r"source/linear/linear\.ipynb .*\[linear-q2\]"):
        course.check_leaks(root, ["activations", "linear"])


def test_nbgrader_fails_loudly_on_a_leak(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(course, "stub_source", lambda unit: (SOLUTIONS / f"{unit}.py").read_text())
    args = argparse.Namespace(dir=tmp_path / "course", units=["activations"], generate=False)
    assert nbgrader_command.run(args) == nbgrader_command.LEAK
    err = capsys.readouterr().err
    assert "LEAK" in err and "source/activations/activations.py" in err


def test_the_cells_print_feedback_return_points_and_cache(tmp_path, capsys, monkeypatch):
    bug = (SOLUTIONS / "activations.py").read_text().replace("(x > 0)", "(x >= 0)")
    (tmp_path / "activations.py").write_text(bug)
    unit_file = tmp_path / "activations.py"
    assert cells.hidden_check("activations/relu_backward", unit_file) == 0.0
    out = capsys.readouterr().out
    assert "activations/relu_backward: failed, 0 of 2 points." in out and "torch" in out
    monkeypatch.setattr(cells, "_run_worker", lambda *a: pytest.fail("ran the checks again"))
    assert cells.hidden_check("activations/relu_forward", unit_file) == 1.0
    assert "activations/relu_forward: passed, 1 of 1 point." in capsys.readouterr().out
    monkeypatch.undo()
    shutil.copy(SOLUTIONS / "activations.py", unit_file)
    cells.public_checks("relu_backward", unit_file)
    out = capsys.readouterr().out
    assert "activations/relu_backward: passed" in out and "not your grade" in out


def test_a_library_warning_on_stderr_cannot_zero_a_graded_cell(course_dir):
    from nbgrader.preprocessors import IgnorePattern
    from nbgrader.utils import determine_grade
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader(course.CONFIG, path=str(course_dir)).load_config()
    cell = nbformat.v4.new_code_cell("")
    cell.metadata["nbgrader"] = {"grade": True, "solution": False, "locked": True, "points": 2.0,
                                 "grade_id": "activations-relu_backward", "schema_version": 3}
    cell.outputs = [
        nbformat.v4.new_output("stream", name="stderr",
                               text="/x/torch/__init__.py:9: UserWarning: something harmless\n"),
        nbformat.v4.new_output("execute_result", data={"text/plain": "2.0"}, execution_count=1),
    ]
    assert determine_grade(cell) == (0, 2.0)  # nbgrader's own rule: stderr means zero
    IgnorePattern(config=config).preprocess_cell(cell, {}, 0)
    assert determine_grade(cell) == (2.0, 2.0)
    assert config.Execute.timeout_func(cell) >= 3600
    assert config.Execute.timeout_func(nbformat.v4.new_code_cell("x = 1")) == 300


def test_the_feedback_quotes_no_line_of_a_hidden_test(course_dir):
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader(course.CONFIG, path=str(course_dir)).load_config()
    steps = config.GenerateFeedback.preprocessors
    assert steps.index(course.HiddenTracebacks) < steps.index(
        next(s for s in steps if s.__name__ == "ClearHiddenTests"))
    key = questions.load_keys()["activations-q2"]
    cell = nbformat.v4.new_code_cell(f"assert overflow_logit is not None\n"
                                     f"{questions.BEGIN_HIDDEN}\n{key}\n{questions.END_HIDDEN}")
    failed = nbformat.v4.new_output("error", ename="AssertionError", evalue="",
                                    traceback=[f"----> 3 {key}", "AssertionError: "])
    unset = nbformat.v4.new_output("error", ename="NameError",
                                   evalue="name 'overflow_logit' is not defined",
                                   traceback=[f"      3 {key}", "NameError: ..."])
    cell.outputs = [failed, unset]
    visible = nbformat.v4.new_code_cell("1 / 0")
    visible.outputs = [nbformat.v4.new_output("error", ename="ZeroDivisionError",
                                              evalue="division by zero",
                                              traceback=["----> 1 1 / 0", "ZeroDivisionError"])]
    step = course.HiddenTracebacks(config=config)
    nb = nbformat.v4.new_notebook(cells=[cell, visible])
    nb, _ = step(nb, {})
    assert [o.traceback for o in nb.cells[0].outputs] == [
        ["AssertionError: a hidden check of this cell failed"],
        ["NameError: name 'overflow_logit' is not defined"]]
    assert nb.cells[1].outputs[0].traceback == ["----> 1 1 / 0", "ZeroDivisionError"]


def test_nbgrader_stops_on_a_check_without_a_key(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(questions, "load_keys", lambda: {"activations-q2": "assert True"})
    args = argparse.Namespace(dir=tmp_path / "course", units=["activations"], generate=False)
    assert nbgrader_command.run(args) == nbgrader_command.USAGE_ERROR
    assert "no key for activations-q3 in answers-notebooks.toml" in capsys.readouterr().err


def test_every_unit_grades_its_lesson_questions():
    keys = questions.load_keys()
    for unit in load_rubric():  # build_notebook refuses two cells with one grade_id
        nb = notebook.build_notebook(unit, graded=True)
        graded = {c.metadata["nbgrader"]["grade_id"]: c for c in nb.cells
                  if questions.question_of(c)}
        lesson = nbformat.read(notebook.NOTEBOOKS / f"{unit}.ipynb", as_version=4)
        asked = questions.graded_questions(lesson)
        assert asked, unit
        for question in asked:
            if question.kind == "written":
                assert graded[question.id].metadata["nbgrader"]["points"] == question.points
            else:
                check = graded[f"{question.id}-check"]
                assert check.metadata["nbgrader"]["points"] == question.points
                assert check.source.endswith(f"\n{keys[question.id]}\n{questions.END_HIDDEN}")
        total = sum(c.points for c in load_rubric()[unit]) + sum(q.points for q in asked)
        assert f"= {total:g} points in all for this notebook" in nb.cells[1].source, unit
