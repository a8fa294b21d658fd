"""course.zh-CN.md stays in step with course.md.

The Chinese edition must have the same headings in the same order (levels,
and chapter numbers), the same display equations, the same points tables
generated from the rubric, the same other tables (shape), the same figures and
anchors, the same code, and the same problems, in the same order. Prose may
differ (it is translated); a paragraph not yet translated is marked 〔待译〕.
"""

import re
from pathlib import Path

import pytest

from grader.authoring.course import fill_rubric_tables

ROOT = Path(__file__).resolve().parents[2]
EN = (ROOT / "course.md").read_text()
ZH = (ROOT / "course.zh-CN.md").read_text()


def outside_code(text: str) -> str:
    return re.sub(r"^```.*?^```", "", text, flags=re.MULTILINE | re.DOTALL)


def headings(text: str) -> list[tuple[int, str]]:
    found = []
    for line in outside_code(text).splitlines():
        match = re.match(r"^(#+) (.*)$", line)
        if match:
            number = re.match(r"(?:Chapter (\d+)\.|第 (\d+) 章)", match[2])
            found.append((len(match[1]), next(filter(None, number.groups())) if number else ""))
    return found


def equations(text: str) -> list[str]:
    return re.findall(r"^\$\$\n.*?\n\$\$$", text, re.MULTILINE | re.DOTALL)


def rubric_blocks(text: str) -> list[str]:
    return re.findall(r"^<!-- rubric:.*?<!-- /rubric -->$", text, re.MULTILINE | re.DOTALL)


def table_shapes(text: str) -> list[tuple[int, int]]:
    text = re.sub(r"^<!-- rubric:.*?<!-- /rubric -->$", "", outside_code(text),
                  flags=re.MULTILINE | re.DOTALL)
    tables = re.findall(r"(?:^\|.*\|$\n?)+", text, re.MULTILINE)
    return [(t.count("\n"), t.splitlines()[0].count("|")) for t in tables]


def figures(text: str) -> list[str]:
    return re.findall(r'<a id="[a-z0-9-]+"></a>|\]\((docs/figures/[a-z0-9-]+\.svg)\)', text)


def code(text: str) -> list[str]:
    return re.findall(r"^```.*?^```$", text, re.MULTILINE | re.DOTALL)


def problems(text: str) -> list[str]:
    return re.findall(r"^(?:〔待译〕)?\*\*(?:Problem|习题) (\d+\.\d+)\b", text, re.MULTILINE)


@pytest.mark.parametrize("part", [headings, equations, rubric_blocks, table_shapes, figures,
                                  code, problems])
def test_the_chinese_edition_has_the_same(part):
    english, chinese = part(EN), part(ZH)
    assert english, f"course.md has no {part.__name__}?"
    first = next((i for i, (a, b) in enumerate(zip(english, chinese, strict=False))
                  if a != b),
                 min(len(english), len(chinese)))
    assert chinese == english, (
        f"{part.__name__} differ from item {first}: course.md has "
        f"{english[first] if first < len(english) else 'nothing'!r}, course.zh-CN.md has "
        f"{chinese[first] if first < len(chinese) else 'nothing'!r}")


def test_the_chinese_points_tables_are_generated_from_the_rubric():
    assert fill_rubric_tables(ZH) == ZH


def test_the_headings_are_translated():
    titles = [line for line in outside_code(ZH).splitlines() if line.startswith("#")]
    assert all(re.search(r"[\u4e00-\u9fff]", t) or re.search(r"(ReLU|Sigmoid|Tanh|Softmax|"
                                                              r"RMSprop|Adam)$", t)
               for t in titles)


def words(paragraph: str) -> str:
    """The paragraph without code spans, inline math and link targets: what a reader reads."""
    return re.sub(r"`[^`]*`|\$[^$]*\$|\]\([^)]*\)", "", paragraph)


def test_the_untranslated_paragraphs_are_marked():
    paragraphs = [p for p in re.split(r"\n\s*\n", outside_code(ZH)) if p.strip()]
    prose = [p for p in paragraphs if not p.startswith(("#", "|", "$$", "<", "!", "```"))]
    chinese = [p for p in prose if re.search(r"[\u4e00-\u9fff]", p)]
    # a list of signatures or a bare formula has no language to translate
    neutral = [p for p in prose if not re.search(r"[A-Za-z]", words(p))]
    english = [p for p in prose if p not in chinese and p not in neutral]
    assert not english, f"an English paragraph without 〔待译〕: {english[0][:80]!r}"
    assert len([p for p in chinese if not p.startswith("〔待译〕")]) >= 80


def test_no_control_characters_slipped_into_the_formulas():
    # a lost backslash turns "\top" into a tab and "\alpha" into a bell
    assert not re.search(r"[\x00-\x09\x0b-\x1f]", ZH.replace("\n", ""))
