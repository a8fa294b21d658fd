"""The student's self-check: the public checks, run on their own unit files.

The public suite (``tests/public/test_<unit>.py``) runs through the same
pytest plugin and the same isolated child as the graded run; each test item's
outcome is kept with the submission function it is about, so that a notebook
cell can show the public checks of one function. The wording here never
passes for a grade: the public checks are a sanity check on small cases, and
the hidden checks grade the work.
"""

from dataclasses import dataclass, field
from pathlib import Path

from grader.i18n import DEFAULT, text
from grader.paths import PUBLIC_TESTS
from grader.pipeline import run_submission
from grader.run import sandbox
from grader.run.suite import SuiteError
from grader.score.outcome import PASSED, ItemOutcome
from grader.score.rubric import load_rubric
from grader.score.scoring import CheckResult, score_check
from grader.settings import CALL_TIMEOUT
from grader.units import UNITS, unit_file

CHECKED, MISSING, ERROR = "checked", "missing", "error"


class PublicSuiteError(RuntimeError):
    """The public suite itself could not run (a broken installation)."""


@dataclass
class PublicUnit:
    """One unit's public checks."""

    unit: str
    status: str  # checked, missing, error
    problem: str = ""
    items: list[ItemOutcome] = field(default_factory=list)

    def checks(self, function: str | None = None) -> list[CheckResult]:
        """Each rubric check the public suite covers (for ``function`` only, if given)."""
        items = [i for i in self.items if function is None or i.function == function]
        results = []
        for check in load_rubric().get(self.unit, ()):
            mine = [i for i in items if i.check == check.id]
            if mine:
                results.append(score_check(check, mine))
        return results

    def hidden_only(self) -> list[str]:
        """The ids of the rubric checks that no public test covers."""
        covered = {i.check for i in self.items}
        return [c.id for c in load_rubric().get(self.unit, ()) if c.id not in covered]


@dataclass
class PublicResult:
    """The public checks of a folder of unit files."""

    folder: Path
    units: list[PublicUnit]
    flags: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"folder": str(self.folder), "flags": self.flags,
                "units": [{"unit": u.unit, "status": u.status, "problem": u.problem,
                           "items": [vars(i) for i in u.items]} for u in self.units]}

    @classmethod
    def from_dict(cls, data: dict) -> "PublicResult":
        units = [PublicUnit(u["unit"], u["status"], u["problem"],
                            [ItemOutcome(**i) for i in u["items"]]) for u in data["units"]]
        return cls(Path(data["folder"]), units, list(data["flags"]))


def units_in(folder: Path) -> list[str]:
    """The units whose files ``folder`` holds, in course order."""
    return [u for u in UNITS if (Path(folder) / unit_file(u)).is_file()]


def run_public(folder: Path, units: list[str] | None = None, timeout: float = CALL_TIMEOUT,
               suite: Path = PUBLIC_TESTS, lang: str = "en") -> PublicResult:
    """Run the public checks of ``units`` (default: those in ``folder``) on ``folder``."""
    folder = Path(folder)
    rubric = load_rubric()
    wanted = [u for u in (units if units is not None else units_in(folder)) if u in rubric]
    try:  # the student's own code, on their own machine: confined where the platform allows
        loaded, run = run_submission(folder, wanted, suite, timeout,
                                     sandbox_mode=sandbox.BEST_EFFORT, lang=lang)
    except SuiteError as exc:
        raise PublicSuiteError(str(exc)) from None
    outcomes, problems = run.outcomes, {**loaded.problems, **run.problems}
    result = PublicResult(folder, [], list(loaded.flags))
    for unit in wanted:
        if unit in problems:
            result.units.append(PublicUnit(unit, ERROR, problems[unit]))
        elif unit not in loaded.units:
            result.units.append(PublicUnit(unit, MISSING, text(
                "pc_no_file", lang, file=unit_file(unit), folder=folder)))
        else:
            items = [o
                     for o in outcomes if o.check.split("/")[0] == unit]
            result.units.append(PublicUnit(unit, CHECKED, "", items))
    return result


def summary(unit: PublicUnit, lang: str = DEFAULT) -> str:
    """One honest sentence about a unit's public checks."""
    if unit.status != CHECKED:
        return f"{unit.unit}: {unit.problem}"
    checks = unit.checks()
    passed = sum(c.status == PASSED for c in checks)
    hidden = len(unit.hidden_only())
    beyond = ("" if not hidden else text("pc_beyond_one", lang) if hidden == 1
              else text("pc_beyond", lang, count=hidden))
    if passed == len(checks):
        return text("pc_all_passed", lang, unit=unit.unit, passed=passed, total=len(checks),
                    beyond=beyond)
    return text("pc_some_failed", lang, unit=unit.unit, failed=len(checks) - passed,
                total=len(checks), beyond=beyond)


def render(result: PublicResult, console, lang: str = DEFAULT) -> None:
    """The table and feedback of ``dlmath check``, in ``dlmath grade``'s format, in ``lang``."""
    from rich.table import Table

    from grader.report.table import STYLE
    from grader.text import rich_escape

    hidden_only = text("pc_hidden_only", lang)
    console.print(text("pc_not_the_grade", lang), highlight=False)
    table = Table(title=text("pc_title", lang, folder=result.folder))
    table.add_column(text("col_check", lang))
    table.add_column(text("col_status", lang))
    for unit in result.units:
        checks = unit.checks()
        passed = sum(c.status == PASSED for c in checks)
        label = (text("pc_passed_of", lang, passed=passed, total=len(checks))
                 if unit.status == CHECKED else text(f"status_{unit.status}", lang))
        table.add_row(f"[bold]{unit.unit}[/bold]", label)
        if unit.status != CHECKED:
            continue
        public = {check.id: check for check in checks}
        for rubric_check in load_rubric()[unit.unit]:
            check = public.get(rubric_check.id)
            if check is None:
                table.add_row(f"  [dim]{rubric_check.name}[/dim]", f"[dim]{hidden_only}[/dim]")
            else:
                style = STYLE.get(check.status, "white")
                table.add_row(f"  {rubric_check.name}",
                              f"[{style}]{text(f'status_{check.status}', lang)}[/]")
    console.print(table)
    for flag in result.flags:
        console.print(f"[bold magenta]{text('flag', lang)}[/bold magenta] {rich_escape(flag)}",
                      highlight=False)
    for unit in result.units:
        for check in unit.checks():
            if check.status != PASSED:
                console.print(f"[bold]{check.id}[/bold] ({text(f'status_{check.status}', lang)}): "
                              f"{rich_escape(check.feedback)}", highlight=False)
    for unit in result.units:
        console.print(rich_escape(summary(unit, lang)), highlight=False)
    if any(unit.hidden_only() for unit in result.units):
        console.print(text("pc_hidden_note", lang, hidden_only=hidden_only), highlight=False)
