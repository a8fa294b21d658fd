"""Grade one submission: load, run the checks in the confined child, score, and report.

This is the one entry point every front end calls: ``dlmath grade``,
``grade-class`` and its workers, Gradescope, the nbgrader worker and
``dlmath check`` (with the public suite).
"""

from pathlib import Path

from grader.i18n import DEFAULT, check_lang
from grader.load.submission import (
    LoadedSubmission,
    load_submission,
    make_scratch,
    remove_scratch,
)
from grader.paths import HIDDEN_TESTS
from grader.run import sandbox
from grader.run.suite import ChecksRun, run_checks
from grader.score.rubric import load_rubric
from grader.score.scoring import Report, build_report, score_unit
from grader.settings import CALL_TIMEOUT, UNIT_BUDGET


def grade(path: Path | list[Path], units: list[str] | None = None, timeout: float = CALL_TIMEOUT,
          *, sandbox_mode: str = sandbox.REQUIRE, budget: float = UNIT_BUDGET,
          suite: Path = HIDDEN_TESTS, isolated: bool = True, lang: str = DEFAULT) -> Report:
    """Grade the submission at ``path`` (folder or .zip) on ``units`` (default: all).

    Raises ``SubmissionError`` when ``path`` cannot be read, and
    ``sandbox.SandboxUnavailable`` in ``require`` mode when the child cannot be
    confined. ``isolated=False`` runs the submission in this process: only to
    measure what isolation costs, on trusted code. The feedback is in ``lang``
    (``ValueError`` before any work for a language without a catalogue).
    """
    check_lang(lang)
    rubric = load_rubric()
    units = [u for u in rubric if units is None or u in units]
    loaded, run = run_submission(path, units, suite, timeout, sandbox_mode=sandbox_mode,
                                 budget=budget, isolated=isolated, lang=lang)
    problems = {**loaded.problems, **run.problems}
    results = [
        score_unit(u, rubric[u], run.outcomes, u in loaded.units or u in problems, problems.get(u),
                   lang=lang)
        for u in units
    ]
    return build_report(results, loaded.flags, run.confinement, lang=lang)


def run_submission(path: Path | list[Path], units: list[str], suite: Path, timeout: float, *,
                   sandbox_mode: str, budget: float = UNIT_BUDGET, isolated: bool = True,
                   lang: str = DEFAULT) -> tuple[LoadedSubmission, ChecksRun]:
    """Load ``path`` into a scratch copy and run ``suite``'s checks of ``units`` on it.

    The steps every front end shares (``grade`` scores the result against the
    rubric; ``dlmath check`` keeps each public check's outcome).
    """
    if isolated and sandbox_mode == sandbox.REQUIRE and sandbox.check_available():
        raise sandbox.SandboxUnavailable(sandbox.check_available())
    scratch = make_scratch()
    try:
        loaded = load_submission(path, scratch)
        runnable = [u for u in units if u in loaded.units and u not in loaded.problems]
        run = run_checks(scratch, runnable, suite, timeout, isolated, sandbox_mode, budget,
                         lang=lang)
    finally:
        remove_scratch(scratch)
    return loaded, run
