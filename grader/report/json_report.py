"""Step 4a: the JSON report, in the contract's format, byte-identical on a regrade."""

import json
from dataclasses import asdict

from grader.score.scoring import Report


def to_json(report: Report) -> str:
    return json.dumps(asdict(report), indent=2, ensure_ascii=False) + "\n"
