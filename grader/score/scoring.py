"""Step 3: score the checks' outcomes against the rubric.

The result has exactly the shape of the contract's JSON report.
"""

from dataclasses import dataclass, field

from grader.i18n import DEFAULT, Msg, Phrase, phrase, render, text
from grader.score.outcome import ERROR, FAILED, GRADER_ERROR, PASSED, TIMEOUT, ItemOutcome
from grader.score.rubric import Check
from grader.text import plain
from grader.units import unit_file

GRADED, MISSING = "graded", "missing"
_SEVERITY = (GRADER_ERROR, TIMEOUT, ERROR, FAILED)


@dataclass
class CheckResult:
    id: str
    score: float
    max_score: float
    status: str
    feedback: str


@dataclass
class UnitResult:
    unit: str
    score: float
    max_score: float
    status: str
    checks: list[CheckResult]


@dataclass
class Report:
    score: float
    max_score: float
    flags: list[str] = field(default_factory=list)
    units: list[UnitResult] = field(default_factory=list)
    confinement: dict | None = None  # what held around the child (grader.run.sandbox.describe)

    @property
    def grader_errors(self) -> list[str]:
        """The checks that could not be graded through the grader's fault."""
        return [c.id for u in self.units for c in u.checks if c.status == GRADER_ERROR]


def score_check(check: Check, outcomes: list[ItemOutcome], lang: str = DEFAULT) -> CheckResult:
    """A check passes only if it ran and every one of its test items passed."""
    if not outcomes:
        return CheckResult(check.id, 0.0, check.points, ERROR, text("no_test_ran", lang))
    failures = [o for o in outcomes if o.status != PASSED]
    if not failures:
        return CheckResult(check.id, check.points, check.points, PASSED, "")
    worst = min(failures, key=lambda o: _SEVERITY.index(o.status))
    first = next(o for o in failures if o.status == worst.status)
    return CheckResult(check.id, 0.0, check.points, worst.status, first.feedback)


def score_unit(unit: str, checks: tuple[Check, ...], outcomes: list[ItemOutcome],
               present: bool, problem: str | None, lang: str = DEFAULT) -> UnitResult:
    """A unit's checks; a missing or unloadable unit scores 0 with one message."""
    if not present or problem:
        status = MISSING if not present else ERROR
        check_status = FAILED if not present else ERROR
        missing = text("not_attempted", lang, file=unit_file(unit))
        message = plain(render(Phrase(problem), lang)) if problem else missing
        results = [CheckResult(c.id, 0.0, c.points, check_status, message) for c in checks]
        return UnitResult(unit, 0.0, _total(c.points for c in checks), status, results)
    by_check: dict[str, list[ItemOutcome]] = {c.id: [] for c in checks}
    for outcome in outcomes:
        by_check.setdefault(outcome.check, []).append(outcome)
    results = [score_check(c, by_check[c.id], lang) for c in checks]
    _name_root_causes(checks, results, by_check, lang)
    return UnitResult(unit, _total(r.score for r in results),
                      _total(c.points for c in checks), GRADED, results)


def _name_root_causes(checks: tuple[Check, ...], results: list[CheckResult],
                      by_check: dict[str, list[ItemOutcome]], lang: str = DEFAULT) -> None:
    """Add to a failed check's feedback the failed checks it depends on, by function."""
    failed = {r.id for r in results if r.status in (FAILED, ERROR, TIMEOUT)}
    for check, result in zip(checks, results, strict=True):
        causes = [d for d in check.depends if d in failed]
        if result.id not in failed or not causes or _all_unwritten([check.id, *causes], by_check):
            continue  # a stub's message already names the function to write first
        # in the rubric's order, so that the most basic function is named first
        functions = list(dict.fromkeys(o.function for d in causes for o in by_check[d]
                                       if o.function))
        named = functions or [c.split("/")[1] for c in causes]
        key = "root_cause_one" if len(named) == 1 else "root_cause_many"
        result.feedback += render(Msg(key, named=text("and", lang).join(named),
                                      causes=", ".join(causes)), lang)


def _all_unwritten(check_ids: list[str], by_check: dict[str, list[ItemOutcome]]) -> bool:
    """Whether these checks failed only on functions that raise NotImplementedError."""
    return all(o.unwritten for c in check_ids for o in by_check[c] if o.status != PASSED)


def build_report(units: list[UnitResult], flags: list[str],
                 confinement: dict | None = None, lang: str = DEFAULT) -> Report:
    return Report(_total(u.score for u in units), _total(u.max_score for u in units),
                  [plain(phrase(flag, lang)) for flag in flags], units, confinement)


def _total(values) -> float:
    return round(float(sum(values)), 6)
