"""The ``dlmath`` command line."""

import argparse
import sys
from pathlib import Path

from grader.units import UNITS

USAGE_ERROR = 2


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return USAGE_ERROR
    return args.run(args)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dlmath", description=__doc__)
    commands = parser.add_subparsers(dest="command")

    grade = commands.add_parser("grade", help="grade one submission (a folder or a .zip)")
    grade.add_argument("path", type=Path, help="folder (or .zip of one) holding unit files")
    grade.add_argument("--unit", action="append", choices=UNITS, dest="units",
                       help="grade only this unit (repeatable)")
    grade.add_argument("--json", type=Path, help="also write the JSON report to this file")
    grade.add_argument("--timeout", type=float, default=10.0,
                       help="seconds each call into the submission may take (default 10)")
    grade.set_defaults(run=_grade)

    sync = commands.add_parser(
        "sync", help="write exercises/ from the solutions/ markers, and course.md's points tables")
    sync.add_argument("--check", action="store_true",
                      help="write nothing; exit 1 if exercises/ is out of date")
    sync.set_defaults(run=_sync)
    return parser


def _grade(args: argparse.Namespace) -> int:
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
    render(report, Console())
    if args.json:
        args.json.write_text(to_json(report))
    return 0


def _sync(args: argparse.Namespace) -> int:
    from grader.authoring.sync import sync, sync_course
    from grader.paths import COURSE, EXERCISES, SOLUTIONS

    result = sync(SOLUTIONS, EXERCISES, check=args.check)
    course_stale = sync_course(COURSE, check=args.check)
    verb = "out of date" if args.check else "written"
    for name in result.written:
        print(f"exercises/{name}: {verb}")
    for name in result.removed:
        print(f"exercises/{name}: {'has no solution' if args.check else 'removed'}")
    if course_stale:
        print(f"course.md points tables: {verb}")
    stale = result.stale or course_stale
    if args.check and stale:
        print("exercises/ or course.md is stale: run `dlmath sync`.", file=sys.stderr)
        return 1
    if not stale:
        print("exercises/ and course.md are up to date.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
