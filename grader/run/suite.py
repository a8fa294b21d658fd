"""Step 2: run the hidden checks of some units against a loaded submission.

The checks are pytest suites (``tests/hidden/test_<unit>.py``) run in this
process, where torch computes the expected values; every call into the
submission goes to the child through ``GradingRun``'s session.
"""

import contextlib
import io
from dataclasses import dataclass
from pathlib import Path

import pytest

from grader.child.codec import ProtocolError
from grader.errors import ChildDied, UnitLoadError
from grader.paths import REPO_ROOT
from grader.run import sandbox
from grader.run.plugin import GradingRun
from grader.score.outcome import ItemOutcome
from grader.settings import UNIT_BUDGET

# What decoding a forged reply can raise, should one ever get past the child's own checks
# (grader.run.child turns a ProtocolError into ChildDied): never a reason to stop grading.
_UNDECODED = (ProtocolError, ValueError, TypeError, KeyError, IndexError, OverflowError)

@dataclass
class ChecksRun:
    """What running the checks gave: outcomes, units that could not load, and the confinement."""

    outcomes: list[ItemOutcome]
    problems: dict[str, str]
    confinement: dict | None


def run_checks(folder: Path, units: list[str], suite: Path, timeout: float,
               isolated: bool = True, sandbox_mode: str = sandbox.REQUIRE,
               budget: float = UNIT_BUDGET, lang: str = "en") -> ChecksRun:
    """Run ``suite/test_<unit>.py`` for each unit in the child serving ``folder``.

    A unit that cannot be imported in the child is not run: its problem is
    returned instead, and its checks score as errors. The child is started
    here, before pytest, so that a sandbox that cannot be built stops grading
    (``SandboxUnavailable``) instead of failing checks one by one.
    """
    run = GradingRun(folder, timeout, isolated=isolated, sandbox_mode=sandbox_mode,
                     budget=budget, lang=lang)
    problems: dict[str, str] = {}
    try:
        for unit in units:
            try:
                run.session.load(unit)
            except UnitLoadError as exc:
                problems[unit] = str(exc)
            except _UNDECODED:
                run.session.child.stop()  # out of step with us; a fresh child serves the rest
                problems[unit] = str(UnitLoadError(unit, ChildDied("sent a malformed reply")))
        runnable = [unit for unit in units if unit not in problems]
        if runnable:
            _pytest(run, [suite / f"test_{unit}.py" for unit in runnable])
        confinement = getattr(run.session, "confinement", None)
    finally:
        run.close()
    return ChecksRun(run.outcomes, problems, confinement)


class SuiteError(RuntimeError):
    """The checks themselves could not run (a broken installation, not the student)."""


def _pytest(run: GradingRun, files: list[Path]) -> None:
    args = [*map(str, files), "--rootdir", str(REPO_ROOT), "-c", str(REPO_ROOT / "pyproject.toml"),
            "-p", "no:cacheprovider", "-p", "grader.run.plugin", "-q", "--no-header",
            "--disable-warnings"]
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):  # ours to print
        code = pytest.main(args, plugins=[run])
    if code not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
        tail = "\n".join(out.getvalue().strip().splitlines()[-15:])
        raise SuiteError(f"the checks could not run (pytest exit {int(code)}):\n{tail}")
