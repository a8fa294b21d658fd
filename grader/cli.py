"""The ``dlmath`` command line: one subcommand per module in ``grader.commands``."""

import argparse
import sys

from grader.commands import check, demo, grade, grade_class, gradescope, nbgrader, release, sync

COMMANDS = (grade, grade_class, demo, gradescope, nbgrader, release, check, sync)
USAGE_ERROR = 2


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="dlmath", description=__doc__)
    subparsers = parser.add_subparsers(dest="command")
    for command in COMMANDS:
        command.register(subparsers)
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return USAGE_ERROR
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
