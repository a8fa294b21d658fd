"""``dlmath demo``: grade a bundled sample class and show the class table."""

import argparse
import os
from pathlib import Path

from grader.commands import grade_class
from grader.commands.options import UsageProblem, add_lang_option, check_lang_option, fail
from grader.run import sandbox
from grader.settings import USAGE_ERROR


def register(commands) -> None:
    parser = commands.add_parser("demo", help="grade a sample class of synthetic students")
    parser.add_argument("--out", type=Path, default=Path("dlmath-demo"),
                        help="folder for the sample class and its results (default dlmath-demo)")
    parser.add_argument("-j", "--jobs", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--timeout", type=float, default=5.0,
                        help="seconds each call may take (the sample class has an endless loop)")
    parser.add_argument("--sandbox", choices=sandbox.MODES, default=sandbox.REQUIRE,
                        help="require the allow-list sandbox (default), or best-effort")
    add_lang_option(parser)
    parser.set_defaults(run=run)


def grading_args(args: argparse.Namespace, submissions: Path, results: Path) -> argparse.Namespace:
    """The demo's ``grade-class`` command line, read by grade-class's own parser (its defaults)."""
    parser = argparse.ArgumentParser(prog="dlmath")
    grade_class.register(parser.add_subparsers())
    return parser.parse_args(["grade-class", str(submissions), "--out", str(results), "--regrade",
                              "-j", str(args.jobs), "--timeout", str(args.timeout),
                              "--sandbox", args.sandbox, "--lang", args.lang])


def run(args: argparse.Namespace) -> int:
    from rich.console import Console

    from grader.commands.grade_class import grade_with_progress
    from grader.demo import build_demo_class
    from grader.report.class_table import print_class

    try:
        check_lang_option(args)
    except UsageProblem as exc:
        return fail("demo", str(exc), USAGE_ERROR)
    console = Console()
    submissions, results = args.out / "submissions", args.out / "results"
    names = build_demo_class(submissions)
    console.print(f"Grading a sample class of {len(names)} students from {submissions}/: "
                  "full marks, untouched stubs, typical bugs, an endless loop, a crash and a "
                  "torch import.")
    grading = grading_args(args, submissions, results)
    print_class(grade_with_progress(grading, console), results, console)
    return 0
