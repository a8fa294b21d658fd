"""The grading goals' figures for an older commit and for this checkout, in one run.

    python benchmarks/before_after.py                 # about 25 minutes on 2 cores
    python benchmarks/before_after.py --skip-peers    # without nbgrader and Otter
    python benchmarks/before_after.py --before 5e0064c --kernels-before 0695730

"before" is a commit of this repository, unpacked with ``git archive`` into a
temporary folder and run with this venv's Python, its own ``grader`` and ``tests``
first on ``PYTHONPATH``; "after" is this checkout, run the same way. Each figure is
measured for both trees one after the other, on the same machine, minutes apart:

- ``dlmath grade`` of each tree's own solutions as a fresh process: the median of
  ``--repeats``, turn about; after with its oracle cache warm (a temporary folder);
  the before default has no cache;
- the full hidden suite isolated and in process (the API's ``isolated=False``),
  turn about in a fresh process per tree: isolation's overhead;
- the demo's class (``grader.demo``, this checkout's) graded by ``grade-class -j 2``:
  students per minute. This is the demo's work: at the default before commit the
  ``demo`` command itself fails (an argument the command had yet to pass);
- ``kernels.py`` on each tree's reference unit files: every kernel's ratio to torch;
- ``peers/run.py --before``: the activations class of 20 graded by both trees,
  nbgrader and Otter (needs ``benchmarks/.peers-venv``, see peers/README.md).
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from timing import machine_lines, ratio, side_by_side

from grader.demo import build_demo_class
from grader.settings import CACHE_ENV

ROOT = Path(__file__).resolve().parents[1]
BENCHMARKS = ROOT / "benchmarks"
# Before the oracle cache, the batched steps, the lazy torch and the cheaper sandbox checks.
BEFORE = "5e0064c"
KERNELS_BEFORE = "0695730"  # before the max_pool2d rewrite (its grader does not run)
GRADED = (0,)  # dlmath grade: 0 once it graded, whatever the score

ISOLATION = """
import json, sys
sys.path.insert(0, sys.argv[2])  # this checkout's benchmarks/, for timing.py
from timing import side_by_side
from grader.paths import SOLUTIONS
from grader.pipeline import grade
grade(SOLUTIONS)  # torch and the checks imported; the oracle cache, if any, warm
print(json.dumps(side_by_side({"isolated": lambda: grade(SOLUTIONS),
                               "in process": lambda: grade(SOLUTIONS, isolated=False)},
                              repeats=int(sys.argv[1]), warmup=0)))
"""


def unpack(commit: str, into: Path) -> Path:
    """The tree of ``commit``, written into ``into`` (``git archive``: the repository is
    untouched)."""
    into.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", commit], check=True,
                             capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def run_in(tree: Path, args: list[str], env: dict[str, str],
           ok: tuple = (0,)) -> subprocess.CompletedProcess:
    """Run ``python ARGS`` in ``tree`` with its own packages first.

    An exit status not in ``ok`` stops the benchmark with the command's output.
    """
    done = subprocess.run([sys.executable, *args], cwd=tree, capture_output=True, text=True,
                          env={**os.environ, **env, "PYTHONPATH": str(tree)})
    if done.returncode not in ok:
        raise SystemExit(f"{' '.join(args[:4])} failed in {tree}:\n{done.stderr[-2000:]}")
    return done


def in_tree(tree: Path, args: list[str], env: dict[str, str], ok: tuple = (0,)) -> float:
    """``run_in``'s wall seconds."""
    start = time.perf_counter()
    run_in(tree, args, env, ok)
    return time.perf_counter() - start


def fresh_grades(trees: dict[str, Path], env: dict[str, str], repeats: int) -> dict:
    """Median seconds of ``dlmath grade solutions`` per tree, turn about."""
    def grade(tree: Path):
        return lambda: run_in(tree, ["-m", "grader.cli", "grade", str(tree / "solutions")], env,
                              ok=GRADED)

    return side_by_side({name: grade(tree) for name, tree in trees.items()},
                        repeats=repeats, warmup=0)


def isolation(tree: Path, env: dict[str, str], repeats: int) -> dict[str, float]:
    done = run_in(tree, ["-c", ISOLATION, str(repeats), str(BENCHMARKS)], env)
    return json.loads(done.stdout.strip().splitlines()[-1])


def class_rate(tree: Path, klass: Path, out: Path, env: dict[str, str]) -> dict[str, float]:
    size = sum(1 for p in klass.iterdir() if p.is_dir())
    seconds = in_tree(tree, ["-m", "grader.cli", "grade-class", str(klass), "--out", str(out),
                             "-j", "2"], env)
    return {"students": size, "seconds": seconds, "per_minute": 60 * size / seconds}


def kernels(units: Path, json_path: Path) -> list[dict]:
    subprocess.run([sys.executable, str(BENCHMARKS / "kernels.py"), "--units", str(units),
                    "--json", str(json_path)], check=True, capture_output=True)
    return json.loads(json_path.read_text())["rows"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default=BEFORE, help=f"the older commit (default {BEFORE})")
    parser.add_argument("--kernels-before", default=KERNELS_BEFORE,
                        help=f"the commit whose unit files are the kernels' before "
                             f"(default {KERNELS_BEFORE})")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--skip-peers", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    print("\n".join(machine_lines()), flush=True)
    with tempfile.TemporaryDirectory(prefix="dlmath-before-after-") as tmp:
        work = Path(tmp)
        trees = {"before": unpack(args.before, work / "before"), "after": ROOT}
        env = {CACHE_ENV: str(work / "cache")}
        figures = measure(args, trees, env, work)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1) + "\n")
    report(args, figures)
    return 0


def measure(args, trees: dict[str, Path], env: dict[str, str], work: Path) -> dict:
    figures = {name: {} for name in trees}
    in_tree(ROOT, ["-m", "grader.cli", "grade", str(ROOT / "solutions")], env, ok=GRADED)
    for name, seconds in fresh_grades(trees, env, args.repeats).items():
        figures[name]["grade"] = seconds
    for name, tree in trees.items():
        figures[name]["isolation"] = isolation(tree, env, args.repeats)
    build_demo_class(work / "class")
    for name, tree in trees.items():
        figures[name]["class"] = class_rate(tree, work / "class", work / f"out-{name}", env)
    figures["after"]["demo"] = in_tree(ROOT, ["-m", "grader.cli", "demo", "--out",
                                              str(work / "demo")], env)
    units = unpack(args.kernels_before, work / "kernels-before") / "solutions"
    figures["before"]["kernels"] = kernels(units, work / "kernels-before.json")
    figures["after"]["kernels"] = kernels(ROOT / "solutions", work / "kernels-after.json")
    if not args.skip_peers:
        peers = work / "peers.json"
        subprocess.run([sys.executable, str(BENCHMARKS / "peers" / "run.py"), "--jobs", "2",
                        "--before", str(trees["before"]), "--json", str(peers)],
                       check=True, env={**os.environ, **env})
        figures["peers"] = json.loads(peers.read_text())
    return figures


def report(args, figures: dict) -> None:
    before, after = figures["before"], figures["after"]
    print(f"\nbefore: {args.before} (kernels: {args.kernels_before}); after: this checkout")
    rows = [("dlmath grade solutions, fresh (goal 3 s)", "grade", "{:.2f} s"),
            ("isolated suite / in process (goal 1.3x)", "isolation", "{}"),
            ("grade-class -j 2, students/min (goal 60)", "class", "{:.1f}")]
    print(f"{'figure':<44}{'before':>12}{'after':>12}")
    for label, key, fmt in rows:
        values = [_cell(tree[key], key, fmt) for tree in (before, after)]
        print(f"{label:<44}{values[0]:>12}{values[1]:>12}")
    demo = f"{after['demo']:.1f} s"
    print(f"{'dlmath demo (goal 30 s; before: its grading)':<44}"
          f"{before['class']['seconds']:>10.1f} s{demo:>12}")
    print("\nkernels, forward + backward, numpy / torch (goal 2x, conv2d 3x):")
    print(f"  {'case':<34}{'dtype':<9}{'before':>8}{'after':>9}")
    for old, new in zip(before["kernels"], after["kernels"], strict=True):
        print(f"  {old['case']:<34}{old['dtype']:<9}{old['ratio']:>7.2f}x{new['ratio']:>9.2f}x")
    if "peers" in figures:
        print("\npeers, the activations class of 20:")
        for tool, run in figures["peers"].items():
            print(f"  {tool:<28}{run['seconds']:>8.1f} s  {run['seconds'] / run['students']:.2f} "
                  "s per student")


def _cell(value, key: str, fmt: str) -> str:
    if key == "isolation":
        return f"{ratio(value['isolated'], value['in process']):.2f}x"
    if key == "class":
        return fmt.format(value["per_minute"])
    return fmt.format(value)


if __name__ == "__main__":
    sys.exit(main())
