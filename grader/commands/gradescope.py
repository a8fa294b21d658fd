"""``dlmath gradescope OUT.zip``: build a Gradescope autograder."""

import argparse
from pathlib import Path

from grader.run import sandbox
from grader.settings import CALL_TIMEOUT


def register(commands) -> None:
    parser = commands.add_parser("gradescope", help="build a Gradescope autograder zip")
    parser.add_argument("out", type=Path, help="the zip to write")
    parser.add_argument("--visibility", default="after_published",
                        choices=("after_published", "after_due_date", "visible", "hidden"),
                        help="when students see each check's score and feedback")
    parser.add_argument("--timeout", type=float, default=CALL_TIMEOUT,
                        help="seconds each call into a submission may take "
                             f"(default {CALL_TIMEOUT:g})")
    parser.add_argument("--sandbox", choices=sandbox.MODES, default=sandbox.REQUIRE,
                        help="require (default): a submission is not graded unless the "
                             "allow-list sandbox holds in Gradescope's container; "
                             "best-effort: grade with resource limits only where it cannot")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from grader.gradescope.build import build_autograder

    names = build_autograder(args.out, args.visibility, args.timeout, args.sandbox)
    print(f"Wrote {args.out} ({len(names)} files). Upload it as the assignment's autograder; "
          "its setup.sh installs the pinned versions, run_autograder grades each submission.")
    return 0
