"""Step 4a: the JSON report, in the contract's format, byte-identical on a regrade."""

import json
from dataclasses import asdict

from grader.score.scoring import Report


def to_json(report: Report, capstones: list | None = None) -> str:
    """The report; with capstones (``dlmath grade --capstones``), a ``capstones`` list too."""
    data = asdict(report)
    if capstones is not None:
        data["capstones"] = [asdict(c) for c in capstones]
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
