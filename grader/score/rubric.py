"""The rubric: each check's points, stated once in ``grader/rubric/<unit>.toml``."""

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from grader.compat import tomllib
from grader.paths import RUBRIC
from grader.units import UNITS


@dataclass(frozen=True)
class Check:
    """One rubric check: ``unit/name``, worth ``points``."""

    unit: str
    name: str
    points: float
    about: str

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
                Check(unit, name, float(entry["points"]), entry.get("about", ""))
                for name, entry in table.items()
            )
    return rubric


def unit_points(unit: str) -> float:
    """The most points a unit can earn."""
    return sum(check.points for check in load_rubric()[unit])
