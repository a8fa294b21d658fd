"""The class report: score histogram, per-check pass rates (worst first), and the
most common failure messages of each check: what the class misunderstood."""

import re
from collections import Counter
from pathlib import Path
from statistics import mean, median

from matplotlib.figure import Figure

HISTOGRAM, PASS_RATES = "score_histogram.png", "pass_rates.png"
_NUMBER = re.compile(r"-?\d+(\.\d+)?(e[+-]?\d+)?")
TOP_MESSAGES = 3


def pass_rates(reports: dict[str, dict]) -> list[tuple[str, int, int]]:
    """``(check, passed, attempted)`` per check, worst pass rate first, then by id.

    A student who did not submit a unit is left out of its checks' rates: the
    rates tell what was misunderstood, not what was skipped.
    """
    passed: Counter = Counter()
    counted: Counter = Counter()
    for report in reports.values():
        for unit in _attempted(report):
            for check in unit["checks"]:
                counted[check["id"]] += 1
                passed[check["id"]] += check["status"] == "passed"
    rows = [(check, passed[check], counted[check]) for check in counted]
    return sorted(rows, key=lambda row: (row[1] / row[2], row[0]))


def common_failures(reports: dict[str, dict]) -> dict[str, list[tuple[str, int]]]:
    """The most frequent failure messages per check, with numbers folded to ``#``."""
    by_check: dict[str, Counter] = {}
    for report in reports.values():
        for unit in _attempted(report):
            for check in unit["checks"]:
                if check["status"] != "passed":
                    key = _gist(check["feedback"])
                    by_check.setdefault(check["id"], Counter())[key] += 1
    return {check: sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_MESSAGES]
            for check, counts in sorted(by_check.items())}


def _attempted(report: dict) -> list[dict]:
    return [unit for unit in report["units"] if unit["status"] != "missing"]


def _gist(feedback: str) -> str:
    hint = feedback.split("Likely mistake: ", 1)
    text = hint[1] if len(hint) == 2 else feedback
    return _NUMBER.sub("#", text)[:200]


def write_class_report(reports: dict[str, dict], out: Path) -> str:
    """Write the plots into ``out``; return the Markdown report."""
    scores = [r["score"] for r in reports.values()]
    top = max((r["max_score"] for r in reports.values()), default=0)
    _histogram(scores, top, out / HISTOGRAM)
    rates = pass_rates(reports)
    _rates_plot(rates, out / PASS_RATES)
    lines = ["# Class report", "",
             f"{len(scores)} students; maximum score {top:g}."]
    if scores:
        lines.append(f"Mean {mean(scores):.2f}, median {median(scores):g}, "
                     f"lowest {min(scores):g}, highest {max(scores):g}.")
    lines += ["", f"![score histogram]({HISTOGRAM})", "",
              "## Pass rate per check, worst first", "",
              f"![pass rates]({PASS_RATES})", "", "| check | passed | rate |", "|---|---:|---:|"]
    lines += [f"| {check} | {p} / {n} | {100 * p / n:.0f}% |" for check, p, n in rates]
    lines += ["", "## Most common failure messages", ""]
    for check, messages in common_failures(reports).items():
        lines.append(f"**{check}**")
        lines += [f"- {count} x {message}" for message, count in messages]
        lines.append("")
    return "\n".join(lines)


def _histogram(scores: list[float], top: float, path: Path) -> None:
    figure = Figure(figsize=(6, 3.5))
    axes = figure.add_subplot()
    axes.hist(scores, bins=min(20, max(5, len(scores))), range=(0, top or 1), color="#4c72b0")
    axes.set(xlabel="score", ylabel="students", title="Scores")
    _save(figure, path)


def _rates_plot(rates: list[tuple[str, int, int]], path: Path) -> None:
    shown = rates[:30]
    figure = Figure(figsize=(7, 0.25 * len(shown) + 1.2))
    axes = figure.add_subplot()
    axes.barh([c for c, _, _ in shown][::-1], [100 * p / n for _, p, n in shown][::-1],
              color="#dd8452")
    axes.set(xlabel="% of students passing", xlim=(0, 100), title="Worst checks")
    axes.tick_params(axis="y", labelsize=7)
    _save(figure, path)


def _save(figure: Figure, path: Path) -> None:
    figure.tight_layout()
    figure.savefig(path, dpi=100, metadata={"Software": None})
