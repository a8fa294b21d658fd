"""``dlmath release``: the student bundle, and ``dlmath check`` run inside it."""

import argparse
import os
import re
import shutil
import subprocess
import sys

import nbformat
import pytest

from grader.bundle import build, leaks
from grader.commands import release
from grader.paths import EXERCISES, REPO_ROOT, SOLUTIONS
from grader.score.rubric import load_rubric
from grader.units import UNITS

REQUIRED = {"README.md", "course.md", "pyproject.toml", "constraints.txt", "tests/__init__.py",
            "tests/conftest.py", "tests/strategies.py", "tests/oracle.py",
            "tests/public/test_activations.py", "grader/cli.py", "grader/nbgrader/cells.py",
            "grader/rubric/activations.toml", "dlmath/units.py"}
ROOT = REPO_ROOT
FORBIDDEN = ("solutions/", "tests/hidden/", "tests/submissions/", "tests/grader/",
             "tests/nbgrader/", "examples/", ".ci/")


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    out = tmp_path_factory.mktemp("release") / "bundle"
    files = build.build_bundle(out)
    return out, files


def in_bundle(bundle_dir, *args, cwd=None):
    """Run ``dlmath ARGS`` with the bundle's own grader, as a student would."""
    env = {**os.environ, "PYTHONPATH": str(bundle_dir)}
    return subprocess.run([sys.executable, "-m", "grader.cli", *args], cwd=cwd or bundle_dir,
                          env=env, capture_output=True, text=True, timeout=600)


def test_the_bundle_holds_what_students_need(bundle):
    out, files = bundle
    assert REQUIRED <= set(files)
    for unit in UNITS:
        assert f"exercises/{unit}.py" in files and f"exercises/{unit}.ipynb" in files
        assert (out / "exercises" / f"{unit}.py").read_text() == (EXERCISES / f"{unit}.py"
                                                                  ).read_text()


def test_the_bundle_holds_nothing_it_should_not(bundle):
    out, files = bundle
    assert not [f for f in files if f.startswith(FORBIDDEN) or "__pycache__" in f]
    assert leaks.scan(out) == []


def test_the_notebooks_have_the_exercise_list_and_public_checks_only(bundle):
    out, _ = bundle
    nb = nbformat.read(out / "exercises" / "activations.ipynb", as_version=4)
    sources = [cell.source for cell in nb.cells]
    assert "<!-- dlmath:exercises -->" not in sources
    assert any("| `relu_backward` | 2 |" in s for s in sources)
    # the lesson's questions, with their points, and no key, no nbgrader metadata
    assert any("| Question 1 | written, graded by hand | 2 |" in s for s in sources)
    assert any("overflow_logit is not None" in s for s in sources)
    assert not any("709.78" in s for s in sources)
    assert sum("public_checks(" in s for s in sources) == 12
    assert not any("HIDDEN TESTS" in s or "hidden_check" in s for s in sources)
    assert not any("nbgrader" in cell.metadata for cell in nb.cells)


def test_check_on_the_stubs_says_not_implemented_and_not_the_grade(bundle):
    out, _ = bundle
    done = in_bundle(out, "check", "activations")
    assert done.returncode == 1, done.stderr
    text = " ".join(done.stdout.split())
    assert "relu_forward is not implemented yet" in text
    assert "not your grade" in text and "hidden checks grade your work" in text
    assert "0 of 12 public checks passed" in text and "hidden only" in text
    assert str(out / "exercises") in text


def test_check_speaks_chinese_on_request(bundle):
    out, _ = bundle
    done = in_bundle(out, "check", "activations", "--lang", "zh-CN")
    assert done.returncode == 1, done.stderr
    text = "".join(done.stdout.split())
    assert "它们不是你的成绩" in text and "12项公开检查通过了0项" in text
    assert "仅隐藏检查" in text and "未通过" in text and "尚未实现" in text
    assert "(未通过):" in text
    for english in ("public checks", "hidden only", "not your grade", "failed", "status"):
        assert english not in done.stdout, english


def test_check_on_the_solutions_passes_without_claiming_a_grade(bundle, tmp_path):
    out, _ = bundle
    shutil.copy(SOLUTIONS / "activations.py", tmp_path)
    done = in_bundle(out, "check", cwd=tmp_path)  # the current folder holds a unit file
    assert done.returncode == 0, done.stdout + done.stderr
    text = " ".join(done.stdout.split())
    assert "12 of 12 public checks passed" in text
    assert "found no problem (12 of 12). That is not a grade" in text
    assert "5 more checks have no public test at all" in text
    assert "all passed" not in text.lower() and "full marks" not in text.lower()
    assert "losses" not in text  # only the units present are checked


def test_the_bundle_grader_is_the_one_that_runs(bundle):
    out, _ = bundle
    env = {**os.environ, "PYTHONPATH": str(out)}
    done = subprocess.run([sys.executable, "-c", "import grader.paths as p; print(p.REPO_ROOT)"],
                          cwd=out, env=env, capture_output=True, text=True)
    assert done.stdout.strip() == str(out)


def test_release_fails_loudly_on_a_leak(tmp_path, monkeypatch, capsys):
    lines = (SOLUTIONS / "activations.py").read_text().splitlines()
    begin = lines.index("    ### BEGIN SOLUTION", lines.index("def softmax_forward(x, dim=-1):"))
    leaked = next(line for line in lines[begin + 1:] if len(line.strip()) > 30)
    monkeypatch.setattr(build, "STUDENT_README", f"# Hints\n\n{leaked}\n")
    out = tmp_path / "bundle"
    code = release.run(argparse.Namespace(dir=out, force=False))
    err = capsys.readouterr().err
    assert code == release.LEAK
    assert "LEAK" in err and "README.md (line 3)" in err and "NOT written" in err
    assert not out.exists()


def test_release_refuses_a_non_empty_folder_without_force(tmp_path, capsys):
    (tmp_path / "keep.txt").write_text("mine\n")
    assert release.run(argparse.Namespace(dir=tmp_path, force=False)) == release.USAGE_ERROR
    assert "not empty" in capsys.readouterr().err and (tmp_path / "keep.txt").exists()


def test_the_rubric_covers_every_released_unit():
    assert build.released_units() == [u for u in UNITS if u in load_rubric()]


def test_the_bundle_has_the_figures_and_no_answers(bundle):
    out, files = bundle
    figures = {f for f in files if f.startswith("docs/")}
    assert figures and all(f.startswith("docs/figures/") and f.endswith(".svg") for f in figures)
    linked = set(re.findall(r"\]\((docs/figures/[a-z0-9-]+\.svg)\)",
                            (out / "course.md").read_text()))
    assert linked and linked <= figures  # every figure course.md shows is there
    assert not {*leaks.ANSWERS} & set(files)
    notebooks = "".join((out / "exercises" / f"{u}.ipynb").read_text() for u in UNITS)
    assert "HIDDEN TESTS" not in notebooks


@pytest.fixture(scope="module")
def answered_bundle(tmp_path_factory):
    out = tmp_path_factory.mktemp("release-answers") / "bundle"
    code = release.run(argparse.Namespace(dir=out, force=False, with_answers=True))
    assert code == 0
    return out


def test_with_answers_ships_the_appendix_and_the_keys(answered_bundle, bundle, capsys):
    out = answered_bundle
    for name in leaks.ANSWERS:
        assert (out / name).read_bytes() == (ROOT / name).read_bytes()
    assert leaks.scan(out, allow_answers=True) == []
    found = leaks.scan(out)  # the same folder before the deadline: refused
    assert {leak.path for leak in found} == set(leaks.ANSWERS)
    assert all("--with-answers" in leak.what for leak in found)
    _, released = bundle  # the file list as built: other tests run the plain bundle's grader
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == sorted(
        [*leaks.ANSWERS, *released])


def test_release_says_whether_the_answers_are_in(tmp_path, capsys):
    assert release.run(argparse.Namespace(dir=tmp_path / "plain", force=False)) == 0
    assert "not in it" in capsys.readouterr().out
    assert not (tmp_path / "plain" / "docs" / "answers.md").exists()
    parser = argparse.ArgumentParser()
    release.register(parser.add_subparsers())
    args = parser.parse_args(["release", str(tmp_path / "late"), "--with-answers"])
    assert args.with_answers and args.run(args) == 0
    assert "includes the answers" in capsys.readouterr().out
    assert (tmp_path / "late" / "docs" / "answers.md").is_file()
