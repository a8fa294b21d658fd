"""``dlmath sync``: write exercises/ and course.md's points tables from their sources."""

import argparse
import sys


def register(commands) -> None:
    parser = commands.add_parser(
        "sync", help="write exercises/ from the solutions/ markers, and course.md's points tables")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if anything is out of date")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
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
