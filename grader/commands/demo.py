"""``dlmath demo``: grade a bundled sample class and show the class table."""

import argparse
import os
from pathlib import Path

from grader.run import sandbox
from grader.settings import UNIT_BUDGET


def register(commands) -> None:
    parser = commands.add_parser("demo", help="grade a sample class of synthetic students")
    parser.add_argument("--out", type=Path, default=Path("dlmath-demo"),
                        help="folder for the sample class and its results (default dlmath-demo)")
    parser.add_argument("-j", "--jobs", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--timeout", type=float, default=5.0,
                        help="seconds each call may take (the sample class has an endless loop)")
    parser.add_argument("--sandbox", choices=sandbox.MODES, default=sandbox.REQUIRE,
                        help="require the allow-list sandbox (default), or best-effort")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from rich.console import Console

    from grader.commands.grade_class import grade_with_progress
    from grader.demo import build_demo_class
    from grader.report.class_table import print_class

    console = Console()
    submissions, results = args.out / "submissions", args.out / "results"
    names = build_demo_class(submissions)
    console.print(f"Grading a sample class of {len(names)} students from {submissions}/: "
                  "full marks, untouched stubs, typical bugs, an endless loop, a crash and a "
                  "torch import.")
    grading = argparse.Namespace(submissions=submissions, out=results, jobs=args.jobs,
                                 regrade=True, timeout=args.timeout, units=None,
                                 sandbox=args.sandbox, budget=UNIT_BUDGET)
    print_class(grade_with_progress(grading, console), results, console)
    return 0
