"""The leak check catches what must never reach students, and passes what may."""

import io
import shutil
import zipfile

import nbformat
import pytest

from grader.bundle import leaks
from grader.compat import tomllib
from grader.paths import EXERCISES, HIDDEN_TESTS, PUBLIC_TESTS, REPO_ROOT, SOLUTIONS


@pytest.fixture(scope="module")
def secrets():
    return leaks.load_secrets()


@pytest.fixture
def clean(tmp_path):
    """A folder of what students may see: stubs and the public suite."""
    folder = tmp_path / "clean"
    shutil.copytree(EXERCISES, folder / "exercises")
    shutil.copytree(PUBLIC_TESTS, folder / "tests" / "public",
                    ignore=shutil.ignore_patterns("__pycache__"))
    return folder


def solution_line(name="relu_backward"):
    """A line of code inside the solution region of ``name``."""
    lines = (SOLUTIONS / "activations.py").read_text().splitlines()
    start = lines.index(next(line for line in lines if line.startswith(f"def {name}(")))
    begin = next(i for i in range(start, len(lines)) if "### BEGIN SOLUTION" in lines[i])
    return next(line for line in lines[begin + 1:] if len(line.strip()) >= leaks.MIN_LINE)


def test_the_stubs_and_the_public_suite_do_not_leak(clean, secrets):
    assert leaks.scan(clean, secrets) == []


def test_a_solution_line_in_a_stub_is_caught(clean, secrets):
    line = solution_line()
    stub = clean / "exercises" / "activations.py"
    stub.write_text(stub.read_text() + f"\n\ndef helper(grad_output, x):\n{line}\n")
    found = leaks.scan(clean, secrets)
    assert [leak.path for leak in found] == ["exercises/activations.py"]
    assert "solutions/activations.py" in found[0].what and line.strip() in found[0].what


def test_reindented_solution_code_in_a_notebook_output_is_caught(clean, secrets):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print('hi')")])
    nb.cells[0].outputs = [nbformat.v4.new_output("stream", text="  " + solution_line() + "  \n")]
    nbformat.write(nb, clean / "lesson.ipynb")
    found = leaks.scan(clean, secrets)
    assert [(leak.path, leak.where) for leak in found] == [("lesson.ipynb",
                                                            "cell 0 output line 1")]


def test_trivial_solution_lines_are_not_leaks(clean, secrets):
    (clean / "notes.py").write_text("    return out, cache\n\n    x = cache\n"
                                    "    if bias is not None:\n")
    assert leaks.scan(clean, secrets) == []


def test_hidden_checks_are_caught_by_path_copy_and_content(clean, secrets):
    hidden = HIDDEN_TESTS / "test_activations.py"
    (clean / "tests" / "hidden").mkdir()
    shutil.copy(hidden, clean / "tests" / "hidden" / "test_activations.py")
    shutil.copy(hidden, clean / "renamed.txt")
    distinctive = next(line for line in hidden.read_text().splitlines()
                       if leaks.normalise(line) in secrets.hidden_lines)
    (clean / "tests" / "public" / "extra.py").write_text(distinctive + "\n")
    found = {}
    for leak in leaks.scan(clean, secrets):
        found.setdefault(leak.path, []).append(leak.what)
    assert "tests/hidden/ must never ship" in found["tests/hidden/test_activations.py"][0]
    assert "a copy of tests/hidden/test_activations.py" in found["renamed.txt"]
    assert [w.split(":")[0] for w in found["tests/public/extra.py"]] == [
        "hidden-check code from tests/hidden/test_activations.py"]


def test_solution_files_bug_bank_and_zips_are_caught(clean, secrets):
    shutil.copy(SOLUTIONS / "losses.py", clean / "losses_ref.py")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("inner/activations.py", (SOLUTIONS / "activations.py").read_text())
    (clean / "handin.zip").write_bytes(buffer.getvalue())
    (clean / "tests" / "submissions").mkdir()
    (clean / "tests" / "submissions" / "x.py").write_text("pass\n")
    paths = {leak.path for leak in leaks.scan(clean, secrets)}
    assert {"losses_ref.py", "handin.zip/inner/activations.py", "tests/submissions/x.py"} <= paths


def test_check_raises_with_a_readable_message(clean, secrets):
    (clean / "leak.md").write_text(f"```python\n{solution_line('sigmoid_forward')}\n```\n")
    with pytest.raises(leaks.LeakError) as info:
        leaks.check(clean, secrets)
    assert "leak.md (line 2): solution code from solutions/activations.py" in str(info.value)


def test_every_solution_region_holds_a_secret_line(secrets):
    """Otherwise a unit's solutions could leak unnoticed."""
    by_file = {where.split(":")[0] for where in secrets.solution_lines.values()}
    assert by_file == {f"solutions/{p.name}" for p in SOLUTIONS.glob("*.py")}
    copies = set(secrets.digests.values())
    assert "tests/hidden/test_activations.py" in copies
    assert any(p.startswith("tests/submissions/bugs/") for p in copies)


def mine(found, *paths):
    """The leaks found in ``paths`` (the files a test planted), in order."""
    return [leak for leak in found if leak.path in paths]


def answer_line():
    """A line of the answers appendix that course.md does not hold."""
    course = {leaks.normalise(line) for line in (REPO_ROOT / "course.md").read_text().splitlines()}
    lines = (REPO_ROOT / leaks.ANSWERS[0]).read_text().splitlines()
    return next(line for line in lines if r"\odot s \odot (1 - s)" in line
                and leaks.normalise(line) not in course)


def test_the_answers_appendix_is_a_secret_until_released(clean, secrets):
    shutil.copy(REPO_ROOT / leaks.ANSWERS[0], clean / "notes.md")
    found = mine(leaks.scan(clean, secrets), "notes.md")
    assert [(leak.path, leak.where) for leak in found] == [("notes.md", "")]
    assert "docs/answers.md" in found[0].what and "--with-answers" in found[0].what
    assert mine(leaks.scan(clean, secrets, allow_answers=True), "notes.md") == []


def test_a_worked_answer_pasted_into_a_notebook_is_caught(clean, secrets):
    line = answer_line()
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(f"Hint\n{line}")])
    nbformat.write(nb, clean / "lesson.ipynb")
    found = mine(leaks.scan(clean, secrets), "lesson.ipynb")
    assert [(leak.path, leak.where) for leak in found] == [("lesson.ipynb",
                                                            "cell 0 source line 2")]
    assert "an answer from docs/answers.md" in found[0].what
    assert mine(leaks.scan(clean, secrets, allow_answers=True), "lesson.ipynb") == []


def test_a_notebook_key_is_caught_and_course_md_is_not(clean, secrets):
    keys = tomllib.loads((REPO_ROOT / leaks.ANSWERS[1]).read_text())
    key = keys["conv-q2"]["check"]
    (clean / "check.py").write_text(f"output_height = 4\n{key}\n")
    shutil.copy(REPO_ROOT / "course.md", clean / "course.md")
    found = mine(leaks.scan(clean, secrets), "check.py", "course.md")
    assert [(leak.path, leak.where) for leak in found] == [("check.py", "line 2")]
    assert "docs/answers-notebooks.toml [conv-q2]" in found[0].what
