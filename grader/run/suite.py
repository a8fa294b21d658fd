"""Step 2: run the hidden checks of some units against a loaded submission.

The checks are pytest suites (``tests/hidden/test_<unit>.py``) run in this
process, where torch computes the expected values; every call into the
submission goes to the child through ``GradingRun``'s session.
"""

import contextlib
import io
import threading
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
    returned instead, and its checks score as errors. The child starts and
    loads the units while pytest collects the checks, and before any check
    runs, so that a sandbox that cannot be built stops grading
    (``SandboxUnavailable``) instead of failing checks one by one.
    """
    run = GradingRun(folder, timeout, isolated=isolated, sandbox_mode=sandbox_mode,
                     budget=budget, lang=lang)
    try:
        if units:
            run.session.spawn()  # its start-up overlaps with pytest's collection
            run.loader = UnitLoader(run.session, units)
            _pytest(run, [suite / f"test_{unit}.py" for unit in units])
            if run.loader.error is not None:
                raise run.loader.error
        confinement = getattr(run.session, "confinement", None)
    finally:
        run.close()
    return ChecksRun(run.outcomes, run.loader.problems if run.loader else {}, confinement)


class UnitLoader:
    """Imports the units in the child, in a thread, while pytest collects the checks.

    ``GradingRun`` waits for it before any check runs and leaves out the checks of the
    units that could not load. The thread stops at a child that died (a unit that crashed
    it): the main thread loads the rest, since only it may start a fresh child (``Popen``'s
    ``preexec_fn`` is not safe beside other threads). An error that stops grading
    (``SandboxUnavailable``) is kept in ``error`` for the main thread to raise.
    """

    def __init__(self, session, units: list[str]):
        self.session, self.pending = session, list(units)
        self.problems: dict[str, str] = {}
        self.error: BaseException | None = None
        child = getattr(session, "child", None)
        self._thread = threading.Thread(target=self._load,
                                        args=(lambda: child is None or child.alive,), daemon=True)
        self._thread.start()

    def wait(self) -> None:
        """Once the thread is done, load what it left (in this thread: the main one)."""
        self._thread.join()
        self._load(lambda: True)

    def stop(self) -> None:
        """Load no more: the thread finishes the unit in hand, and ends."""
        self.pending.clear()
        self._thread.join()

    def _load(self, go_on) -> None:
        try:
            while self.error is None and go_on():
                try:
                    unit = self.pending.pop(0)
                except IndexError:  # all loaded, or stopped
                    return
                try:
                    self.session.load(unit)
                except UnitLoadError as exc:
                    self.problems[unit] = str(exc)
                except _UNDECODED:
                    self.session.child.stop()  # out of step with us: a fresh child serves the rest
                    self.problems[unit] = str(UnitLoadError(unit,
                                                            ChildDied("sent a malformed reply")))
        except BaseException as exc:  # raised again by the main thread
            self.error = exc


class SuiteError(RuntimeError):
    """The checks themselves could not run (a broken installation, not the student)."""


def _pytest(run: GradingRun, files: list[Path]) -> None:
    if not files:  # pytest would collect the project's own test paths instead
        raise ValueError("no check files to run")
    args = [*map(str, files), "--rootdir", str(REPO_ROOT), "-c", str(REPO_ROOT / "pyproject.toml"),
            "-p", "no:cacheprovider", "-p", "grader.run.plugin", "-q", "--no-header",
            "--disable-warnings"]
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):  # ours to print
        code = pytest.main(args, plugins=[run])
    if run.loader.error is not None or (run.loader.problems and not run.kept):
        return  # the caller raises the error; with no unit loaded, no check was left to run
    if code not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
        tail = "\n".join(out.getvalue().strip().splitlines()[-15:])
        raise SuiteError(f"the checks could not run (pytest exit {int(code)}):\n{tail}")
