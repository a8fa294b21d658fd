"""The class report: score histogram, per-check pass rates (worst first), and the
most common failure messages of each check: what the class misunderstood.

Every student counts in every pass rate: a unit a student did not submit fails
its checks. A check the grader itself could not grade (status ``grader_error``:
the oracle or the test code failed, not the student) counts in no pass rate and
is reported on its own, loudly.
"""

import math
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from statistics import mean, median

from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from grader.i18n import DEFAULT, text
from grader.text import markdown_cell, markdown_escape, plural

HISTOGRAM, PASS_RATES = "score_histogram.png", "pass_rates.png"
GRADER_ERROR, MISSING, PASSED = "grader_error", "missing", "passed"
TOP_MESSAGES = 3
EXAMPLE_LIMIT = 600
SHOWN_RATES = 30
# A number on its own (not the 32 of float32 or the 2 of conv2d): what varies between students.
_NUMBER = re.compile(r"(?<![\w.])[-+]?\d+(?:\.\d+)?(?:e[-+]?\d+)?(?![\w])", re.IGNORECASE)
_HINTS = re.compile("Likely mistake: |可能的错误：")  # each catalogue's words for it


@dataclass(frozen=True)
class Rate:
    """How many of the students a check could grade passed it."""

    check: str
    passed: int
    graded: int
    grader_errors: int = 0

    @property
    def percent(self) -> float | None:
        return 100 * self.passed / self.graded if self.graded else None


@dataclass(frozen=True)
class Failure:
    """A group of failure messages that differ only in their numbers, and a real one."""

    count: int
    example: str


def pass_rates(reports: dict[str, dict]) -> list[Rate]:
    """Each check's rate over every student, worst first, then by id.

    A check missing from a student's report (its unit was not submitted or not
    graded) counts as not passed; a ``grader_error`` leaves that student out of
    the check's denominator. Checks no student could be graded on come last.
    """
    checks = _check_ids(reports)
    passed: Counter = Counter()
    errors: Counter = Counter()
    for report in reports.values():
        for unit in report["units"]:
            submitted = unit["status"] != MISSING
            for check in unit["checks"]:
                passed[check["id"]] += submitted and check["status"] == PASSED
                errors[check["id"]] += check["status"] == GRADER_ERROR
    rows = [Rate(c, passed[c], len(reports) - errors[c], errors[c]) for c in checks]
    return sorted(rows, key=lambda r: (r.percent is None, r.percent or 0.0, r.check))


def common_failures(reports: dict[str, dict]) -> dict[str, list[Failure]]:
    """The most frequent failure messages of each check in submitted units.

    Messages are grouped with their numbers masked, and each group is shown by
    its most frequent real message (ties: the first in sorted order).
    """
    by_check: dict[str, dict[str, Counter]] = {}
    for report in reports.values():
        for unit in report["units"]:
            if unit["status"] == MISSING:
                continue
            for check in unit["checks"]:
                if check["status"] not in (PASSED, GRADER_ERROR):
                    groups = by_check.setdefault(check["id"], {})
                    groups.setdefault(_key(check["feedback"]), Counter())[check["feedback"]] += 1
    return {check: _top(groups) for check, groups in sorted(by_check.items())}


def grader_errors(reports: dict[str, dict]) -> dict[str, list[tuple[str, str]]]:
    """``check -> [(student, message)]`` for every check the grader could not grade."""
    found: dict[str, list[tuple[str, str]]] = {}
    for student, report in sorted(reports.items()):
        for check in _checks(report):
            if check["status"] == GRADER_ERROR:
                found.setdefault(check["id"], []).append((student, check["feedback"]))
    return dict(sorted(found.items()))


def _top(groups: dict[str, Counter]) -> list[Failure]:
    failures = [Failure(sum(messages.values()), _most_common(messages))
                for messages in groups.values()]
    return sorted(failures, key=lambda f: (-f.count, f.example))[:TOP_MESSAGES]


def _most_common(messages: Counter) -> str:
    return min(messages.items(), key=lambda kv: (-kv[1], kv[0]))[0]


def _key(feedback: str) -> str:
    hint = _HINTS.split(feedback, 1)
    return _NUMBER.sub("#", hint[1] if len(hint) == 2 else feedback)


def _checks(report: dict) -> list[dict]:
    return [check for unit in report["units"] for check in unit["checks"]]


def _check_ids(reports: dict[str, dict]) -> list[str]:
    return list(dict.fromkeys(c["id"] for report in reports.values() for c in _checks(report)))


def _missing_units(reports: dict[str, dict]) -> Counter:
    return Counter(unit["unit"] for report in reports.values() for unit in report["units"]
                   if unit["status"] == MISSING)


def class_lang(reports: dict[str, dict]) -> str:
    """The language the students' feedback was written in (``lang`` in their reports, English
    when absent), if they all share one; English otherwise."""
    langs = {report.get("lang", DEFAULT) for report in reports.values()}
    return langs.pop() if len(langs) == 1 else DEFAULT


def write_class_report(reports: dict[str, dict], out: Path) -> str:
    """Write the plots into ``out``; return the Markdown report, in the students' language."""
    lang = class_lang(reports)
    scores = [r["score"] for r in reports.values()]
    top = max((r["max_score"] for r in reports.values()), default=0)
    rates = pass_rates(reports)
    _save(histogram_figure(scores, top), out / HISTOGRAM)
    _save(rates_figure(rates, len(reports)), out / PASS_RATES)
    errors = grader_errors(reports)
    lines = [text("cr_title", lang), ""]
    lines += _grader_error_warning(errors, lang)
    lines.append(text("cr_students", lang, count=len(scores), top=top))
    if scores:
        lines.append(text("cr_stats", lang, mean=mean(scores), median=median(scores),
                          lowest=min(scores), highest=max(scores)))
    lines += _languages(reports, lang)
    lines += ["", text("cr_histogram", lang, file=HISTOGRAM), "",
              text("cr_rates_title", lang), "", _denominators(reports, errors, lang), "",
              text("cr_rates_image", lang, file=PASS_RATES), ""]
    lines += _rates_table(rates, bool(errors), lang)
    lines += _grader_error_section(errors, lang)
    lines += ["", text("cr_failures_title", lang), "", text("cr_failures_note", lang), ""]
    for check, failures in common_failures(reports).items():
        lines.append(f"**{markdown_escape(check)}**")
        lines += [f"- {f.count} x {_quote(f.example)}" for f in failures]
        lines.append("")
    return "\n".join(lines)


def _quote(message: str) -> str:
    # A list item's continuation lines are indented so they stay in the item.
    return markdown_escape(message, EXAMPLE_LIMIT).replace("\n", "\n  ")


def _languages(reports: dict[str, dict], lang: str) -> list[str]:
    """A line saying which languages the feedback is in, when the students' differ."""
    langs = Counter(report.get("lang", DEFAULT) for report in reports.values())
    if len(langs) < 2:
        return []
    each = text("cr_sep", lang).join(text("cr_lang_count", lang, lang=name, count=count)
                                     for name, count in sorted(langs.items()))
    return [text("cr_languages", lang, langs=each)]


def _denominators(reports: dict[str, dict], errors: dict, lang: str = DEFAULT) -> str:
    words = text("cr_denominators", lang, count=len(reports))
    missing = _missing_units(reports)
    if missing:
        words += text("cr_not_submitted", lang, units=text("cr_sep", lang).join(
            text("cr_unit_by", lang, unit=markdown_escape(unit), count=count)
            for unit, count in sorted(missing.items())))
    if errors:
        words += text("cr_errors_left_out", lang)
    return words


def _rates_table(rates: list[Rate], with_errors: bool, lang: str = DEFAULT) -> list[str]:
    header = text("cr_rates_header", lang) + (text("cr_rates_header_errors", lang)
                                              if with_errors else "")
    rule = "|---|---:|---:|" + ("---:|" if with_errors else "")
    rows = []
    for r in rates:
        rate = "-" if r.percent is None else f"{r.percent:.0f}%"
        row = f"| {markdown_cell(r.check)} | {r.passed} / {r.graded} | {rate} |"
        rows.append(row + (f" {r.grader_errors} |" if with_errors else ""))
    return [header, rule, *rows]


def _grader_error_warning(errors: dict[str, list], lang: str = DEFAULT) -> list[str]:
    total = sum(len(found) for found in errors.values())
    if not total:
        return []
    return [text("cr_warning", lang, count=count_of(total, "check", lang)), ""]


def _grader_error_section(errors: dict[str, list[tuple[str, str]]],
                          lang: str = DEFAULT) -> list[str]:
    if not errors:
        return []
    lines = ["", text("cr_errors_title", lang), ""]
    for check, found in errors.items():
        students = text("cr_sep", lang).join(markdown_escape(student) for student, _ in found)
        lines += [text("cr_errors_students", lang, check=markdown_escape(check),
                       count=count_of(len(found), "student", lang), students=students),
                  f"- {_quote(found[0][1])}", ""]
    return lines


def count_of(count: int, noun: str, lang: str = DEFAULT) -> str:
    """``1 check``, ``2 students``, ``3 submissions``, in ``lang`` (nouns of the catalogues)."""
    if lang == DEFAULT:
        return plural(count, noun)
    return text(f"count_{noun}", lang, count=count)


def histogram_figure(scores: list[float], top: float) -> Figure:
    """Students per score, with integer ticks on both axes (bins one or more points wide)."""
    width = max(1, math.ceil((top + 1) / 50))
    edges = [-0.5 + width * i for i in range(math.ceil((top + 1) / width) + 1)]
    figure = Figure(figsize=(6, 3.5))
    axes = figure.add_subplot()
    axes.hist(scores, bins=edges, color="#4c72b0", edgecolor="white")
    axes.set(xlabel="score", ylabel="students", title=f"Scores (n = {len(scores)})")
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    return figure


def rates_figure(rates: list[Rate], students: int) -> Figure:
    """The worst checks' pass rates, each bar labelled with its rate and ``passed / n``."""
    shown = [r for r in rates if r.graded][:SHOWN_RATES][::-1]
    figure = Figure(figsize=(7, 0.3 * len(shown) + 1.4))
    axes = figure.add_subplot()
    bars = axes.barh([r.check for r in shown], [r.percent for r in shown], color="#dd8452")
    axes.bar_label(bars, labels=[f"{r.percent:.0f}% ({r.passed} / {r.graded})" for r in shown],
                   padding=3, fontsize=7)
    axes.set(xlabel="% of students passing", xlim=(0, 125),
             title=f"Worst checks (n = {students} students)")
    axes.set_xticks(range(0, 101, 20))
    axes.tick_params(axis="y", labelsize=7)
    return figure


def _save(figure: Figure, path: Path) -> None:
    figure.tight_layout()
    figure.savefig(path, dpi=100, metadata={"Software": None})
