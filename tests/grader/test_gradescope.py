"""``dlmath gradescope``: the autograder zip, run as Gradescope would run it."""

import json
import os
import shutil
import subprocess
import sys
import zipfile

import pytest

from grader.gradescope.build import build_autograder
from grader.paths import SOLUTIONS
from grader.score.rubric import load_rubric


@pytest.fixture(scope="module")
def autograder(tmp_path_factory):
    root = tmp_path_factory.mktemp("gradescope")
    names = build_autograder(root / "autograder.zip")
    with zipfile.ZipFile(root / "autograder.zip") as zf:
        zf.extractall(root / "autograder" / "source")
    return root / "autograder", names


def test_the_zip_holds_the_checks_but_no_solutions(autograder):
    _, names = autograder
    assert {"setup.sh", "run_autograder", "constraints.txt", "tests/hidden/test_losses.py",
            "grader/cli.py", "gradescope.json"} <= set(names)
    assert not [n for n in names if n.startswith(("solutions/", "exercises/", "tests/submissions/",
                                                  "tests/grader/"))]


def test_run_autograder_writes_gradescope_results(autograder, tmp_path):
    root, _ = autograder
    submission = root / "submission"
    submission.mkdir(exist_ok=True)
    shutil.copy(SOLUTIONS / "losses.py", submission)
    bug = (SOLUTIONS / "activations.py").read_text().replace("(x > 0)", "(x >= 0)")
    (submission / "activations.py").write_text(bug)
    env = {**os.environ, "DLMATH_AUTOGRADER_ROOT": str(root),
           "DLMATH_AUTOGRADER_PYTHON": sys.executable}
    script = root / "source" / "run_autograder"
    done = subprocess.run(["bash", str(script)], env=env, capture_output=True, text=True,
                          timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads((root / "results" / "results.json").read_text())
    tests = {t["name"].split(":")[0]: t for t in results["tests"]}
    assert len(tests) == sum(len(checks) for checks in load_rubric().values())
    assert tests["losses/cross_entropy_backward"]["score"] == 3
    relu = tests["activations/relu_backward"]
    assert relu["score"] == 0 and relu["status"] == "failed" and "torch" in relu["output"]
    assert relu["visibility"] == "after_published"
    assert results["test_output_format"] == relu["output_format"] == "text"  # never HTML
    assert results["score"] == sum(t["score"] for t in results["tests"])
    assert "activations.py, losses.py" in results["output"]
