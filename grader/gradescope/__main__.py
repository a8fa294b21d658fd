"""Grade ``ROOT/submission`` into ``ROOT/results/results.json`` (run by run_autograder)."""

import json
import sys
import traceback
from pathlib import Path

from grader.errors import SandboxUnavailable
from grader.gradescope.build import CONFIG
from grader.gradescope.results import results
from grader.i18n import DEFAULT, check_lang, text
from grader.load.submission import SubmissionError
from grader.paths import REPO_ROOT
from grader.pipeline import grade
from grader.run.sandbox import REQUIRE
from grader.settings import CALL_TIMEOUT
from grader.text import plain


def refused(reason: str, lang: str = DEFAULT) -> dict:
    """Results for a submission that was not graded at all, saying why."""
    return {"score": 0.0, "visibility": "visible", "stdout_visibility": "hidden", "tests": [],
            "output_format": "text",
            "output": text("gs_refused", lang, reason=plain(reason))}


def main(root: Path) -> int:
    config = json.loads((REPO_ROOT / CONFIG).read_text()) if (REPO_ROOT / CONFIG).exists() else {}
    visibility = config.get("visibility", "after_published")
    lang = check_lang(config.get("lang", DEFAULT))
    try:
        report = grade(root / "submission", timeout=config.get("timeout", CALL_TIMEOUT),
                       sandbox_mode=config.get("sandbox", REQUIRE), lang=lang)
        data = results(report, visibility, lang)
    except (SandboxUnavailable, SubmissionError) as exc:
        data = refused(str(exc), lang)
    except Exception as exc:  # a grader fault: still a results.json, and the trace for us
        traceback.print_exc()
        data = refused(f"the grader failed ({type(exc).__name__})", lang)
    out = root / "results" / "results.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(data, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "/autograder")))
