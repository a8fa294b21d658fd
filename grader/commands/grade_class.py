"""``dlmath grade-class SUBMISSIONS --out DIR``: grade a whole class, resumably."""

import argparse
import os
from pathlib import Path

from grader.commands.options import (
    UsageProblem,
    add_grading_options,
    check_grading_options,
    check_output_folder,
    fail,
)
from grader.settings import GRADER_ERROR, USAGE_ERROR


def register(commands) -> None:
    parser = commands.add_parser("grade-class", help="grade every submission in a folder")
    parser.add_argument("submissions", type=Path,
                        help="folder of per-student folders or .zip files, or nbgrader's "
                             "submitted/ folder")
    parser.add_argument("--out", type=Path, required=True, help="folder for the results")
    parser.add_argument("-j", "--jobs", type=int, default=min(2, os.cpu_count() or 1),
                        help="parallel workers (default: 2, or 1 on one core)")
    parser.add_argument("--regrade", action="store_true",
                        help="grade students again even if their report exists")
    parser.add_argument("--scheduler", metavar="ADDRESS",
                        help="grade on the Dask cluster whose scheduler is at ADDRESS "
                             "(tcp://host:8786; needs the cluster extra; see docs/dask.md)")
    add_grading_options(parser)
    parser.set_defaults(run=run)


def check_class_options(args: argparse.Namespace) -> None:
    """Every input of ``grade-class``, checked before any grading starts."""
    if not args.submissions.exists():
        raise UsageProblem(f"{args.submissions} does not exist")
    if not args.submissions.is_dir():
        raise UsageProblem(f"{args.submissions} is not a folder of submissions")
    if args.jobs < 1:
        raise UsageProblem("-j must be at least 1")
    check_output_folder(args.out, "--out")
    check_grading_options(args)
    if args.scheduler is not None:
        check_scheduler(args.scheduler)


def check_scheduler(address: str) -> None:
    """A Dask scheduler address that can be tried: the library is there, the form is right."""
    import importlib.util
    import re

    if importlib.util.find_spec("distributed") is None:
        raise UsageProblem("--scheduler needs Dask distributed: pip install 'dlmath[cluster]'")
    if not re.fullmatch(r"(tcp|tls)://[\w.\-\[\]:]+:\d+", address):
        raise UsageProblem(f"--scheduler {address!r} is not an address like tcp://host:8786")


def run(args: argparse.Namespace) -> int:
    from rich.console import Console

    from grader.batch.discover import DiscoveryError
    from grader.report.class_table import print_class
    from grader.text import plain

    try:
        check_class_options(args)
    except UsageProblem as exc:
        return fail("grade-class", str(exc), USAGE_ERROR)
    console = Console()
    try:
        reports = grade_with_progress(args, console)
    except KeyboardInterrupt:
        console.print("[yellow]Interrupted.[/] Finished students are saved; run the same "
                      "command again to grade the rest.")
        return 130
    except (UsageProblem, DiscoveryError) as exc:  # a name collision: nothing was graded
        return fail("grade-class", plain(str(exc)).replace("\n", " "), USAGE_ERROR)
    except OSError as exc:  # the cluster is reached before any student is sent
        if args.scheduler is None:
            raise
        return fail("grade-class", f"cannot reach the Dask scheduler at {args.scheduler} "
                                   f"({plain(str(exc)) or type(exc).__name__})", USAGE_ERROR)
    print_class(reports, args.out, console)
    broken = [name for name, report in reports.items() if any(
        c["status"] == "grader_error" for u in report["units"] for c in u["checks"])]
    if broken:
        return fail("grade-class", f"{len(broken)} students have checks that could not be "
                                   f"graded because of a grader error: "
                                   f"{plain(', '.join(broken))}",
                    GRADER_ERROR)
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
                          units=args.units, on_done=lambda name: progress.advance(task),
                          timeout=args.timeout, sandbox_mode=args.sandbox, budget=args.budget,
                          lang=args.lang, scheduler=args.scheduler)
        progress.update(task, completed=total)
    if run.skipped:
        console.print(f"{len(run.skipped)} students already graded (use --regrade to redo).")
    return write_class_files(args.out, run.students)
