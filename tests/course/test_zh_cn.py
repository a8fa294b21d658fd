"""course.zh-CN.md stays in step with course.md.

The Chinese edition must have the same headings in the same order (levels,
and chapter numbers), the same display equations, the same points tables
generated from the rubric, the same other tables (shape), the same figures and
anchors, the same code, and the same problems, in the same order. Prose may
differ (it is translated), but none may stay untranslated: a paragraph waiting
for its translation is marked 〔待译〕, and the finished edition has none.

The glossary (术语表) holds a table between ``<!-- glossary -->`` and
``<!-- /glossary -->``: English term(s) | Chinese term | renderings not used.
Every English term is one course.md uses, every Chinese term is used in the
Chinese text, and the renderings not used appear only inside quotations of the
founding document.
"""

import re
from pathlib import Path

import pytest

from grader.authoring.course import fill_rubric_tables

ROOT = Path(__file__).resolve().parents[2]
EN = (ROOT / "course.md").read_text()
ZH = (ROOT / "course.zh-CN.md").read_text()
GLOSSARY_TABLE = re.compile(r"^<!-- glossary -->$.*?^<!-- /glossary -->$", re.MULTILINE | re.DOTALL)


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
    text = GLOSSARY_TABLE.sub("", text)  # the term table is the Chinese edition's own
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


def prose(text: str) -> list[str]:
    paragraphs = [p for p in re.split(r"\n\s*\n", outside_code(text)) if p.strip()]
    return [p for p in paragraphs if not p.startswith(("#", "|", "$$", "<", "!", "```"))]


def test_every_paragraph_is_translated():
    waiting = [p for p in prose(ZH) if p.startswith("〔待译〕")]
    assert not waiting, (
        f"{len(waiting)} paragraphs still wait for a translation: {waiting[0][:80]!r}")
    # a list of signatures or a bare formula has no language to translate
    english = [p for p in prose(ZH) if not re.search(r"[\u4e00-\u9fff]", p)
               and re.search(r"[A-Za-z]", words(p))]
    assert not english, f"an English paragraph: {english[0][:80]!r}"
    assert len(prose(ZH)) >= 0.9 * len(prose(EN))


def test_the_labels_are_translated():
    leftovers = re.findall(r"^\*\*(?:Problem \d|Work with:|Figures?:)|<summary>Hint", ZH,
                           re.MULTILINE)
    assert not leftovers, f"English labels left: {leftovers}"


def test_the_figures_and_tables_are_described_in_chinese():
    alts = re.findall(r"^!\[([^\]]*)\]\(docs/figures/", ZH, re.MULTILINE)
    assert alts and all(re.search(r"[\u4e00-\u9fff]", alt) for alt in alts), alts
    text = re.sub(r"^<!-- rubric:.*?<!-- /rubric -->$", "", outside_code(ZH),
                  flags=re.MULTILINE | re.DOTALL)  # generated from the rubric: stays as it is
    headers = [t.splitlines()[0] for t in re.findall(r"(?:^\|.*\|$\n?)+", text, re.MULTILINE)]
    assert headers and all(re.search(r"[\u4e00-\u9fff]", h) for h in headers), headers


def test_no_control_characters_slipped_into_the_formulas():
    # a lost backslash turns "\top" into a tab and "\alpha" into a bell
    assert not re.search(r"[\x00-\x09\x0b-\x1f]", ZH.replace("\n", ""))


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_every_link_inside_the_chinese_edition_has_a_target():
    targets = {slug(m) for m in re.findall(r"^#+ (.*)$", outside_code(ZH), re.MULTILINE)}
    targets |= set(re.findall(r'<a id="([^"]+)"></a>', ZH))
    links = re.findall(r"\]\(#([^)]+)\)", outside_code(ZH))
    assert links
    broken = sorted({link for link in links if link not in targets})
    assert not broken, f"links to no heading or anchor (an English anchor left?): {broken}"


# The glossary


def glossary() -> list[tuple[list[str], str, list[str]]]:
    block = GLOSSARY_TABLE.search(ZH)
    assert block, "course.zh-CN.md has no <!-- glossary --> table"
    rows = [line.strip("|").split("|") for line in block[0].splitlines() if line.startswith("|")]
    assert [cell.strip() for cell in rows[0]] == ["English", "中文", "不用"]
    return [([form.strip() for form in english.split(" / ")], chinese.strip(),
             [form.strip() for form in avoided.split("、") if form.strip()])
            for english, chinese, avoided in rows[2:]]


def without_glossary_table(text: str) -> str:
    return GLOSSARY_TABLE.sub("", text)


def test_the_glossary_maps_every_core_term():
    chinese = {term for _, term, _ in glossary()}
    core = {"神经元", "激活函数", "反向传播", "梯度", "损失函数", "卷积", "池化", "循环神经网络",
            "注意力", "归一化", "丢弃法", "学习率", "优化器", "权重衰减", "自注意力", "雅可比矩阵"}
    assert core <= chinese, f"missing from the glossary: {sorted(core - chinese)}"
    assert len(glossary()) >= 100


def test_the_glossary_has_one_chinese_term_per_english_term():
    english = [form.lower() for forms, _, _ in glossary() for form in forms]
    chinese = [term for _, term, _ in glossary()]
    assert len(set(english)) == len(english), "an English term is listed twice"
    assert len(set(chinese)) == len(chinese), "a Chinese term is listed twice"


def test_every_english_term_of_the_glossary_is_used_in_course_md():
    english = re.sub(r"\s+", " ", EN.lower())
    unused = [forms for forms, _, _ in glossary()
              if not any(re.search(r"(?<![a-z])" + re.escape(f.lower()), english) for f in forms)]
    assert not unused, f"glossary terms course.md never uses: {unused}"


def test_every_chinese_term_of_the_glossary_is_used_in_the_text():
    text = without_glossary_table(ZH)
    unused = [term for _, term, _ in glossary() if term not in text]
    assert not unused, f"glossary terms the Chinese text never uses: {unused}"


def test_the_renderings_not_used_appear_only_in_quotations():
    # quotations of the founding document keep its words, e.g. its "增强学习"
    text = re.sub(r'"[^"\n]*"|“[^”\n]*”', "", without_glossary_table(ZH))
    found = [(term, avoided) for _, term, avoids in glossary() for avoided in avoids
             if avoided in text]
    assert not found, f"use the glossary's term instead: {found}"
