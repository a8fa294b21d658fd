"""Options and input checks that several commands share, each stated once."""

import argparse
import sys
from pathlib import Path

from grader.i18n import DEFAULT, LANGS, check_lang
from grader.run import sandbox
from grader.settings import CALL_TIMEOUT, UNIT_BUDGET
from grader.units import UNITS


class UsageProblem(Exception):
    """Bad input, found before any grading starts: one line for the user."""


def add_grading_options(parser: argparse.ArgumentParser, sandbox_default: str = sandbox.REQUIRE,
                        timeout: float = CALL_TIMEOUT) -> None:
    """``--unit``, ``--timeout``, ``--budget``, ``--sandbox`` and ``--lang``."""
    parser.add_argument("--unit", action="append", choices=UNITS, dest="units",
                        help="grade only this unit (repeatable; default: all)")
    parser.add_argument("--timeout", type=float, default=timeout,
                        help="seconds each call into a submission may take "
                             f"(default {timeout:g})")
    parser.add_argument("--budget", type=float, default=UNIT_BUDGET,
                        help="seconds all the calls into one unit may take together; once "
                             "spent, the unit's remaining checks time out "
                             f"(default {UNIT_BUDGET:g})")
    parser.add_argument("--sandbox", choices=sandbox.MODES, default=sandbox_default,
                        help="require: refuse to grade unless the allow-list sandbox holds; "
                             "best-effort: grade with resource limits only where it cannot "
                             f"be built, and say so in the report (default {sandbox_default})")
    add_lang_option(parser)


def add_lang_option(parser: argparse.ArgumentParser) -> None:
    """``--lang``: the language of the feedback students read (checked by ``check_lang``)."""
    parser.add_argument("--lang", default=DEFAULT, metavar="{" + ",".join(LANGS) + "}",
                        help=f"language of the feedback (default {DEFAULT})")


def check_lang_option(args: argparse.Namespace) -> None:
    """Raise ``UsageProblem`` for a language the feedback has no catalogue for."""
    try:
        check_lang(getattr(args, "lang", DEFAULT))
    except ValueError as exc:
        raise UsageProblem(str(exc)) from None


def check_grading_options(args: argparse.Namespace) -> None:
    """Raise ``UsageProblem`` for a bad value, or a sandbox that ``require`` cannot have."""
    check_lang_option(args)
    if args.timeout <= 0:
        raise UsageProblem("--timeout must be a positive number of seconds")
    if args.budget <= 0:
        raise UsageProblem("--budget must be a positive number of seconds")
    if args.sandbox == sandbox.REQUIRE:
        problem = sandbox.check_available()
        if problem:
            raise UsageProblem(f"the sandbox cannot be built, so nothing was graded: {problem}; "
                               "or pass --sandbox best-effort to grade with resource limits only")


def check_output_file(path: Path | None, option: str) -> None:
    """A file we will write at the end: its folder must exist, and it must not be a folder."""
    if path is None:
        return
    if path.is_dir():
        raise UsageProblem(f"{option} {path} is a folder; give a file name")
    if not path.parent.is_dir():
        raise UsageProblem(f"{option} {path}: the folder {path.parent} does not exist")


def check_output_folder(path: Path, option: str) -> None:
    """A folder we will write into: absent (it is created) or a folder."""
    if path.exists() and not path.is_dir():
        raise UsageProblem(f"{option} {path} is a file, not a folder")


def fail(command: str, message: str, code: int) -> int:
    """Print one line for the user and return ``code``."""
    print(f"dlmath {command}: {message}", file=sys.stderr)
    return code
