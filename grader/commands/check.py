"""``dlmath check [UNIT ...]``: the student's self-check, the public checks on their files."""

import argparse
import sys
from pathlib import Path

from grader.commands.options import UsageProblem, add_lang_option, check_lang_option
from grader.settings import USAGE_ERROR
from grader.units import UNITS


def register(commands) -> None:
    parser = commands.add_parser(
        "check", help="run the public checks on your own unit files (a sanity check, not a grade)",
        description="Run the public checks on your unit files. They are a sanity check on small, "
                    "fixed cases, not your grade: hidden checks grade your work. Exits 0 when no "
                    "public check failed, 1 when one did, 2 on a usage error.")
    parser.add_argument("units", nargs="*", metavar="UNIT",
                        help=f"units to check (default: every unit file found): "
                             f"{', '.join(UNITS)}")
    parser.add_argument("--path", type=Path,
                        help="folder of your unit files (default: the current folder if it "
                             "holds unit files, else exercises/)")
    parser.add_argument("--timeout", type=float, default=10.0,
                        help="seconds each call into your code may take (default 10)")
    add_lang_option(parser)
    parser.set_defaults(run=run)


def default_folder() -> Path:
    """The current folder if it holds unit files, else ``exercises/`` (here or the course's)."""
    from grader.bundle.selfcheck import units_in
    from grader.paths import EXERCISES

    here = Path.cwd()
    for candidate in (here, here / "exercises"):
        if candidate.is_dir() and units_in(candidate):
            return candidate
    return EXERCISES


def run(args: argparse.Namespace) -> int:
    from rich.console import Console

    from grader.bundle.selfcheck import CHECKED, PublicSuiteError, render, run_public, units_in
    from grader.load.submission import SubmissionError

    try:
        check_lang_option(args)
    except UsageProblem as exc:
        print(f"dlmath check: {exc}", file=sys.stderr)
        return USAGE_ERROR
    unknown = [u for u in args.units if u not in UNITS]
    if unknown:
        print(f"dlmath check: no unit {', '.join(unknown)} (the units: {', '.join(UNITS)})",
              file=sys.stderr)
        return USAGE_ERROR
    folder = args.path if args.path is not None else default_folder()
    if not folder.is_dir():
        print(f"dlmath check: {folder} is not a folder", file=sys.stderr)
        return USAGE_ERROR
    if args.timeout <= 0:
        print("dlmath check: --timeout must be positive", file=sys.stderr)
        return USAGE_ERROR
    units = list(dict.fromkeys(args.units)) or units_in(folder)
    if not units:
        print(f"dlmath check: {folder} holds no unit file ({', '.join(UNITS)} .py)",
              file=sys.stderr)
        return USAGE_ERROR
    try:
        result = run_public(folder, units, args.timeout, lang=args.lang)
    except (SubmissionError, PublicSuiteError) as exc:
        print(f"dlmath check: {exc}", file=sys.stderr)
        return USAGE_ERROR
    render(result, Console(), args.lang)
    clean = all(u.status == CHECKED and all(c.status == "passed" for c in u.checks())
                for u in result.units)
    return 0 if clean else 1
