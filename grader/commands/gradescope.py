"""``dlmath gradescope OUT.zip``: build a Gradescope autograder."""

import argparse
from pathlib import Path


def register(commands) -> None:
    parser = commands.add_parser("gradescope", help="build a Gradescope autograder zip")
    parser.add_argument("out", type=Path, help="the zip to write")
    parser.add_argument("--visibility", default="after_published",
                        choices=("after_published", "after_due_date", "visible", "hidden"),
                        help="when students see each check's score and feedback")
    parser.add_argument("--timeout", type=float, default=10.0,
                        help="seconds each call into a submission may take (default 10)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from grader.gradescope.build import build_autograder

    names = build_autograder(args.out, args.visibility, args.timeout)
    print(f"Wrote {args.out} ({len(names)} files). Upload it as the assignment's autograder; "
          "its setup.sh installs the pinned versions, run_autograder grades each submission.")
    return 0
