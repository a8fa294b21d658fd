"""Step 4b: the terminal table of units and checks, with feedback for what failed.

Everything a submission wrote (feedback quotes its exceptions and output) goes
through ``rich_escape`` and is printed with emoji codes off: it shows as typed,
and cannot clear the screen, set the title or fake a green result. Lines of
feedback after the first are indented, so that it cannot draw lines of its own.
"""

from dataclasses import asdict, is_dataclass

from rich.console import Console
from rich.table import Table
from rich.text import Text

from grader.i18n import DEFAULT, phrase, text
from grader.score.scoring import Report
from grader.text import plain, plural, rich_escape, rich_text

GRADER_ERROR = "grader_error"
STYLE = {"passed": "green", "failed": "red", "error": "magenta", "timeout": "yellow",
         GRADER_ERROR: "bold magenta", "graded": "green", "missing": "dim"}


def value_of(obj, name: str, default=None):
    """``obj.name`` of a dataclass or ``obj[name]`` of its ``asdict`` form."""
    return obj.get(name, default) if isinstance(obj, dict) else getattr(obj, name, default)


def confinement_of(report) -> dict | None:
    """The report's ``confinement`` (how the submission was sandboxed) as a dict, if any."""
    found = value_of(report, "confinement")
    if is_dataclass(found) and not isinstance(found, type):
        found = asdict(found)
    return found if isinstance(found, dict) and found else None


def confinement_summary(confinement: dict, lang: str = DEFAULT) -> tuple[str, list[str]]:
    """One plain line for the sandbox, e.g. ``Sandbox: full (allow-list file system, own
    pid/net/user namespaces, seccomp, limits)``, and its warnings (plain text), in ``lang``.

    Reads the engine's ``confinement`` object (``grader.run.sandbox.describe``): ``pid``
    and ``net`` are booleans, ``user`` says in words whose uid the child ran as.
    """
    parts = ([_file_system(confinement.get("filesystem"), lang)]
             if confinement.get("filesystem") else [])
    spaces = [name for name in ("pid", "net") if confinement.get(name) is True]
    if _own_user(confinement.get("user")):
        spaces.append("user")
    if spaces:
        key = "sb_namespaces" if len(spaces) > 1 else "sb_namespace"
        parts.append(text(key, lang, names="/".join(spaces)))
    parts += [name for name in ("seccomp",) if confinement.get(name) is True]
    if confinement.get("limits"):
        parts.append(text("sb_limits", lang))
    details = text("sb_details", lang, parts=text("sb_sep", lang).join(parts)) if parts else ""
    level = str(confinement.get("level", "unknown"))
    if f"sb_level_{level}" in _catalogue(lang):
        level = text(f"sb_level_{level}", lang)
    line = plain(text("sb_line", lang, level=level, details=details), 500)
    return line, [plain(phrase(str(w), lang), 500) for w in confinement.get("warnings") or []]


def _file_system(described, lang: str = DEFAULT) -> str:
    words = str(described)
    if words.startswith("allow-list"):
        return text("sb_allow_list", lang)
    if lang != DEFAULT:
        return phrase(words, lang)
    return words if "file system" in words else f"{words} file system"


def _own_user(user) -> bool:
    # True, or words like "its own user namespace (uid 1000 inside)"; not "the grader's own user".
    return user is True or (isinstance(user, str) and "own" in user and "grader" not in user)


def is_full(confinement: dict) -> bool:
    return confinement.get("level") == "full"


def count_grader_errors(report) -> int:
    return sum(value_of(c, "status") == GRADER_ERROR
               for u in value_of(report, "units", []) for c in value_of(u, "checks", []))


def render(report: Report, console: Console, lang: str = DEFAULT) -> None:
    """The table, then the sandbox line and warnings, then each failed check's feedback.

    The frame is in ``lang``, like the feedback the report was graded with.
    """
    table = Table(title=text("table_title", lang), show_lines=False)
    for column, justify in (("col_check", "left"), ("col_status", "left"),
                            ("col_points", "right")):
        table.add_column(text(column, lang), justify=justify)
    for unit in report.units:
        table.add_row(rich_text(f"[bold]{rich_escape(unit.unit)}[/bold]"),
                      _styled(unit.status, lang),
                      rich_text(f"[bold]{unit.score:g} / {unit.max_score:g}[/bold]"))
        if unit.status == "graded":
            for check in unit.checks:
                table.add_row(rich_text(f"  {rich_escape(check.id.split('/', 1)[-1])}"),
                              _styled(check.status, lang),
                              f"{check.score:g} / {check.max_score:g}")
    table.add_section()
    table.add_row(rich_text(f"[bold]{text('total', lang)}[/bold]"), "",
                  rich_text(f"[bold]{report.score:g} / {report.max_score:g}[/bold]"))
    console.print(table)
    _print_warnings(report, console, lang)
    _print_feedback(report, console, lang)


def status_words(status: str, lang: str = DEFAULT) -> str:
    """A status as shown to people in ``lang`` (reports' data keep the English value)."""
    key = f"status_{status}"
    return text(key, lang) if lang != DEFAULT and key in _catalogue(lang) else status


def count_words(count: int, lang: str = DEFAULT) -> str:
    """``1 check``, ``2 checks``, in ``lang``."""
    if lang == DEFAULT:
        return plural(count, "check")
    return text("checks" if count == 1 else "checks_plural", lang, count=count)


def _catalogue(lang: str) -> dict:
    from grader.i18n import catalogue

    return catalogue(lang).MESSAGES


def _print_warnings(report: Report, console: Console, lang: str = DEFAULT) -> None:
    confinement = confinement_of(report)
    if confinement is not None:
        line, warnings = confinement_summary(confinement, lang)
        if is_full(confinement):
            _say(console, rich_escape(line))
        else:
            _say(console, f"[bold red]{text('not_sandboxed', lang)}[/] "
                          f"{rich_escape(line)}")
        for warning in warnings:
            _say(console, f"[bold red]{text('sandbox_warning', lang)}[/] {rich_escape(warning)}")
    errors = count_grader_errors(report)
    if errors:
        warning = text("grader_error_warning", lang, count=count_words(errors, lang))
        _say(console, f"[bold red]{text('warning_prefix', lang)}{warning}[/]")


def _print_feedback(report: Report, console: Console, lang: str = DEFAULT) -> None:
    for flag in report.flags:
        _say(console, f"[bold magenta]{text('flag', lang)}[/bold magenta] {rich_escape(flag)}")
    for unit in report.units:
        failing = [c for c in unit.checks if c.status != "passed"]
        if unit.status != "graded" and failing:
            _say(console, f"[bold]{rich_escape(unit.unit)}[/bold]: "
                          f"{_quoted(failing[0].feedback)}", soft_wrap=True)
            continue
        for check in failing:
            status = rich_escape(status_words(check.status, lang))
            _say(console, f"[bold]{rich_escape(check.id)}[/bold] ({status}): "
                          f"{_quoted(check.feedback)}", soft_wrap=True)


def _quoted(feedback: str) -> str:
    """Feedback (which quotes the submission) escaped, each line after its first indented:
    a student's message cannot start a line of its own that reads as the grader's."""
    return rich_escape(feedback).replace("\n", "\n    ")


def _say(console: Console, markup: str, soft_wrap: bool = False) -> None:
    """Print ``markup``; ``soft_wrap`` leaves long lines to the terminal, so that padding in a
    message cannot choose where a wrapped line starts."""
    console.print(rich_text(markup), highlight=False, soft_wrap=soft_wrap)


def _styled(status: str, lang: str = DEFAULT):
    return rich_text(f"[{STYLE.get(status, 'white')}]{rich_escape(status_words(status, lang))}[/]")


def render_capstones(results: list, console: Console, lang: str = DEFAULT) -> None:
    """Each capstone's metric beside its target (capstones earn no points), framed in ``lang``."""
    table = Table(title=text("cap_title", lang))
    for column in ("capstone", "metric", "reached", "target", "baseline", "seconds"):
        table.add_column(text(f"cap_{column}", lang))
    table.add_column("")
    for r in results:
        value = "-" if r.value is None else f"{r.value:.4g}"
        baseline = "-" if r.baseline is None else f"{r.baseline:.4g}"
        seconds = "-" if r.seconds is None else f"{r.seconds:.1f}"
        verdict = (f"[green]{text('cap_yes', lang)}[/]" if r.reached else
                   f"[red]{text('cap_no', lang)}[/] {rich_escape(phrase(r.message, lang))}")
        table.add_row(rich_escape(r.name), rich_escape(r.metric), value, f"{r.target:.4g}",
                      baseline, seconds, rich_text(verdict))
    console.print(table)
    for r in results:
        if r.baseline is not None:
            extra = "".join(f", {key} {number:.4g}" for key, number in r.details.items())
            console.print(rich_escape(text("cap_baseline_is", lang, name=r.name,
                                           what=r.baseline_is, extra=extra)), highlight=False)
        if r.sample:
            console.print(rich_escape(text("cap_writes", lang, name=r.name)), highlight=False)
            console.print(Text(r.sample), highlight=False)
