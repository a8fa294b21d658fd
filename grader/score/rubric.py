"""The rubric: each check's points, stated once in ``grader/rubric/<unit>.toml``."""

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from grader.compat import tomllib
from grader.paths import RUBRIC
from grader.units import UNITS


@dataclass(frozen=True)
class Check:
    """One rubric check: ``unit/name``, worth ``points``.

    ``depends`` names the checks of the same unit whose function this one
    builds on (multi-head attention on scaled dot-product attention, say):
    when both fail, the feedback names the first as the likely root cause.
    The points stay as stated.
    """

    unit: str
    name: str
    points: float
    about: str
    depends: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        return f"{self.unit}/{self.name}"


@cache
def load_rubric(folder: Path = RUBRIC) -> dict[str, tuple[Check, ...]]:
    """Every graded unit's checks, in course order and file order."""
    rubric = {}
    for unit in UNITS:
        path = folder / f"{unit}.toml"
        if path.exists():
            table = tomllib.loads(path.read_text())
            rubric[unit] = tuple(
                Check(unit, name, float(entry["points"]), entry.get("about", ""),
                      tuple(f"{unit}/{d}" for d in entry.get("depends", ())))
                for name, entry in table.items()
            )
            _check_dependencies(path, rubric[unit])
    return rubric


class RubricError(ValueError):
    """A rubric file names a dependency that is not one of its checks."""


def _check_dependencies(path: Path, checks: tuple[Check, ...]) -> None:
    ids = {c.id for c in checks}
    for check in checks:
        unknown = [d for d in check.depends if d not in ids or d == check.id]
        if unknown:
            raise RubricError(f"{path.name}: {check.name} depends on {', '.join(unknown)}, "
                              "which is not another check of this unit")


def unit_points(unit: str) -> float:
    """The most points a unit can earn."""
    return sum(check.points for check in load_rubric()[unit])
