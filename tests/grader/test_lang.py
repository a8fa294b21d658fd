"""Feedback in another language (``--lang zh-CN``): the same grades, the same English.

Every message has one id in every catalogue with the same placeholders; the
English the helpers write is byte for byte what it always was (the expected
strings below were produced by the helpers before the catalogues existed); a
buggy submission graded in zh-CN gets Chinese feedback with the same statuses
and points; an unknown language is refused in one line before any work.
"""

import json
import re
import string
import subprocess
import sys

import numpy as np
import pytest
from rich.console import Console

from grader.authoring.bugs import load_bank
from grader.errors import CallTimeout, ChildDied, StudentError
from grader.feedback import expect as e
from grader.feedback.describe import Evidence
from grader.gradescope.results import results
from grader.i18n import LANGS, Msg, catalogue, phrase, render
from grader.paths import EXERCISES
from grader.pipeline import grade
from grader.report.json_report import to_json
from grader.report.markdown import feedback_markdown
from grader.report.table import render as render_table
from grader.score.outcome import classify
from grader.units import UNITS

CJK = re.compile(r"[\u4e00-\u9fff]")
BUGS = {(b.unit, b.name): b for b in load_bank()}
GRADED = {"activations": "relu_backward_at_zero", "losses": "mse_reduction_ignored",
          "linear": "grad_weight_transposed"}


def _placeholders(template: str) -> set[tuple[str, str]]:
    return {(name, spec) for _, name, spec, _ in string.Formatter().parse(template)
            if name is not None}


@pytest.mark.parametrize("lang", [lang for lang in LANGS if lang != "en"])
def test_every_message_has_the_same_placeholders_in_every_catalogue(lang):
    english, other = catalogue("en").MESSAGES, catalogue(lang).MESSAGES
    assert sorted(other) == sorted(english)
    for key, template in english.items():
        assert _placeholders(other[key]) == _placeholders(template), key
        words = re.sub(r"\{[^}]*\}", "", template)
        if key not in ("kind_none", "kind_other") and re.search(r"[A-Za-z]{3}", words):
            assert CJK.search(other[key]), f"{key} is not translated"


X = np.arange(6.0).reshape(2, 3)
ZERO = np.array([[0.0, 1.0], [2.0, 0.0]])
SQUARE = np.eye(2) + np.array([[0, 1], [2, 0.0]])

# What each helper wrote before the catalogues: English must not change by a byte.
ENGLISH = [
    (lambda: e.expect_array(X * 2, X, "mse_loss_backward", context="for input of shape (2, 3)"),
     "mse_loss_backward for input of shape (2, 3): 5 of 6 values differ from torch's. The "
     "largest error is 5 at index (1, 2): expected 5, got 10. Expected [0, 1, 2, 3, ...], got "
     "[0, 2, 4, 6, ...]. Likely mistake: the result is off by a constant factor of 2 (a missing "
     "division, by N perhaps?)."),
    (lambda: e.expect_array(X / 3, X, "mse_loss_backward"),
     "mse_loss_backward: 5 of 6 values differ from torch's. The largest error is 3.33 at index "
     "(1, 2): expected 5, got 1.66667. Expected [0, 1, 2, 3, ...], got [0, 0.3333, 0.6667, 1, "
     "...]. Likely mistake: the result is off by a constant factor of 1/3 (a missing factor of "
     "3, or an extra division by N?)."),
    (lambda: e.expect_array(X.T, X, "relu_forward", context="for float32 inputs"),
     "relu_forward for float32 inputs returned shape (3, 2); expected (2, 3) (transposed?)."),
    (lambda: e.expect_array(X.astype(np.float32), X, "relu_forward"),
     "relu_forward returned dtype float32; expected float64 (keep the input's dtype: float32 "
     "in, float32 out)."),
    (lambda: e.expect_array(SQUARE, SQUARE.T, "linear_forward"),
     "linear_forward: 2 of 4 values differ from torch's. The largest error is 1 at index (0, "
     "1): expected 2, got 1. Expected [1, 2, 1, 1], got [1, 1, 2, 1]. Likely mistake: the "
     "result is transposed."),
    (lambda: e.expect_array(-X, X, "tanh_backward", context="for x of shape (2, 3)"),
     "tanh_backward for x of shape (2, 3): 5 of 6 values differ from torch's. The largest "
     "error is 10 at index (1, 2): expected 5, got -5. Expected [0, 1, 2, 3, ...], got [-0, "
     "-1, -2, -3, ...]. Likely mistake: the sign is flipped."),
    (lambda: e.expect_array(ZERO + 1, ZERO + (ZERO != 0), "relu_backward",
                            context="for x of shape (2, 2)",
                            evidence=Evidence(except_at=(ZERO == 0, "where x is exactly 0"))),
     "relu_backward for x of shape (2, 2): 2 of 4 values differ from torch's. The largest "
     "error is 1 at index (0, 0): expected 0, got 1. Expected [0, 2, 3, 0], got [1, 2, 3, 1]. "
     "Likely mistake: it is right everywhere except where x is exactly 0."),
    (lambda: e.expect_array(X + 1, X, "softmax_forward",
                            evidence=Evidence(alternatives={"it ignores dim.": X + 1})),
     "softmax_forward: 6 of 6 values differ from torch's. The largest error is 1 at index (0, "
     "0): expected 0, got 1. Expected [0, 1, 2, 3, ...], got [1, 2, 3, 4, ...]. Likely "
     "mistake: it ignores dim."),
    (lambda: e.expect_array(np.array([np.nan, 1.0]), np.ones(2), "log_softmax_forward",
                            context="for inputs as large as 1e4 in magnitude"),
     "log_softmax_forward for inputs as large as 1e4 in magnitude returned 1 non-finite "
     "value(s) (NaN or inf), the first nan at index (0,). Values: [nan, 1]."),
    (lambda: e.expect_array([1.0], np.ones(1), "sigmoid_forward"),
     "sigmoid_forward should return a NumPy array; it returned a list of 1 items."),
    (lambda: e.expect_dtype(X, np.float32, "relu_backward", context="for a float32 x"),
     "relu_backward for a float32 x returned dtype float64; expected float32 (keep the "
     "input's dtype: float32 in, float32 out)."),
    (lambda: e.expect_scalar(2.0, 1.0, "mse_loss_forward", context="for input of shape (3,)"),
     "mse_loss_forward for input of shape (3,) returned 2; expected 1. Likely mistake: the "
     "result is off by a constant factor of 2 (a missing division, by N perhaps?).."),
    (lambda: e.expect_scalar(3.0, 1.0, "l1_loss_forward",
                             alternatives={"it ignores reduction.": 3.0}),
     "l1_loss_forward returned 3; expected 1. Likely mistake: it ignores reduction.."),
    (lambda: e.expect_scalar(np.inf, 1.0, "l1_loss_forward"),
     "l1_loss_forward returned inf; expected 1."),
    (lambda: e.expect_scalar("1", 1.0, "l1_loss_forward"),
     "l1_loss_forward should return a float or a 0-d array; it returned a str."),
    (lambda: e.expect_pair(None, "relu_forward"),
     "relu_forward should return a pair (out, cache); it returned None."),
    (lambda: e.expect_tuple((1,), 3, "linear_backward", "grad_x, grad_weight, grad_bias"),
     "linear_backward should return 3 values (grad_x, grad_weight, grad_bias); it returned a "
     "tuple of 1 items."),
    (lambda: e.expect_finite(np.ones(3), "gelu_backward", shape=(2,),
                             context="for x of shape (2,)"),
     "gelu_backward for x of shape (2,) returned shape (3,); expected (2,)."),
    (lambda: e.expect_no_warnings(["RuntimeWarning: overflow encountered in exp (line 3)"],
                                  "sigmoid_forward",
                                  context="for inputs as large as 1e4 in magnitude"),
     "sigmoid_forward for inputs as large as 1e4 in magnitude raised a warning: "
     "RuntimeWarning: overflow encountered in exp (line 3). A stable implementation never "
     "overflows."),
    (lambda: e.expect_unmodified(["0", "cache", "2"], "linear_backward",
                                 ("grad_output", None, "weight")),
     "linear_backward modified its argument(s) grad_output, cache, weight in place. Functions "
     "must leave their inputs untouched: the caller may still need them (use out-of-place "
     "operations, or copy first)."),
]


@pytest.mark.parametrize(("check", "english"), ENGLISH, ids=[str(i) for i in range(len(ENGLISH))])
def test_english_is_unchanged_and_chinese_says_the_same_numbers(check, english):
    with pytest.raises(e.CheckFailed) as failed:
        check()
    assert str(failed.value) == english
    assert classify("unit/check", failed.value, "fn").feedback == english
    chinese = classify("unit/check", failed.value, "fn", "zh-CN").feedback
    assert CJK.search(chinese)
    numbers = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?:e[+-]?\d+)?")
    assert sorted(numbers.findall(chinese)) == sorted(numbers.findall(english)), chinese


def _died(exc: Exception, function: str = "relu_forward") -> Exception:
    exc.function = function
    return exc


RUNNER = [
    (_died(CallTimeout("did not finish within 10 s")), "timeout",
     "relu_forward did not finish within 10 s: is there an endless loop?",
     "relu_forward 未能在 10 秒内完成：是否有死循环？"),
    (_died(ChildDied("sent a malformed reply")), "error",
     "the process running your code sent a malformed reply during relu_forward.",
     "运行你的代码的进程在 relu_forward 期间发回了格式错误的回复。"),
    (_died(ChildDied("exited with status 1")), "error",
     "the process running your code exited with status 1 during relu_forward.",
     "运行你的代码的进程在 relu_forward 期间以状态 1 退出。"),
    (StudentError("NotImplementedError", "", function="relu_forward"), "failed",
     "relu_forward is not implemented yet.", "relu_forward 尚未实现。"),
    (StudentError("ValueError", "bad shape", "relu.py, line 3", function="relu_forward"),
     "failed", "relu_forward raised ValueError: bad shape at relu.py, line 3.",
     "relu_forward 抛出了 ValueError: bad shape，位于 relu.py 第 3 行。"),
    (TypeError("cannot unpack"), "failed",
     "the check could not use what relu_forward returned (TypeError: cannot unpack).",
     "检查无法使用 relu_forward 的返回值（TypeError: cannot unpack）。"),
]


@pytest.mark.parametrize(("exc", "status", "english", "chinese"), RUNNER,
                         ids=[r[2][:30] for r in RUNNER])
def test_the_runners_messages(exc, status, english, chinese):
    assert classify("a/b", exc, "relu_forward") == classify("a/b", exc, "relu_forward", "en")
    outcome = classify("a/b", exc, "relu_forward")
    assert (outcome.status, outcome.feedback) == (status, english)
    outcome = classify("a/b", exc, "relu_forward", "zh-CN")
    assert (outcome.status, outcome.feedback) == (status, chinese)


@pytest.mark.parametrize(("english", "chinese"), [
    ("for float32 inputs", "输入为 float32 时"),
    ("for x of shape (2, 3), dim=1", "x 的形状为 (2, 3), dim=1"),
    ("for X of shape (6, 2) and y of shape (6, 1)", "X 的形状为 (6, 2)，y 的形状为 (6, 1)"),
    ("the submission has no linear.py", "提交中没有 linear.py"),
    ("a sentence no table knows.", "a sentence no table knows."),
])
def test_the_phrase_table(english, chinese):
    assert phrase(english, "en") == english
    assert phrase(english, "zh-CN") == chinese


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> dict:
    """Three units with a bank bug each and one stub, graded in English and in zh-CN."""
    folder = tmp_path_factory.mktemp("lang")
    for unit, name in GRADED.items():
        (folder / f"{unit}.py").write_text(BUGS[unit, name].source())
    (folder / "optim.py").write_text((EXERCISES / "optim.py").read_text())
    units = [*GRADED, "optim", "rnn"]  # rnn: not handed in
    return {lang: grade(folder, units, lang=lang) for lang in ("en", "zh-CN")}


def _checks(report) -> list:
    return [c for u in report.units for c in u.checks]


def test_zh_cn_gives_the_same_grades_in_chinese(graded):
    english, chinese = graded["en"], graded["zh-CN"]
    assert (chinese.score, chinese.max_score) == (english.score, english.max_score)
    assert [(c.id, c.status, c.score) for c in _checks(chinese)] == \
           [(c.id, c.status, c.score) for c in _checks(english)]
    failed = [(en, zh) for en, zh in zip(_checks(english), _checks(chinese), strict=True)
              if en.status != "passed"]
    assert {c.id.split("/")[0] for c, _ in failed} == {*GRADED, "optim", "rnn"}
    for en, zh in failed:
        assert not CJK.search(en.feedback), en
        assert CJK.search(zh.feedback) and zh.feedback != en.feedback, zh
        assert ("Likely mistake" in en.feedback) == ("可能的错误" in zh.feedback), zh
    said = {c.id: c.feedback for c in _checks(chinese)}
    assert said["optim/sgd_update"] == "sgd_update 尚未实现。"
    assert said["rnn/rnn_cell_forward"] == "未作答：提交中没有 rnn.py。"
    assert "除了" in said["activations/relu_backward"]  # the subgradient at exactly 0


def test_english_report_is_the_default(graded, tmp_path):
    folder = tmp_path / "one"
    folder.mkdir()
    (folder / "losses.py").write_text(BUGS["losses", GRADED["losses"]].source())
    default = to_json(grade(folder, ["losses"]))
    assert default == to_json(grade(folder, ["losses"], lang="en"))
    assert not CJK.search(default) and "Likely mistake" in default


def test_reports_in_zh_cn(graded):
    chinese = graded["zh-CN"]
    markdown = feedback_markdown("ana", chinese, "zh-CN")
    assert markdown.startswith("# ana 的反馈\n\n**得分：") and "| 单元 | 状态 | 得分 |" in markdown
    assert "未通过" in markdown and "failed" not in markdown
    assert feedback_markdown("ana", graded["en"]).startswith("# Feedback for ana\n\n**Score: ")
    gradescope = results(chinese, "visible", "zh-CN")
    assert gradescope["output"].startswith("收到：")
    assert [t["status"] for t in gradescope["tests"]] == \
           [t["status"] for t in results(graded["en"], "visible")["tests"]]
    console = Console(record=True, width=200)
    render_table(chinese, console, lang="zh-CN")
    shown = console.export_text()
    assert "总分" in shown and "未通过" in shown and "可能的错误" in shown


def test_a_msg_renders_english_by_default():
    message = Msg("not_attempted", file="rnn.py")
    assert str(message) == render(message) == "not attempted: the submission has no rnn.py."
    assert render(message, "zh-CN") == "未作答：提交中没有 rnn.py。"


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "grader.cli", *args], capture_output=True,
                          text=True, timeout=120)


@pytest.mark.parametrize("command", ["grade", "grade-class", "check", "gradescope"])
def test_an_unknown_language_is_refused_in_one_line(command, tmp_path):
    out = tmp_path / "out"
    args = {"grade": [str(EXERCISES)], "grade-class": [str(tmp_path), "--out", str(out)],
            "check": ["--path", str(EXERCISES)], "gradescope": [str(tmp_path / "ag.zip")]}
    done = _cli(command, *args[command], "--lang", "fr")
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "--lang 'fr'" in lines[0] and "zh-CN" in lines[0], lines
    assert not out.exists() and not (tmp_path / "ag.zip").exists()
    assert done.stdout == ""


def test_the_engine_refuses_an_unknown_language_before_loading(tmp_path):
    with pytest.raises(ValueError, match="--lang 'fr'"):
        grade(tmp_path / "does-not-exist", lang="fr")


# ----------------------------------------------------------------- no English left in zh-CN

# A run of ASCII letters counts as an English word unless it is code: a chunk (between spaces
# and Chinese punctuation) holding any of _ . = ( ) [ ] / * + | < > or a digit (relu_forward,
# float32, x=(2, 3), numpy.random.default_rng), one letter (x, p, N), a name in CamelCase or
# capitals (NumPy, ValueError, LSTM), text in `backticks` or 'quotes', or one of the names
# below (argument names of the contract, dtypes, types, torch and NumPy names).
_CODE = re.compile(r"[_.=()\[\]/*+|<>\d]")
_CHUNK = re.compile(r"[^\s\u3000-\u303f\uff00-\uffef\u4e00-\u9fff\u2018-\u201f、]+")
CODE_WORDS = {
    "torch", "numpy", "none", "true", "false", "nan", "inf", "dtype", "cache", "out", "ndarray",
    "tuple", "list", "dict", "str", "int", "float", "nonetype", "bool", "weight", "bias",
    "input", "target", "query", "key", "value", "indices", "momentum", "eps", "dim",
    "reduction", "mean", "sum", "seed", "training", "lr", "param", "grad", "state", "output",
    "logits", "gamma", "dampening", "tanh", "erf", "sin", "cos", "sqrt", "exp", "log", "floor",
    "relu", "sigmoid", "softmax", "dropout", "padding", "stride", "approximate",
}


def english_words(feedback: str) -> list[str]:
    """The words of ``feedback`` that are English prose, not code (see ``CODE_WORDS``)."""
    feedback = re.sub(r"`[^`]*`|'[^']*'", " ", feedback)
    words = []
    for chunk in _CHUNK.findall(feedback):
        word = chunk.strip(",;:!?\"")
        if (_CODE.search(chunk) or not re.fullmatch(r"[A-Za-z]+(?:[-'][A-Za-z]+)*", word)
                or len(word) == 1
                or word.lower() in CODE_WORDS
                or re.fullmatch(r"[A-Z][a-z]*(?:[A-Z][a-z]*)+|[A-Z]+", word)):
            continue
        words.append(word)
    return words


def test_the_english_word_counter():
    assert english_words("relu_backward（x 的形状为 (2,)）：应为 0，得到 0.9。") == []
    assert english_words("dropout_forward（p=0.1）抛出了 ValueError；NumPy 和 LSTM，weight") == []
    assert english_words("x 的形状为 (2, 3), the default hyper-parameters") == \
           ["the", "default", "hyper-parameters"]
    assert english_words("for float32 inputs") == ["for", "inputs"]


# Bugs whose feedback is written by the checks themselves (expect(..., "sentence")), by an
# Evidence diagnosis, and by long contexts: dropout's dropped fraction, conv's grad_x in layers.
PROSE_BUGS = {"training": "dropout_p_is_keep_probability", "conv": "true_convolution"}


@pytest.fixture(scope="module")
def chinese_prose(tmp_path_factory) -> list:
    folder = tmp_path_factory.mktemp("prose")
    for unit, name in PROSE_BUGS.items():
        (folder / f"{unit}.py").write_text(BUGS[unit, name].source())
    return _checks(grade(folder, list(PROSE_BUGS), lang="zh-CN"))


def test_zh_cn_feedback_has_no_english_sentence_left(graded, chinese_prose):
    failed = [c for c in _checks(graded["zh-CN"]) + chinese_prose if c.status != "passed"]
    assert {c.id.split("/")[0] for c in failed} >= {*GRADED, *PROSE_BUGS}
    left = {c.id: english_words(c.feedback) for c in failed}
    assert not {check: words for check, words in left.items() if words}, \
        {c.id: c.feedback for c in failed if left[c.id]}


def test_every_rubric_check_has_chinese_words_for_gradescope():
    from grader.i18n import about
    from grader.score.rubric import load_rubric

    untranslated = [c.id for checks in load_rubric().values() for c in checks
                    if not CJK.search(about(c.about, "zh-CN"))]
    assert not untranslated


def test_sandbox_line_and_class_report_in_zh_cn(graded, tmp_path):
    from grader.report.class_report import write_class_report
    from grader.report.json_report import to_json
    from grader.report.table import confinement_summary

    chinese = graded["zh-CN"]
    line, _ = confinement_summary({"level": "full", "filesystem": "allow-list (...)",
                                   "pid": True, "net": True, "user": True, "seccomp": True,
                                   "limits": {"memory": 1}}, "zh-CN")
    assert line == "沙箱：完整（白名单文件系统，独立的 pid/net/user 命名空间，seccomp，资源限制）"
    stored = json.loads(to_json(chinese, lang="zh-CN"))
    assert stored["lang"] == "zh-CN" and "lang" not in json.loads(to_json(graded["en"]))
    report = write_class_report({"ana": stored, "bo": stored}, tmp_path)
    assert report.startswith("# 班级报告\n") and "## 最常见的未通过信息" in report
    prose = re.sub(r"\*\*[^*]*\*\*|^- .*$|^\|.*$|!\[[^]]*\]\([^)]*\)", "", report, flags=re.M)
    assert [w for w in english_words(prose) if w not in UNITS] == [], prose  # unit names stay
    names = [t["name"] for t in results(chinese, "visible", "zh-CN")["tests"]]
    assert all(CJK.search(name) for name in names)
