"""What a worker runs: grade one student's parcel, and turn a failure into that student's row.

The same functions serve the local process pool and Dask workers. Whatever
goes wrong with one submission (it cannot be unpacked or loaded, the engine
raises on it) becomes a report whose units are all ``error`` with a one-line
reason, written like every other report. Only what would fail for every
student stops the class: the checks cannot run (``SuiteError``) or the
sandbox cannot be built (``SandboxUnavailable``).
"""

import re
import resource
import shutil
import signal
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from grader.batch.parcel import unpack
from grader.score.rubric import load_rubric
from grader.score.scoring import Report, build_report, score_unit

DIED = ("the grading process died while grading this submission, and again when it was "
        "tried again; it was not graded.")
MAX_REASON = 300
_ONE_AT_A_TIME = threading.Lock()  # pytest and stdout are process-wide: one grading per process


@dataclass
class Graded:
    """One student's report and what grading it cost."""

    name: str
    report: Report
    seconds: float
    peak_rss_mb: float


def start_worker(workers: int = 1) -> None:
    """Pay the startup costs once per worker (torch and the checks' modules); ``workers``
    grade on this machine at once."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # unwinds, so children are stopped
    import_grader()
    from grader.run.child import share_cores

    share_cores(workers)


def import_grader() -> None:
    import torch  # noqa: F401

    import grader.pipeline  # noqa: F401


def grade_parcel(name: str, parcel: bytes, units: list[str] | None, options: dict) -> Graded:
    """Grade the student ``name`` from ``parcel``; never raises for the student's sake."""
    from grader.errors import SandboxUnavailable
    from grader.load.submission import SubmissionError
    from grader.pipeline import grade
    from grader.run.suite import SuiteError

    with _ONE_AT_A_TIME:
        start = time.monotonic()
        folder = Path(tempfile.mkdtemp(prefix="parcel-dlmath-"))
        try:
            report = grade(unpack(parcel, folder), units, **options)
        except (SuiteError, SandboxUnavailable):
            raise  # this machine cannot grade anyone: the class stops and says why
        except SubmissionError as exc:
            report = error_report(units, one_line(str(exc), folder))
        except Exception as exc:  # the student's submission broke loading or the engine
            reason = f"the submission could not be graded: {type(exc).__name__}: {exc}"
            report = error_report(units, one_line(reason, folder))
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        return Graded(name, report, time.monotonic() - start, peak_mb)


def error_report(units: list[str] | None, reason: str) -> Report:
    """Every check of the graded units an ``error``, with ``reason`` as its feedback."""
    rubric = load_rubric()
    return build_report([score_unit(u, rubric[u], [], True, reason)
                         for u in rubric if units is None or u in units], [])


def one_line(text: str, folder: Path | None = None) -> str:
    """``text`` without the worker's temporary folder, control characters or line breaks."""
    if folder is not None:
        text = text.replace(f"{folder}/", "").replace(str(folder), "")
    text = re.sub(r"\s+", " ", re.sub(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", "", text)).strip()
    return text if len(text) <= MAX_REASON else text[:MAX_REASON - 1] + "…"
