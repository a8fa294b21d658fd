"""``dlmath grade PATH``: grade one submission."""

import argparse
import sys
from pathlib import Path

from grader.units import UNITS

USAGE_ERROR = 2


def register(commands) -> None:
    parser = commands.add_parser("grade", help="grade one submission (a folder or a .zip)")
    parser.add_argument("path", type=Path, help="folder (or .zip of one) holding unit files")
    parser.add_argument("--unit", action="append", choices=UNITS, dest="units",
                        help="grade only this unit (repeatable)")
    parser.add_argument("--json", type=Path, help="also write the JSON report to this file")
    parser.add_argument("--timeout", type=float, default=10.0,
                        help="seconds each call into the submission may take (default 10)")
    parser.add_argument("--capstones", action="store_true",
                        help="also train the capstone models with the submission's units "
                             "(no points: each reports its metric beside its target)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from rich.console import Console

    from grader.load.submission import SubmissionError
    from grader.pipeline import grade
    from grader.report.json_report import to_json
    from grader.report.table import render

    if args.timeout <= 0:
        print("dlmath grade: --timeout must be positive", file=sys.stderr)
        return USAGE_ERROR
    try:
        report = grade(args.path, args.units, args.timeout)
    except SubmissionError as exc:
        print(f"dlmath grade: {exc}", file=sys.stderr)
        return USAGE_ERROR
    console = Console()
    render(report, console)
    capstones = None
    if args.capstones:
        from grader.report.table import render_capstones
        from grader.run.capstones import run_capstones

        capstones = run_capstones(args.path)
        render_capstones(capstones, console)
    if args.json:
        args.json.write_text(to_json(report, capstones))
    return 0
