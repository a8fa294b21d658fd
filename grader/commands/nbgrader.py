"""``dlmath nbgrader DIR``: write an nbgrader course directory, one assignment per unit."""

import argparse
import sys
from pathlib import Path

from grader.settings import USAGE_ERROR
from grader.units import UNITS

LEAK = 1


def register(commands) -> None:
    parser = commands.add_parser(
        "nbgrader", help="write an nbgrader course directory (config, notebooks, stubs)")
    parser.add_argument("dir", type=Path, help="the course directory (created if need be)")
    parser.add_argument("--unit", action="append", choices=UNITS, dest="units",
                        help="write only this unit's assignment (repeatable; default: all)")
    parser.add_argument("--generate", action="store_true",
                        help="also run `nbgrader generate_assignment --force` for each unit "
                             "and leak-check release/")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from grader.authoring.notebook import StaleStub
    from grader.bundle.leaks import LeakError
    from grader.nbgrader.course import CONFIG, generate, write_course
    from grader.score.rubric import load_rubric

    units = [u for u in load_rubric() if args.units is None or u in args.units]
    if args.dir.exists() and not args.dir.is_dir():
        print(f"dlmath nbgrader: {args.dir} is not a folder", file=sys.stderr)
        return USAGE_ERROR
    try:
        write_course(args.dir, units)
        if args.generate:
            generate(args.dir, units)
    except StaleStub as exc:
        print(f"dlmath nbgrader: {exc}", file=sys.stderr)
        return USAGE_ERROR
    except LeakError as exc:
        print(f"dlmath nbgrader: {exc}", file=sys.stderr)
        print("dlmath nbgrader: nothing may be released from this folder until that is fixed.",
              file=sys.stderr)
        return LEAK
    except RuntimeError as exc:
        print(f"dlmath nbgrader: {exc}", file=sys.stderr)
        return USAGE_ERROR
    print(f"Wrote {args.dir / CONFIG} and source/ for {', '.join(units)}; no leak found.")
    if args.generate:
        print(f"Generated release/ for {', '.join(units)}; no leak found.")
    else:
        print("Next: `dlmath nbgrader DIR --generate` runs `nbgrader generate_assignment` for "
              "each unit and leak-checks release/ (if you run nbgrader yourself, run "
              "`dlmath nbgrader DIR` again afterwards: it leak-checks every release/ folder).")
    return 0
