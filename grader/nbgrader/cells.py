"""What the notebook cells call: one line per cell, no helper copied into notebooks.

- ``public_checks(function, unit_file)`` (the visible check cells): runs the
  unit's public checks on the unit file and prints those of ``function``.
- ``hidden_check(check_id, unit_file)`` (the graded cells, hidden from
  students): grades the unit file with the hidden checks, exactly as
  ``dlmath grade`` does, prints the check's feedback in plain words and
  returns the points it earned, which nbgrader reads from the cell's value as
  partial credit.

Each unit file is checked once per kernel and content: the results are cached
under the file's SHA-256, so the graded cells of a unit cost one grading run.
Under ``dlmath autograde`` the kernel is confined (``grader.nbgrader.kernel``)
and sees no checks at all: the cells then print the results of the sandboxed
grading that command made beforehand (the file named by ``RESULTS_ENV``).
The checks run in a separate process (``grader.nbgrader.worker``) whose
output is read back as JSON: torch, pytest and their warnings never touch this
kernel, and nothing is written to its stderr (nbgrader scores a graded cell
that writes to stderr as zero).
"""

import hashlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from grader.nbgrader.kernel import CONFINED_ENV, RESULTS_ENV
from grader.paths import REPO_ROOT
from grader.settings import CALL_TIMEOUT
from grader.text import plain

WORKER_LIMIT = 3600  # seconds a whole run may take before it is abandoned
_cache: dict[tuple[str, str, str], dict] = {}


class CheckRunError(RuntimeError):
    """The checks themselves could not run (not the student's fault)."""


class PublicChecksFailed(AssertionError):
    """A function's public checks found a problem (the feedback is printed above)."""


def hidden_check(check_id: str, unit_file: str | Path) -> float:
    """Print the feedback of one graded check and return the points it earned."""
    unit = check_id.split("/", 1)[0]
    report = _results("hidden", unit, Path(unit_file))
    for flag in report["flags"]:
        print(f"flag: {plain(flag)}")
    unit_report = next((u for u in report["units"] if u["unit"] == unit), None)
    check = next((c for c in (unit_report or {}).get("checks", []) if c["id"] == check_id), None)
    if check is None:
        print(f"{check_id}: the grader has no such check; ask your instructor.")
        return 0.0
    print(f"{check_id}: {check['status']}, {check['score']:g} of {check['max_score']:g} "
          f"point{'s' if check['max_score'] != 1 else ''}.")
    about = _about(check_id)
    if about:
        print(f"What it checks: {about}.")
    if check["feedback"]:
        print(plain(check["feedback"]))
    return float(check["score"])


def public_checks(function: str, unit_file: str | Path) -> None:
    """Print the public checks of ``function`` (a sanity check, not the grade)."""
    from grader.bundle.selfcheck import PublicResult
    from grader.units import UNITS

    path = Path(unit_file)
    unit = path.stem
    if unit not in UNITS:
        print(f"{path.name} is not a unit file of this course ({', '.join(UNITS)}).")
        return
    result = PublicResult.from_dict(_results("public", unit, path))
    for flag in result.flags:
        print(f"flag: {plain(flag)}")
    (outcome,) = result.units
    if outcome.status != "checked":
        print(outcome.problem)
        return
    checks = outcome.checks(function)
    if not checks:
        print(f"{function} has no public check: only the hidden checks test it.")
        return
    print(f"Public checks of {function} (small, fixed cases: a sanity check, not your grade):")
    for check in checks:
        line = f"  {check.id}: {check.status}"
        print(f"{line}. {plain(check.feedback)}" if check.feedback else line)
    failed = [check.id for check in checks if check.status != "passed"]
    if failed:  # the cell fails, so that `nbgrader validate` says so (it is worth 0 points)
        raise PublicChecksFailed(f"{len(failed)} public check(s) of {function} failed: "
                                 f"{', '.join(failed)}")
    print("They found no problem. The hidden checks, which grade your work, try many more "
          "shapes, dims, dtypes, extreme values and in-place changes.")


def _about(check_id: str) -> str:
    from grader.score.rubric import load_rubric

    unit = check_id.split("/", 1)[0]
    return next((c.about for c in load_rubric().get(unit, ()) if c.id == check_id), "")


def _results(kind: str, unit: str, path: Path) -> dict:
    graded = os.environ.get(RESULTS_ENV)
    if graded:  # the confined autograde kernel: the sandbox graded this student already
        return json.loads(Path(graded).read_text())[kind]
    if os.environ.get(CONFINED_ENV):
        raise CheckRunError("this notebook is graded by `dlmath autograde`, which grades the "
                            "unit file in the sandbox; plain `nbgrader autograde` cannot")
    path = path.resolve()
    digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "missing"
    key = (kind, unit, digest)
    if key not in _cache:
        _cache[key] = _run_worker(kind, unit, path)
    return _cache[key]


def _run_worker(kind: str, unit: str, path: Path) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    with tempfile.TemporaryDirectory(prefix="dlmath-cell-") as folder:
        out = Path(folder) / "result.json"
        command = [sys.executable, "-m", "grader.nbgrader.worker", kind, unit, str(path), str(out),
                   "--timeout", str(CALL_TIMEOUT)]
        try:
            done = subprocess.run(command, cwd=REPO_ROOT, env=env, stdin=subprocess.DEVNULL,
                                  capture_output=True, text=True, timeout=WORKER_LIMIT)
        except subprocess.TimeoutExpired:
            raise CheckRunError(f"the {kind} checks took over {WORKER_LIMIT} s") from None
        if done.returncode != 0 or not out.is_file():
            last = (done.stderr.strip().splitlines() or ["no message"])[-1]
            raise CheckRunError(f"the {kind} checks could not run (exit {done.returncode}): "
                                f"{last}")
        return json.loads(out.read_text())
