"""``dlmath release DIR``: build the student bundle, leak-checked."""

import argparse
import sys
from pathlib import Path

LEAK = 1
USAGE_ERROR = 2


def register(commands) -> None:
    parser = commands.add_parser(
        "release", help="build the student bundle: stubs, notebooks, public checks, course.md")
    parser.add_argument("dir", type=Path, help="the folder to write (missing or empty)")
    parser.add_argument("--force", action="store_true", help="replace DIR if it is not empty")
    parser.add_argument("--with-answers", action="store_true",
                        help="also ship the answers to the course's problems (docs/answers.md) "
                             "and the notebooks' question keys: for after the deadline")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from grader.authoring.notebook import StaleStub
    from grader.bundle.build import BundleError, build_bundle, released_units
    from grader.bundle.leaks import LeakError

    with_answers = getattr(args, "with_answers", False)
    try:
        files = build_bundle(args.dir, force=args.force, with_answers=with_answers)
    except (BundleError, StaleStub) as exc:
        print(f"dlmath release: {exc}", file=sys.stderr)
        return USAGE_ERROR
    except LeakError as exc:
        print(f"dlmath release: {exc}", file=sys.stderr)
        print(f"dlmath release: the bundle was NOT written ({args.dir} removed).", file=sys.stderr)
        return LEAK
    answers = ("It includes the answers to the course's problems (docs/answers.md): release "
               "it only after the deadline." if with_answers else
               "The answers to the course's problems are not in it (add them after the "
               "deadline with --with-answers).")
    print(f"Wrote the student bundle {args.dir} ({len(files)} files; units: "
          f"{', '.join(released_units())}). The leak check found nothing of the solutions or "
          f"the hidden checks in it. {answers}")
    return 0
