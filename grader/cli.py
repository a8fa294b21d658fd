"""The ``dlmath`` command line: one subcommand per module in ``grader.commands``.

Instructor commands need the course repository's hidden checks or solutions;
in the student bundle, which has neither, they refuse in one line before
doing anything (``NEEDS``), so that none of them can touch a student's files.
"""

import argparse
import sys

from grader.commands import (
    autograde,
    check,
    demo,
    grade,
    grade_class,
    gradescope,
    nbgrader,
    release,
    sync,
)
from grader.paths import HIDDEN_TESTS, PUBLIC_TESTS, SOLUTIONS
from grader.settings import USAGE_ERROR

COMMANDS = (grade, grade_class, demo, gradescope, nbgrader, autograde, release, check, sync)
NEEDS = {  # command: the course folders it cannot work without
    "grade": (HIDDEN_TESTS,), "grade-class": (HIDDEN_TESTS,), "gradescope": (HIDDEN_TESTS,),
    "autograde": (HIDDEN_TESTS,), "demo": (HIDDEN_TESTS, SOLUTIONS),
    "nbgrader": (HIDDEN_TESTS, SOLUTIONS), "release": (SOLUTIONS,), "sync": (SOLUTIONS,),
    "check": (PUBLIC_TESTS,),
}


def missing_course_folder(command: str) -> str | None:
    """Why ``command`` cannot run in this copy of the course, or None."""
    for folder in NEEDS.get(command, ()):
        if not folder.is_dir():
            return (f"this copy of the course has no {folder.name}/ folder "
                    f"({folder}): `dlmath {command}` is an instructor command that needs the "
                    "course repository. In the student bundle, use `dlmath check`.")
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="dlmath", description=__doc__)
    subparsers = parser.add_subparsers(dest="command")
    for command in COMMANDS:
        command.register(subparsers)
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return USAGE_ERROR
    problem = missing_course_folder(args.command)
    if problem:
        print(f"dlmath {args.command}: {problem}", file=sys.stderr)
        return USAGE_ERROR
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
