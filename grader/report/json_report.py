"""Step 4a: the JSON report, in the contract's format, byte-identical on a regrade.

Feedback and flags quote the submission; they are stored through ``plain``
(no escape sequences or control characters, bounded length), so every reader
of the report, the class report included, starts from harmless text.
"""

import json
from dataclasses import asdict

from grader.i18n import DEFAULT
from grader.score.scoring import Report
from grader.text import plain


def to_json(report: Report, capstones: list | None = None, lang: str = DEFAULT) -> str:
    """The report; with capstones (``dlmath grade --capstones``), a ``capstones`` list too.

    Feedback in another language than English says so in ``lang`` (an English report has no
    ``lang``, as before the catalogues), so that a class report knows what it reads.
    """
    data = asdict(report)
    if lang != DEFAULT:
        data["lang"] = lang
    data["flags"] = [plain(flag) for flag in data.get("flags", [])]
    for unit in data.get("units", []):
        for check in unit.get("checks", []):
            check["feedback"] = plain(check.get("feedback") or "")
    if capstones is not None:
        data["capstones"] = [_capstone(asdict(c)) for c in capstones]
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _capstone(data: dict) -> dict:
    if isinstance(data.get("message"), str):
        data["message"] = plain(data["message"])
    return data
