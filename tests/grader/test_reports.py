"""Every report shows a submission's text literally and harmlessly, and reads right.

Submission text (exception messages, printed output, folder names) is hostile:
these tests push escape sequences, rich markup, Markdown and HTML, CSV
formulas, bidi overrides and a 100 kB message through each writer.
"""

import csv
import io
import json
import re
from dataclasses import asdict

from markdown_it import MarkdownIt
from rich.console import Console

from grader.gradescope.results import results
from grader.report.class_report import (
    HISTOGRAM,
    histogram_figure,
    pass_rates,
    rates_figure,
    write_class_report,
)
from grader.report.class_table import print_class
from grader.report.csv_report import grades_csv
from grader.report.json_report import to_json
from grader.report.markdown import feedback_markdown
from grader.report.table import render
from grader.score.scoring import CheckResult, Report, UnitResult
from grader.text import markdown_escape, plain, rich_escape, rich_text

CLEAR = "\x1b[2J\x1b[H ALL CHECKS PASSED"
TITLE = "\x1b]0;owned\x07title set"
MARKUP = "[bold red]boom[/] :white_check_mark:"
MARKDOWN = ("# Heading\n- item\n1. first\n[link](http://evil.example) ![img](x.png) "
            "<script>alert(1)</script> a | b *stars* _under_ `tick` &amp;")
BIDI = "passed\u202edeliaf"
HOSTILE = "\n".join([CLEAR, TITLE, MARKUP, MARKDOWN, BIDI])
HUGE = "x" * 100_000
ESCAPES = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
GFM = MarkdownIt("commonmark").enable(["table", "strikethrough"])


def _report(feedback: str, status: str = "failed", flags: tuple = ()) -> Report:
    checks = [CheckResult("activations/relu_forward", 1.0, 1.0, "passed", ""),
              CheckResult("activations/relu_backward", 0.0, 2.0, status, feedback)]
    unit = UnitResult("activations", 1.0, 3.0, "graded", checks)
    return Report(1.0, 3.0, list(flags), [unit])


def _terminal(report) -> str:
    out = io.StringIO()
    render(report, Console(file=out, width=200, force_terminal=True, color_system="truecolor"))
    return out.getvalue()


def _no_escapes(text: str) -> None:
    # The console's own colours are CSI SGR sequences (ESC [ ... m); nothing else may appear.
    without_colours = re.sub(r"\x1b\[[0-9;]*m", "", text)
    assert not ESCAPES.search(without_colours), repr(ESCAPES.search(without_colours))


# plain() and its friends


def test_plain_removes_escape_sequences_controls_and_bidi_but_keeps_the_words():
    assert plain(CLEAR) == " ALL CHECKS PASSED"
    assert plain(TITLE) == "title set"
    assert plain("a\x07b\x00c\x08d\x85e\tf\ng\r\nh\rI") == "abcde\tf\ng\nh\nI"
    assert plain(BIDI) == "passeddeliaf"
    assert plain("re\u2067lu\u2069 pa\u200bss\ufeff") == "relu pass"
    assert plain("\x1bcreset \x1b(Bcharset") == "reset charset"
    assert plain("bad \udcff byte") == "bad \ufffd byte"


def test_plain_cuts_long_text_visibly_and_is_idempotent():
    cut = plain(HUGE)
    assert len(cut) <= 2000 and cut.endswith("characters cut)") and cut.startswith("xxx")
    kept = cut.index("…")
    assert cut.endswith(f"({100_000 - kept} characters cut)")
    assert plain(cut) == cut
    assert plain("short", limit=100) == "short"


def test_rich_escape_prints_markup_literally():
    typed = MARKUP + " \\"
    shown = rich_text(f"[bold]{rich_escape(typed)}[/bold]")
    assert shown.plain == typed  # no emoji, and the closing tag still closes


def test_markdown_escape_renders_as_the_literal_text():
    html = GFM.render(markdown_escape(HOSTILE))
    for tag in ("<h1", "<ul", "<ol", "<a ", "<img", "<script", "<em", "<strong", "<code>tick"):
        assert tag not in html, tag
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "# Heading" in html and "[link](" in html and "*stars*" in html
    assert "&amp;amp;" in html  # the student's "&amp;" shows as typed


def test_markdown_escape_keeps_identifiers_readable_and_defuses_bare_links():
    assert markdown_escape("relu_backward returned float32") == "relu_backward returned float32"
    assert markdown_escape("see https://evil.example/x.") == "see `https://evil.example/x`."
    assert markdown_escape("-1.5 is wrong") == "-1.5 is wrong"


# the writers


def test_terminal_table_cannot_be_cleared_retitled_or_restyled():
    out = _terminal(_report(HOSTILE, flags=("[blink]flag[/] \x1b[5m",)))
    _no_escapes(out)
    assert "\x1b[2J" not in out and "\x1b]0;" not in out
    plain_out = re.sub(r"\x1b\[[0-9;]*m", "", out)
    assert "[bold red]boom[/] :white_check_mark:" in plain_out
    assert "[blink]flag[/]" in plain_out
    assert "activations/relu_backward (failed):  ALL CHECKS PASSED" in plain_out


def test_terminal_table_cuts_a_huge_message():
    out = _terminal(_report(HUGE))
    assert len(out) < 10_000 and "characters cut)" in out


def test_feedback_markdown_renders_hostile_text_and_names_literally():
    student = "# <b>eve</b> | [x](http://evil.example)"
    text = feedback_markdown(student, _report(HOSTILE, flags=("flag\n# not a heading",)))
    html = GFM.render(text)
    assert html.count("<h1>") == 1 and html.count("<h2>") == 1  # ours: the title and the unit
    for tag in ("<script", "<a ", "<img", "<b>", "<ol", "<em"):
        assert tag not in html, tag
    assert "# &lt;b&gt;eve&lt;/b&gt; | [x](<code>http://evil.example</code>)" in html
    assert html.count("<tr>") == 2  # header and one unit row: no "|" broke the table
    assert "[bold red]boom[/]" in html and "passeddeliaf" in html
    _no_escapes(text)


def test_feedback_markdown_cuts_a_huge_message():
    text = feedback_markdown("ann", _report(HUGE))
    assert len(text) < 5_000 and "characters cut)" in text


def test_grades_csv_guards_formulas_and_cleans_names():
    reports = {name: asdict(_report("")) for name in
               ["=HYPERLINK(\"http://evil\")", "+1", "-2", "@SUM(A1)", " =x", "\x1b[2Jzed",
                "plain"]}
    rows = list(csv.reader(io.StringIO(grades_csv(reports))))
    names = sorted(row[0] for row in rows[1:])
    assert names == sorted(["'=HYPERLINK(\"http://evil\")", "'+1", "'-2", "'@SUM(A1)", "' =x",
                            "zed", "plain"])
    assert all(row[1] == "1" for row in rows[1:])  # numbers stay numbers


def test_gradescope_outputs_are_plain_text():
    data = results(_report(HOSTILE, flags=("\x1b[31mred flag",)), visibility="visible")
    assert data["output_format"] == data["test_output_format"] == "text"
    test = next(t for t in data["tests"] if t["name"].startswith("activations/relu_backward"))
    assert test["output_format"] == "text"
    assert "\x1b" not in test["output"] and "\u202e" not in test["output"]
    assert test["output"].startswith(" ALL CHECKS PASSED\ntitle set\n[bold red]boom")
    assert "Flag: red flag" in data["output"]
    huge = results(_report(HUGE))["tests"][1]["output"]
    assert len(huge) <= 2000 and "characters cut)" in huge


def test_json_report_stores_plain_feedback():
    data = json.loads(to_json(_report(CLEAR + "\udcff", flags=("\x1b]0;t\x07f",))))
    assert data["units"][0]["checks"][1]["feedback"] == " ALL CHECKS PASSED\ufffd"
    assert data["flags"] == ["f"]


def test_class_report_and_table_show_names_and_messages_literally(tmp_path):
    reports = {"<script>x</script>": asdict(_report(HOSTILE)), "bob": asdict(_report(HUGE))}
    text = write_class_report(reports, tmp_path)
    html = GFM.render(text)
    for tag in ("<script", "<a ", "<em"):
        assert tag not in html, tag
    _no_escapes(text)
    assert len(text) < 10_000 and "characters cut)" in text
    out = io.StringIO()
    print_class(reports, tmp_path, Console(file=out, width=200, force_terminal=True))
    _no_escapes(out.getvalue())
    assert "<script>x</script>" in re.sub(r"\x1b\[[0-9;]*m", "", out.getvalue())


# class report readability


def _class(messages: dict[str, str], status: str = "failed") -> dict[str, dict]:
    return {name: asdict(_report(message, status)) for name, message in messages.items()}


def test_common_failures_show_a_real_message_not_the_masked_one(tmp_path):
    reports = _class({"a": "float32 inputs returned dtype float64.",
                      "b": "float32 inputs returned dtype float64.",
                      "c": "sigmoid_forward for inputs as large as 1e4 overflowed (line 12).",
                      "d": "sigmoid_forward for inputs as large as 1e5 overflowed (line 13)."})
    text = write_class_report(reports, tmp_path)
    assert "- 2 x float32 inputs returned dtype float64." in text
    assert "#" not in text.split("## Most common failure messages")[1]
    # Grouped as one message with two counts, shown by a real one (ties: the first).
    assert "- 2 x sigmoid_forward for inputs as large as 1e4 overflowed (line 12)." in text


def test_histogram_ticks_are_integers():
    axes = histogram_figure([0, 1, 2, 2, 3], 3).axes[0]
    assert all(float(t).is_integer() for t in axes.get_yticks())
    assert all(float(t).is_integer() for t in axes.get_xticks())
    assert sum(p.get_height() for p in axes.patches) == 5


def test_pass_rate_chart_labels_each_bar_with_its_rate_and_n(tmp_path):
    reports = _class({"a": "wrong", "b": "wrong", "c": "wrong"})
    reports["d"] = asdict(_report("", "passed"))
    rates = pass_rates(reports)
    axes = rates_figure(rates, len(reports)).axes[0]
    labels = [t.get_text() for t in axes.texts]
    assert "25% (1 / 4)" in labels and "100% (4 / 4)" in labels
    assert "n = 4" in axes.get_title()
    write_class_report(reports, tmp_path)
    assert (tmp_path / HISTOGRAM).stat().st_size > 1000


def test_pass_rates_count_students_who_did_not_submit(tmp_path):
    reports = _class({"a": "wrong"})
    reports["b"] = asdict(_report("", "passed"))
    missing = _report("not attempted: the submission has no activations.py.")
    missing.units[0].status = "missing"  # its relu_forward still says "passed": never counted
    reports["c"] = asdict(missing)
    reports["d"] = {"score": 0.0, "max_score": 3.0, "flags": [], "units": []}  # nothing at all
    rows = {r.check: (r.passed, r.graded) for r in pass_rates(reports)}
    assert rows["activations/relu_backward"] == (1, 4)
    assert rows["activations/relu_forward"] == (2, 4)
    text = write_class_report(reports, tmp_path)
    assert "| activations/relu_backward | 1 / 4 | 25% |" in text
    assert "all 4 students" in text and "activations by 1" in text
    assert "not attempted" not in text  # a skipped unit is not a misunderstanding


def test_grader_errors_are_counted_loudly_and_never_as_student_failures(tmp_path):
    reports = _class({"a": "oracle failed: torch raised", "b": "oracle failed: torch raised"},
                     status="grader_error")
    reports["c"] = asdict(_report("", "passed"))
    reports["d"] = asdict(_report("wrong values"))
    rows = {r.check: r for r in pass_rates(reports)}
    backward = rows["activations/relu_backward"]
    assert (backward.passed, backward.graded, backward.grader_errors) == (1, 2, 2)
    text = write_class_report(reports, tmp_path)
    assert ("2 checks could not be graded because of a grader error: these are not the "
            "students' fault") in text
    failures = text.split("## Most common failure messages")[1]
    assert "oracle failed" not in failures and "wrong values" in failures
    out = io.StringIO()
    print_class(reports, tmp_path, Console(file=out, width=200))
    assert "2 checks could not be graded because of a grader error" in out.getvalue()
    single = _terminal(_report("oracle failed", "grader_error"))
    assert "1 check could not be graded because of a grader error: these are not the " \
           "student's fault" in single
    markdown = feedback_markdown("ann", _report("oracle failed", "grader_error"))
    assert "not your fault" in markdown
    gradescope = results(_report("oracle failed", "grader_error"))
    assert gradescope["tests"][1]["output"].startswith("Not graded")


# the sandbox line

# The shape of grader.run.sandbox.describe's object.
FULL = {"level": "full", "sandbox": "bubblewrap 0.9.0",
        "filesystem": "allow-list (interpreter, standard library, numpy, the runner, this "
                      "submission read-only; private /tmp)",
        "pid": True, "net": True, "user": "its own user namespace (uid 1000 inside)",
        "no_new_privs": True, "seccomp": True, "limits": {"cpu_seconds": 600}, "warnings": []}


def _confined(confinement: dict) -> dict:
    data = asdict(_report(""))
    data["confinement"] = confinement
    return data


def test_terminal_and_feedback_show_the_sandbox_in_one_line():
    report = _report("")
    report.confinement = FULL
    out = re.sub(r"\x1b\[[0-9;]*m", "", _terminal(report))
    line = "Sandbox: full (allow-list file system, own pid/net/user namespaces, seccomp, limits)"
    assert line in out and "WARNING" not in out
    assert markdown_escape(line) in feedback_markdown("ann", report)


def test_a_partial_sandbox_is_a_loud_warning(tmp_path):
    report = _report("")
    report.confinement = {**FULL, "level": "limits-only", "net": False,
                          "filesystem": "the host's file system", "user": "the grader's own user",
                          "warnings": ["no network namespace: \x1b[2Junshare failed"]}
    out = re.sub(r"\x1b\[[0-9;]*m", "", _terminal(report))
    assert ("WARNING: the submission was not fully sandboxed. Sandbox: limits-only (the host's "
            "file system, own pid namespace, seccomp, limits)") in out
    assert "sandbox warning: no network namespace: unshare failed" in out
    class_out = io.StringIO()
    print_class({"ann": _confined(report.confinement), "bob": _confined(FULL)}, tmp_path,
                Console(file=class_out, width=200))
    assert "WARNING: 1 submission not fully sandboxed: ann: Sandbox: limits-only" in \
        class_out.getvalue()
