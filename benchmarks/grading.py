"""What grading costs: isolation's overhead, one full grade, and a class at -j 2.

    python benchmarks/grading.py            # about 6 minutes on 2 cores
    python benchmarks/grading.py --quick    # one repeat, a class of 8: about a minute

Measured side by side in one run (medians of repeats, alternating order):

- the full hidden suite on the reference solutions through the isolated grader
  (a child process, plain-data calls) against the same suite run in this
  process without isolation: the overhead ratio (goal: at most 1.3x);
- one full grade, through the grader's API and through ``dlmath grade`` as a
  fresh process (goal: at most 20 s on 2 cores);
- ``grade-class`` on a class of at least 40 submissions at -j 2: submissions
  per minute, and the peak memory of a worker;
- the sandbox's start-up cost: a confined child (bubblewrap, namespaces,
  seccomp, the runner's confinement report) against a child with resource
  limits only, each started and stopped.

The torch oracle's cache (``grader/cache/``) lives in a fresh temporary folder for the
run (``--cache-dir`` to choose one; it is never the user's own cache unless given):
``dlmath grade solutions`` is timed with it cold, warm and off, and the side-by-side
run is made with it warm, as every student's after the first is graded.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from timing import machine_lines, ratio, side_by_side

from grader.batch.pool import grade_class
from grader.demo import build_demo_class
from grader.paths import SOLUTIONS
from grader.pipeline import grade
from grader.settings import CACHE_ENV


def isolation_overhead(repeats: int) -> dict[str, float]:
    """Median seconds of a full grade of the solutions, isolated and not (oracle cache warm)."""
    grade(SOLUTIONS)  # warm: torch and the checks imported, every oracle result cached
    return side_by_side({"isolated": lambda: grade(SOLUTIONS),
                         "in process": lambda: grade(SOLUTIONS, isolated=False)},
                        repeats=repeats, warmup=0)


def round_trips() -> dict[str, int]:
    """Requests sent to the child, and replies read, in one isolated grade of the solutions."""
    from grader.run.child import Child

    counts = {"requests": 0, "replies": 0}
    send, receive = Child.send, Child.receive

    def counted_send(self, *args, **kwargs):
        counts["requests"] += 1
        return send(self, *args, **kwargs)

    def counted_receive(self, *args, **kwargs):
        counts["replies"] += 1
        return receive(self, *args, **kwargs)

    Child.send, Child.receive = counted_send, counted_receive
    try:
        grade(SOLUTIONS)
    finally:
        Child.send, Child.receive = send, receive
    return counts


def startup_cost(repeats: int) -> dict[str, float]:
    """Median seconds to start (and stop) one child, confined and with limits only."""
    from grader.run import sandbox
    from grader.run.child import Child

    scratch = Path(tempfile.mkdtemp(prefix="dlmath-"))

    def start(mode: str) -> None:
        child = Child(scratch, mode)
        child.start()
        child.stop()

    def limits_only() -> None:
        unavailable = sandbox.check_available
        sandbox.check_available = lambda: "measuring the limits-only child"
        try:
            start(sandbox.BEST_EFFORT)
        finally:
            sandbox.check_available = unavailable

    try:
        return side_by_side({"confined": lambda: start(sandbox.REQUIRE),
                             "limits only": limits_only}, repeats=repeats, warmup=1)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def cli_grade(repeats: int, cache: str) -> float:
    """Median wall seconds of ``dlmath grade solutions`` as a fresh process.

    ``cache`` is the oracle cache's folder, or ``off``.
    """
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "grader.cli", "grade", str(SOLUTIONS)],
                       check=True, capture_output=True, env={**os.environ, CACHE_ENV: cache})
        times.append(time.perf_counter() - start)
    return sorted(times)[len(times) // 2]


def torch_import() -> float:
    """Wall seconds of ``import torch`` in a fresh process (minus the interpreter's start)."""
    def run(code: str) -> float:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        return time.perf_counter() - start

    return run("import numpy, torch") - run("import numpy")


def class_throughput(size: int, jobs: int) -> dict[str, float]:
    """Grade a class of ``size`` (copies of the demo class) at ``jobs`` workers."""
    with tempfile.TemporaryDirectory() as tmp:
        demo, klass = Path(tmp) / "demo", Path(tmp) / "class"
        names = build_demo_class(demo)
        klass.mkdir()
        for index in range(size):
            name = names[index % len(names)]
            shutil.copytree(demo / name, klass / f"{index:03d}-{name}")
        start = time.perf_counter()
        run = grade_class(klass, Path(tmp) / "out", jobs=jobs, timeout=5)
        seconds = time.perf_counter() - start
    return {"submissions": size, "seconds": seconds, "per_minute": 60 * size / seconds,
            "peak_rss_mb": run.peak_rss_mb}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one repeat and a class of 8")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--class-size", type=int, default=40)
    parser.add_argument("-j", "--jobs", type=int, default=2)
    parser.add_argument("--cache-dir", help="the oracle cache's folder (default: a fresh "
                        "temporary one, removed afterwards)")
    parser.add_argument("--no-class", action="store_true", help="skip grade-class")
    args = parser.parse_args()
    repeats, size = (1, 8) if args.quick else (args.repeats, args.class_size)
    temporary = None if args.cache_dir else tempfile.mkdtemp(prefix="dlmath-bench-cache-")
    cache = args.cache_dir or temporary
    os.environ[CACHE_ENV] = cache
    try:
        report(args, repeats, size, cache)
    finally:
        if temporary:
            shutil.rmtree(temporary, ignore_errors=True)
    return 0


def report(args, repeats: int, size: int, cache: str) -> None:
    print("\n".join(machine_lines()))
    print(f"oracle cache: {cache}")
    print("\n`dlmath grade solutions`, a fresh process (goal <= 20 s; <= 3 s warm):")
    if not args.cache_dir:  # cold means cold: the fresh folder is still empty
        print(f"  oracle cache cold          {cli_grade(1, cache):7.2f} s")
    warm = cli_grade(repeats, cache)
    print(f"  oracle cache warm          {warm:7.2f} s   (<= 3 s: {'yes' if warm <= 3 else 'NO'})")
    print(f"  no oracle cache            {cli_grade(repeats, 'off'):7.2f} s")
    print(f"  importing torch alone      {torch_import():7.2f} s   (a warm grade does not)")

    medians = isolation_overhead(repeats)
    overhead = ratio(medians["isolated"], medians["in process"])
    print(f"\nfull hidden suite, reference solutions, oracle cache warm (median of {repeats}):")
    print(f"  isolated (child process)   {medians['isolated']:7.2f} s")
    print(f"  in process, no isolation   {medians['in process']:7.2f} s")
    print(f"  overhead                   {overhead:7.2f}x   (goal <= 1.3x: "
          f"{'yes' if overhead <= 1.3 else 'NO'})")
    trips = round_trips()
    print(f"  requests to the child      {trips['requests']:7d}     "
          f"(replies read: {trips['replies']})")
    starts = startup_cost(max(5, repeats * 3))
    print(f"  sandbox start-up           {starts['confined']:7.3f} s per child "
          f"(limits only: {starts['limits only']:.3f} s; one child serves a whole submission "
          "unless it dies)")
    if not args.no_class:
        klass = class_throughput(size, args.jobs)
        print(f"\ngrade-class, {klass['submissions']} submissions at -j {args.jobs}:")
        print(f"  {klass['seconds']:.1f} s, {klass['per_minute']:.1f} submissions per minute, "
              f"peak memory per worker {klass['peak_rss_mb']:.0f} MB")


if __name__ == "__main__":
    sys.exit(main())
