"""``dlmath grade PATH``: grade one submission."""

import argparse
from pathlib import Path

from grader.commands.options import (
    UsageProblem,
    add_grading_options,
    check_grading_options,
    check_output_file,
    fail,
)
from grader.settings import GRADER_ERROR, USAGE_ERROR


def register(commands) -> None:
    parser = commands.add_parser("grade", help="grade one submission (a folder or a .zip)")
    parser.add_argument("path", type=Path, help="folder (or .zip of one) holding unit files")
    parser.add_argument("--json", type=Path, help="also write the JSON report to this file")
    add_grading_options(parser)
    parser.add_argument("--capstones", nargs="*", metavar="NAME",
                        help="also train the capstone models (all, or those NAMEs) with the "
                             "submission's units (no points: each reports its metric beside "
                             "its target and its baseline)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from rich.console import Console

    from grader.errors import SandboxUnavailable
    from grader.load.submission import SubmissionError, check_submission_path
    from grader.pipeline import grade
    from grader.report.json_report import to_json
    from grader.report.table import render

    try:
        check_submission_path(args.path)
        check_output_file(args.json, "--json")
        check_grading_options(args)
        check_capstone_names(args.capstones)
        report = grade(args.path, args.units, args.timeout, sandbox_mode=args.sandbox,
                       budget=args.budget, lang=args.lang)
    except (UsageProblem, SubmissionError, SandboxUnavailable) as exc:
        return fail("grade", str(exc), USAGE_ERROR)
    console = Console()
    render(report, console, lang=args.lang)
    capstones = None
    if args.capstones is not None:
        from grader.report.table import render_capstones
        from grader.run.capstones import run_capstones

        capstones = run_capstones(args.path, sandbox_mode=args.sandbox,
                                  names=args.capstones)
        render_capstones(capstones, console, lang=args.lang)
    if args.json:
        args.json.write_text(to_json(report, capstones, lang=args.lang))
    if report.grader_errors:
        return fail("grade", f"{len(report.grader_errors)} checks could not be graded because "
                             f"of a grader error ({', '.join(report.grader_errors)})", GRADER_ERROR)
    return 0


def check_capstone_names(names: list[str] | None) -> None:
    from dlmath.capstones import CAPSTONES

    unknown = [name for name in names or () if name not in CAPSTONES]
    if unknown:
        raise UsageProblem(f"--capstones: no capstone is called {', '.join(unknown)} "
                           f"(choose from {', '.join(CAPSTONES)})")
