"""The pytest plugin that runs the checks against one submission.

Loaded by ``tests/conftest.py``. It adds the options ``--submission``,
``--call-timeout`` and ``--sandbox``, the marker ``check(id, fn=None)`` that
ties a test to a rubric check, the session fixture ``submission`` (a
``SubmissionProxy``), the validation of the check catalogue against the rubric
at collection, and the ``GradingRun`` that records every item's outcome. The
grader registers its own ``GradingRun`` before the session starts and reads
the outcomes afterwards.
"""

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, Verbosity, settings
from hypothesis.configuration import set_hypothesis_home_dir

from grader.i18n import DEFAULT, LANGS
from grader.load.submission import load_submission, make_scratch, remove_scratch
from grader.paths import HIDDEN_TESTS, SOLUTIONS
from grader.run import sandbox
from grader.run.session import Session, SubmissionProxy
from grader.score.outcome import ItemOutcome, classify
from grader.score.rubric import load_rubric
from grader.settings import CACHE_ENV, CALL_TIMEOUT, UNIT_BUDGET

RUN_KEY = pytest.StashKey["GradingRun"]()

# Every student faces the same cases: derandomized, no example database, and no
# shrinking (which would call a hung or crashing submission again and again).
settings.register_profile(
    "dlmath",
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=10,
    phases=(Phase.explicit, Phase.generate),
    report_multiple_bugs=False,
    print_blob=False,
    verbosity=Verbosity.quiet,
    suppress_health_check=list(HealthCheck),
)


class GradingRun:
    """The submission under test and the outcome of every test item."""

    def __init__(self, scratch: Path, timeout: float = CALL_TIMEOUT, owns_scratch=False,
                 isolated: bool = True, sandbox_mode: str = sandbox.REQUIRE,
                 budget: float = UNIT_BUDGET, lang: str = DEFAULT):
        self.lang = lang  # of the feedback
        if isolated:
            self.session = Session(scratch, timeout, sandbox_mode, budget)
        else:  # only to measure what isolation costs
            from grader.run.local import LocalSession

            self.session = LocalSession(scratch, timeout)
        self.outcomes: list[ItemOutcome] = []
        self.scratch = scratch if owns_scratch else None
        self.loader = None  # a ``grader.run.suite.UnitLoader``, waited for before the checks
        self.kept = 0  # checks left after leaving out those of units that could not load

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, config: pytest.Config,
                                      items: list[pytest.Item]) -> None:
        """Leave out the checks of units that could not load (all of them, if grading stops)."""
        if self.loader is None:
            return
        self.loader.wait()
        kept, left_out = [], []
        for item in items:
            unit = Path(str(item.path)).stem.removeprefix("test_")
            failed = self.loader.error is not None or unit in self.loader.problems
            (left_out if failed else kept).append(item)
        if left_out:
            items[:] = kept
            config.hook.pytest_deselected(items=left_out)
        self.kept = len(items)

    @classmethod
    def for_submission(cls, path: Path, timeout: float, sandbox_mode: str,
                       lang: str = DEFAULT) -> "GradingRun":
        """A run on a scratch copy of the submission at ``path`` (removed on close)."""
        scratch = make_scratch()
        load_submission(path, scratch)
        return cls(scratch, timeout, owns_scratch=True, sandbox_mode=sandbox_mode, lang=lang)

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        check = check_of(item)
        if check is not None and not self.session.has_unit(check.split("/")[0]):
            pytest.skip(f"the submission has no {check.split('/')[0]}.py")
        self.session.begin_item()

    def pytest_runtest_teardown(self, item: pytest.Item) -> None:
        self.session.end_item()

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo):
        report = yield
        check = check_of(item)
        if check is not None and not report.skipped and (call.when == "call" or report.failed):
            exc = call.excinfo.value if call.excinfo is not None else None
            self.outcomes.append(classify(check, exc, function_of(item), self.lang))
        return report

    def close(self) -> None:
        if self.loader is not None:
            self.loader.stop()  # before its child goes (collection may have failed)
        self.session.close()
        if self.scratch is not None:
            remove_scratch(self.scratch)


def check_of(item: pytest.Item) -> str | None:
    """The rubric check id (``unit/name``) a test item belongs to."""
    marker = item.get_closest_marker("check")
    return marker.args[0] if marker else None


def function_of(item: pytest.Item) -> str:
    """The submission function a check is about, for messages (``fn=`` on the marker)."""
    marker = item.get_closest_marker("check")
    return marker.kwargs.get("fn", marker.args[0].split("/")[1]) if marker else item.name


PUBLIC_NOTE = (
    "These are the public checks: small fixed cases that show your code runs and has the "
    "right shapes and values on easy inputs. They are not your grade. Hidden checks grade "
    "your work on many more shapes, dims and dtypes, extreme values (up to 1e4), exact "
    "zeros, float32, in-place changes to inputs, and the edge cases course.md names."
)


def pytest_terminal_summary(terminalreporter, config: pytest.Config) -> None:
    """After public checks, say plainly that passing them is not a full grade."""
    items = getattr(terminalreporter, "stats", {})
    ran = [r for reports in items.values() for r in reports if hasattr(r, "nodeid")]
    if any(Path(str(r.nodeid)).parts[:2] == ("tests", "public") for r in ran):
        terminalreporter.section("public checks")
        terminalreporter.write_line(PUBLIC_NOTE)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("dlmath", "dlmath grading")
    group.addoption("--submission", default=str(SOLUTIONS),
                    help="folder of unit files to check (default: the reference solutions)")
    group.addoption("--call-timeout", type=float, default=CALL_TIMEOUT,
                    help="seconds each call into the submission may take")
    group.addoption("--sandbox", choices=sandbox.MODES, default=sandbox.BEST_EFFORT,
                    help="require the allow-list sandbox, or fall back to limits only "
                         "(default best-effort: the suites' own default submission is trusted)")
    group.addoption("--lang", choices=LANGS, default=DEFAULT,
                    help="language of the checks' feedback (default en)")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "check(id, fn=None): the rubric check a test belongs to")
    # Hypothesis keeps nothing between runs (no database), but would still make .hypothesis/.
    set_hypothesis_home_dir(tempfile.mkdtemp(prefix="dlmath-hypothesis-"))
    settings.load_profile("dlmath")
    run = next((p for p in config.pluginmanager.get_plugins() if isinstance(p, GradingRun)), None)
    if run is None:  # pytest run by hand (a test session): its oracle cache is temporary
        os.environ.setdefault(CACHE_ENV, tempfile.mkdtemp(prefix="dlmath-cache-"))
        run = GradingRun.for_submission(Path(config.getoption("submission")),
                                        config.getoption("call_timeout"),
                                        config.getoption("sandbox"), config.getoption("lang"))
        config.pluginmanager.register(run, "dlmath-grading-run")
    config.stash[RUN_KEY] = run


class CatalogueError(pytest.UsageError):
    """A hidden test and the rubric disagree: a check would be dropped or never run."""


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every check id exists in the rubric; every hidden test has one; every rubric check a test.

    Runs before ``-k`` or ``-m`` deselect anything, so a partial run validates too.
    """
    known = {c.id: c for checks in load_rubric().values() for c in checks}
    problems, covered, hidden_units = [], set(), set()
    for item in items:
        hidden = Path(str(item.path)).parent.name == HIDDEN_TESTS.name  # tests/hidden/, or a copy
        check = check_of(item)
        if hidden:
            hidden_units.add(Path(str(item.path)).stem.removeprefix("test_"))
        if check is None:
            if hidden:
                problems.append(f"{item.nodeid} has no check marker")
        elif check not in known:
            problems.append(f"{item.nodeid} is marked with {check!r}, which the rubric lacks")
        else:
            covered.add(check)
    for unit in sorted(hidden_units):
        problems += [f"the rubric check {c.id!r} has no hidden test"
                     for c in load_rubric().get(unit, ()) if c.id not in covered]
    if problems:
        raise CatalogueError("the checks do not match the rubric:\n  " + "\n  ".join(problems))


def pytest_unconfigure(config: pytest.Config) -> None:
    run = config.stash.get(RUN_KEY, None)
    if run is not None:
        run.close()


@pytest.fixture(scope="session")
def submission(pytestconfig: pytest.Config) -> SubmissionProxy:
    """The submission under test: ``submission.<unit>.<function>(...)`` runs in the child."""
    return SubmissionProxy(pytestconfig.stash[RUN_KEY].session)
