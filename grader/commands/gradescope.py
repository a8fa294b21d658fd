"""``dlmath gradescope OUT.zip``: build a Gradescope autograder."""

import argparse
from pathlib import Path

from grader.commands.options import UsageProblem, add_lang_option, check_lang_option, fail
from grader.run import sandbox
from grader.settings import CALL_TIMEOUT, USAGE_ERROR


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
    add_lang_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from grader.gradescope.build import build_autograder

    try:
        check_lang_option(args)
    except UsageProblem as exc:
        return fail("gradescope", str(exc), USAGE_ERROR)
    names = build_autograder(args.out, args.visibility, args.timeout, args.sandbox, args.lang)
    print(f"Wrote {args.out} ({len(names)} files). Upload it as the assignment's autograder; "
          "its setup.sh installs the pinned versions, run_autograder grades each submission.")
    return 0
