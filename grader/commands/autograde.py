"""``dlmath autograde ASSIGNMENT``: nbgrader's autograde, with the sandbox's scores."""

import argparse
from pathlib import Path

from grader.commands.options import UsageProblem, add_lang_option, check_grading_options, fail
from grader.run import sandbox
from grader.settings import CALL_TIMEOUT, UNIT_BUDGET, USAGE_ERROR


def register(commands) -> None:
    parser = commands.add_parser(
        "autograde", help="autograde an nbgrader assignment, every score from the sandbox",
        description="Run nbgrader's autograde in dlmath's confined kernel, grade each "
                    "student's unit file in the sandbox, write those scores into the "
                    "gradebook, and list every graded cell whose score in the student's own "
                    "kernel differed (evidence of tampering), missing files and deleted cells.")
    parser.add_argument("assignment", help="the assignment (one per unit, named after it)")
    parser.add_argument("--course", type=Path, default=Path("."),
                        help="the nbgrader course folder (default: the current folder)")
    parser.add_argument("--student", action="append", dest="students",
                        help="only this student (repeatable; default: every one who handed in)")
    parser.add_argument("--timeout", type=float, default=CALL_TIMEOUT,
                        help=f"seconds each call into a submission may take "
                             f"(default {CALL_TIMEOUT:g})")
    add_lang_option(parser)
    parser.set_defaults(run=run, sandbox=sandbox.REQUIRE, budget=UNIT_BUDGET)


def check_course(args: argparse.Namespace) -> None:
    from grader.nbgrader.autograde import students_of
    from grader.nbgrader.course import CONFIG
    from grader.score.rubric import load_rubric

    if not (args.course / CONFIG).is_file():
        raise UsageProblem(f"{args.course} is not a dlmath nbgrader course (no {CONFIG}); "
                           "write one with `dlmath nbgrader DIR`")
    if args.assignment not in load_rubric():
        raise UsageProblem(f"no assignment {args.assignment!r}: the assignments are "
                           f"{', '.join(load_rubric())}")
    known = students_of(args.course, args.assignment)
    unknown = [s for s in args.students or () if s not in known]
    if unknown:
        raise UsageProblem(f"no submission of {args.assignment} from {', '.join(unknown)}")
    if not known:
        raise UsageProblem(f"nobody has handed in {args.assignment} yet "
                           f"(nothing in {args.course / 'submitted'})")
    check_grading_options(args)


def run(args: argparse.Namespace) -> int:
    from grader.nbgrader.autograde import autograde, summary, write_evidence

    try:
        check_course(args)
    except UsageProblem as exc:
        return fail("autograde", str(exc), USAGE_ERROR)
    result = autograde(args.course, args.assignment, args.students, args.timeout,
                       lang=args.lang)
    for line in summary(result):
        print(line)
    print(f"The record of this run: {write_evidence(args.course, result)}")
    return 0
