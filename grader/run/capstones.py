"""Train the capstones on a submission's unit files, in the isolated child.

The data are loaded here (scikit-learn's bundled sets), sent to the child as
plain arrays, and trained there by ``dlmath.capstones`` with the student's own
functions. Capstones earn no points: each result says the metric reached
beside its target.
"""

from dataclasses import dataclass
from pathlib import Path

from grader.errors import ChildError
from grader.load.submission import load_submission, make_scratch, remove_scratch
from grader.run import sandbox
from grader.run.child import Child
from grader.settings import CAPSTONE_TIMEOUT


@dataclass
class CapstoneResult:
    name: str
    metric: str
    target: float
    value: float | None
    reached: bool
    seconds: float | None
    message: str


def run_capstones(path: Path, timeout: float = CAPSTONE_TIMEOUT,
                  sandbox_mode: str = sandbox.REQUIRE) -> list[CapstoneResult]:
    """Every capstone's result on the submission at ``path`` (folder or .zip)."""
    import dlmath
    from dlmath.capstones import CAPSTONES, reached

    modules = tuple(f"dlmath.capstones.{name}" for name in CAPSTONES)
    scratch = make_scratch()
    try:
        load_submission(path, scratch)
        child = Child(scratch, sandbox_mode, preload=("dlmath.units", *modules),
                      packages={"dlmath": Path(dlmath.__file__).resolve().parent})
        try:
            return [_one(child, name, capstone, reached, timeout)
                    for name, capstone in CAPSTONES.items()]
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
    result = reply["value"]
    hit = reached(capstone, result)
    return CapstoneResult(**base, value=float(result["metric"]), reached=hit,
                          seconds=float(result.get("seconds", 0.0)),
                          message="reached its target." if hit else "below its target.")
