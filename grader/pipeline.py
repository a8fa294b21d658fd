"""Grade one submission: load, run the checks in the child, score, and report."""

from pathlib import Path

from grader.load.submission import load_submission, make_scratch, remove_scratch
from grader.paths import HIDDEN_TESTS
from grader.run.suite import run_checks
from grader.score.rubric import load_rubric
from grader.score.scoring import Report, build_report, score_unit

DEFAULT_TIMEOUT = 10.0


def grade(path: Path | list[Path], units: list[str] | None = None, timeout: float = DEFAULT_TIMEOUT,
          suite: Path = HIDDEN_TESTS, isolated: bool = True) -> Report:
    """Grade the submission at ``path`` (folder or .zip) on ``units`` (default: all).

    ``isolated=False`` runs the submission in this process: only to measure
    what isolation costs, on trusted code.
    """
    rubric = load_rubric()
    units = [u for u in rubric if units is None or u in units]
    scratch = make_scratch()
    try:
        loaded = load_submission(path, scratch)
        runnable = [u for u in units if u in loaded.units and u not in loaded.problems]
        outcomes, load_problems = run_checks(scratch, runnable, suite, timeout, isolated)
    finally:
        remove_scratch(scratch)
    problems = {**loaded.problems, **load_problems}
    results = [
        score_unit(u, rubric[u], outcomes, u in loaded.units or u in problems, problems.get(u))
        for u in units
    ]
    return build_report(results, loaded.flags)
