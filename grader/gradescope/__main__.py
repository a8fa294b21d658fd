"""Grade ``ROOT/submission`` into ``ROOT/results/results.json`` (run by run_autograder)."""

import json
import sys
from pathlib import Path

from grader.errors import SandboxUnavailable
from grader.gradescope.build import CONFIG
from grader.gradescope.results import results
from grader.load.submission import SubmissionError
from grader.paths import REPO_ROOT
from grader.pipeline import grade
from grader.run.sandbox import REQUIRE
from grader.settings import CALL_TIMEOUT
from grader.text import plain


def refused(reason: str) -> dict:
    """Results for a submission that was not graded at all, saying why."""
    return {"score": 0.0, "visibility": "visible", "stdout_visibility": "hidden", "tests": [],
            "output_format": "text",
            "output": f"This submission was not graded: {plain(reason)}. Nothing is wrong with "
                      "your code; your instructor will look into it."}


def main(root: Path) -> int:
    config = json.loads((REPO_ROOT / CONFIG).read_text()) if (REPO_ROOT / CONFIG).exists() else {}
    visibility = config.get("visibility", "after_published")
    try:
        report = grade(root / "submission", timeout=config.get("timeout", CALL_TIMEOUT),
                       sandbox_mode=config.get("sandbox", REQUIRE))
        data = results(report, visibility)
    except (SandboxUnavailable, SubmissionError) as exc:
        data = refused(str(exc))
    out = root / "results" / "results.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(data, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "/autograder")))
