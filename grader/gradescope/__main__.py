"""Grade ``ROOT/submission`` into ``ROOT/results/results.json`` (run by run_autograder)."""

import json
import sys
from pathlib import Path

from grader.gradescope.build import CONFIG
from grader.gradescope.results import results
from grader.paths import REPO_ROOT
from grader.pipeline import grade


def main(root: Path) -> int:
    config = json.loads((REPO_ROOT / CONFIG).read_text()) if (REPO_ROOT / CONFIG).exists() else {}
    report = grade(root / "submission", timeout=config.get("timeout", 10.0))
    out = root / "results" / "results.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results(report, config.get("visibility", "after_published")),
                              indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "/autograder")))
