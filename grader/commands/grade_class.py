"""``dlmath grade-class SUBMISSIONS --out DIR``: grade a whole class, resumably."""

import argparse
import os
import sys
from pathlib import Path

from grader.units import UNITS

USAGE_ERROR = 2


def register(commands) -> None:
    parser = commands.add_parser("grade-class", help="grade every submission in a folder")
    parser.add_argument("submissions", type=Path,
                        help="folder of per-student folders or .zip files, or nbgrader's "
                             "submitted/ folder")
    parser.add_argument("--out", type=Path, required=True, help="folder for the results")
    parser.add_argument("-j", "--jobs", type=int, default=min(2, os.cpu_count() or 1),
                        help="parallel workers (default: 2, or 1 on one core)")
    parser.add_argument("--unit", action="append", choices=UNITS, dest="units",
                        help="grade only this unit (repeatable)")
    parser.add_argument("--regrade", action="store_true",
                        help="grade students again even if their report exists")
    parser.add_argument("--timeout", type=float, default=10.0,
                        help="seconds each call into a submission may take (default 10)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if not args.submissions.is_dir() or args.jobs < 1 or args.timeout <= 0:
        print("dlmath grade-class: SUBMISSIONS must be a folder, -j at least 1, "
              "--timeout positive", file=sys.stderr)
        return USAGE_ERROR
    from rich.console import Console

    from grader.report.class_table import print_class

    console = Console()
    try:
        reports = grade_with_progress(args, console)
    except KeyboardInterrupt:
        console.print("[yellow]Interrupted.[/] Finished students are saved; run the same "
                      "command again to grade the rest.")
        return 130
    print_class(reports, args.out, console)
    return 0


def grade_with_progress(args: argparse.Namespace, console) -> dict[str, dict]:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    from grader.batch.classfiles import write_class_files
    from grader.batch.discover import discover
    from grader.batch.pool import grade_class

    total = len(discover(args.submissions))
    columns = ("{task.description}", BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console) as progress:
        task = progress.add_task("grading", total=total)
        run = grade_class(args.submissions, args.out, jobs=args.jobs, regrade=args.regrade,
                          timeout=args.timeout, units=args.units,
                          on_done=lambda name: progress.advance(task))
        progress.update(task, completed=total)
    if run.skipped:
        console.print(f"{len(run.skipped)} students already graded (use --regrade to redo).")
    return write_class_files(args.out, run.students)
