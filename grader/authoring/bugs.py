"""The bug bank: plausible student bugs, each a patch on a reference solution.

``tests/submissions/bugs/<unit>/bugs.toml`` lists each bug with what it is
about, the exact checks it must fail (``fails``), the diagnosis its feedback
must give (``says``, optional) and its ``patch``: snippets of
``solutions/<unit>.py`` and what replaces them. A bug kept as a patch shows
the one change a student made, and follows the solution when it changes.
"""

from dataclasses import dataclass
from pathlib import Path

from grader.compat import tomllib
from grader.paths import SOLUTIONS, TESTS
from grader.units import unit_file

BUGS = TESTS / "submissions" / "bugs"


@dataclass(frozen=True)
class Bug:
    unit: str
    name: str
    about: str
    fails: tuple[str, ...]
    says: str | None
    patch: tuple[tuple[str, str], ...]

    def source(self, solutions: Path = SOLUTIONS) -> str:
        """The solution with the patch applied; each snippet must occur exactly once."""
        text = (solutions / unit_file(self.unit)).read_text()
        for old, new in self.patch:
            if text.count(old) != 1:
                raise ValueError(f"{self.unit}/{self.name}: a patch snippet occurs "
                                 f"{text.count(old)} times in the solution, not once")
            text = text.replace(old, new)
        return text


def load_bank(folder: Path = BUGS) -> list[Bug]:
    """Every bug of every unit, in file order."""
    bugs = []
    for listing in sorted(folder.glob("*/bugs.toml")):
        for name, entry in tomllib.loads(listing.read_text()).items():
            bugs.append(Bug(listing.parent.name, name, entry["about"], tuple(entry["fails"]),
                            entry.get("says"),
                            tuple((p["old"], p["new"]) for p in entry["patch"])))
    return bugs


def inject(source: str, function: str, lines: str) -> str:
    """``source`` with ``lines`` placed first in ``function``'s solution region.

    How the demo and the tests plant sabotage (an endless loop, a crash) in a
    reference solution.
    """
    start = source.index("### BEGIN SOLUTION", source.index(f"def {function}("))
    indent = " " * (start - source.rindex("\n", 0, start) - 1)
    body = "".join(f"{indent}{line}\n" for line in lines.splitlines())
    end_of_marker = source.index("\n", start) + 1
    return source[:end_of_marker] + body + source[end_of_marker:]
