"""Fill course.md's points tables from the rubric, so that the two never disagree.

course.md marks each table's place with ``<!-- rubric:UNIT -->`` (or
``<!-- rubric:summary -->``) and ``<!-- /rubric -->``; whatever stands between
them is rewritten.
"""

import re

from grader.score.rubric import Check, load_rubric
from grader.units import UNITS

_REGION = re.compile(r"(<!-- rubric:(\w+) -->\n)(.*?)(<!-- /rubric -->)", re.DOTALL)


def unit_table(checks: tuple[Check, ...]) -> str:
    rows = [f"| `{c.name}` | {c.points:g} | {c.about} |" for c in checks]
    total = sum(c.points for c in checks)
    return "\n".join(["| check | points | what it checks |", "|---|---:|---|", *rows,
                      f"| **total** | **{total:g}** | |"]) + "\n"


def summary_table(rubric: dict[str, tuple[Check, ...]]) -> str:
    rows = [f"| {unit} | {sum(c.points for c in rubric[unit]):g} | {len(rubric[unit])} |"
            for unit in UNITS if unit in rubric]
    total = sum(c.points for checks in rubric.values() for c in checks)
    return "\n".join(["| unit | points | checks |", "|---|---:|---:|", *rows,
                      f"| **total** | **{total:g}** | |"]) + "\n"


def fill_rubric_tables(text: str) -> str:
    """``text`` with every rubric region holding the table the rubric gives."""
    rubric = load_rubric()

    def table(match: re.Match) -> str:
        name = match.group(2)
        if name == "summary":
            body = summary_table(rubric)
        elif name in rubric:
            body = unit_table(rubric[name])
        else:
            body = "*(not graded yet)*\n"
        return f"{match.group(1)}\n{body}\n{match.group(4)}"

    return _REGION.sub(table, text)
