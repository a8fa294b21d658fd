"""Train the capstones on a submission's unit files, in the isolated child.

The data are loaded here (scikit-learn's bundled sets), sent to the child as
plain arrays, and trained there by ``dlmath.capstones`` with the student's own
functions. Capstones earn no points: each result says the metric reached
beside its target.
"""

import math
from dataclasses import dataclass, field
from pathlib import Path

from grader.errors import ChildError
from grader.load.submission import load_submission, make_scratch, remove_scratch
from grader.run import sandbox
from grader.run.child import Child
from grader.settings import CAPSTONE_TIMEOUT
from grader.text import plain

SAMPLE_CHARACTERS = 400  # a generated sample longer than this is cut


@dataclass
class CapstoneResult:
    name: str
    metric: str
    target: float
    value: float | None
    reached: bool
    seconds: float | None
    message: str
    baseline: float | None = None
    baseline_is: str = ""  # what the baseline measures (the capstone's BASELINE)
    details: dict[str, float] = field(default_factory=dict)  # e.g. margin, unigram
    sample: str | None = None  # text a language model generated


def run_capstones(path: Path, timeout: float = CAPSTONE_TIMEOUT,
                  sandbox_mode: str = sandbox.REQUIRE,
                  names: list[str] | None = None) -> list[CapstoneResult]:
    """Each capstone's result (all, or those ``names``) on the submission at ``path``."""
    import dlmath
    from dlmath.capstones import CAPSTONES, reached

    chosen = {name: CAPSTONES[name] for name in (names or CAPSTONES)}
    modules = tuple(f"dlmath.capstones.{name}" for name in chosen)
    scratch = make_scratch()
    try:
        load_submission(path, scratch)
        child = Child(scratch, sandbox_mode, preload=("dlmath.units", *modules),
                      packages={"dlmath": Path(dlmath.__file__).resolve().parent})
        try:
            return [_one(child, name, capstone, reached, timeout)
                    for name, capstone in chosen.items()]
        finally:
            child.stop()
    finally:
        remove_scratch(scratch)


def _one(child: Child, name: str, capstone, reached, timeout: float) -> CapstoneResult:
    base = {"name": name, "metric": capstone.METRIC, "target": capstone.TARGET}
    try:
        reply = child.request({"op": "capstone", "name": name, "data": capstone.load_data()},
                              timeout)
    except ChildError as exc:
        return CapstoneResult(**base, value=None, reached=False, seconds=None,
                              message=f"training {exc}.")
    if not reply.get("ok"):
        error = reply["error"]
        where = f" at {error['where']}" if error.get("where") else ""
        return CapstoneResult(**base, value=None, reached=False, seconds=None,
                              message=f"training raised {error['type']}: {error['message']}"
                                      f"{where}.")
    result = _checked(reply["value"])  # the child is the submission's: trust no field
    if result is None:
        return CapstoneResult(**base, value=None, reached=False, seconds=None,
                              message="training sent back a malformed result.")
    hit = reached(capstone, result)
    details = {k: v for k, v in result.items() if k not in _SHOWN and isinstance(v, float)}
    return CapstoneResult(**base, value=result["metric"], reached=hit,
                          seconds=result.get("seconds"),
                          message="reached its target." if hit else "below its target.",
                          baseline=result.get("baseline"), baseline_is=capstone.BASELINE,
                          details=details, sample=result.get("sample"))


_SHOWN = {"metric", "target", "baseline", "seconds", "sample"}


def _checked(result) -> dict | None:
    """``result`` with finite float numbers and a plain, bounded sample; None if malformed."""
    if not isinstance(result, dict) or len(result) > 16:
        return None
    checked = {}
    for key, value in result.items():
        if key == "sample" and isinstance(value, str):
            checked[key] = plain(value[:SAMPLE_CHARACTERS])
        elif isinstance(value, int | float) and not isinstance(value, bool):
            if not math.isfinite(value):
                return None
            checked[str(key)] = float(value)
    return checked if isinstance(checked.get("metric"), float) else None
