"""Make text that came from a submission safe to show: in a terminal, in Markdown, in rich.

Exception messages, printed output and folder names are written by students,
so every report treats them as hostile data: no terminal escape sequences, no
control characters, no bidi or zero-width tricks, no Markdown or HTML that
would render as anything but the literal text, and no unbounded length.
"""

import re
import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.text import Text


LIMIT = 2000
"""The longest message shown in full; the rest is cut, visibly."""

# ESC-introduced strings (OSC, DCS, SOS, PM, APC) run to a terminator (BEL or ST);
# 8-bit forms start with U+0090/U+0098/U+009D/U+009E/U+009F and may end with U+009C.
_STRING_SEQUENCE = re.compile(
    r"(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)")
_CSI = re.compile(r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]")
_ESCAPE = re.compile(r"\x1b[ -/]*[0-~]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# ZWJ/ZWNJ shape emoji and some scripts; next to ASCII they only disguise text.
_JOINER_BY_ASCII = re.compile(r"(?<=[\x00-\x7f])[\u200c\u200d]|[\u200c\u200d](?=[\x00-\x7f])")
_JOINERS = "\u200c\u200d"


def plain(text: str, limit: int = LIMIT) -> str:
    """``text`` as harmless plain text: what a terminal or a viewer shows literally.

    Removes ANSI/VT escape sequences (CSI, OSC and the other string sequences,
    two-character escapes), every other C0/C1 control character except newline
    and tab, the invisible format characters (bidi overrides and isolates, zero-width
    spaces, tag characters, BOMs; zero-width joiners only next to ASCII), turns
    carriage returns and line separators into newlines and lone surrogates into
    U+FFFD. Text longer than ``limit`` characters is cut to at most ``limit``,
    ending in ``… (N characters cut)``; so ``plain`` of its own result changes nothing.
    """
    text = text if isinstance(text, str) else str(text)
    text = _STRING_SEQUENCE.sub("", text)
    text = _CSI.sub("", text)
    text = _ESCAPE.sub("", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n")
    text = _CONTROL.sub("", text)
    text = _JOINER_BY_ASCII.sub("", text)
    text = "".join(_visible(char) for char in text)
    return _cut(text, limit)


def _visible(char: str) -> str:
    category = unicodedata.category(char)
    if category == "Cs":
        return "\ufffd"
    if category == "Cf" and char not in _JOINERS:
        return ""
    return char


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    # The marker's length is bounded with len(text), so the result fits in ``limit``.
    keep = max(0, limit - len(f"… ({len(text)} characters cut)"))
    return f"{text[:keep]}… ({len(text) - keep} characters cut)"


# An object's repr shows its memory address (``at 0x7f3a2c1b5e80``), which address-space
# randomization changes from run to run; 8 hex digits or more, so that 0xff stays.
_ADDRESS = re.compile(r"\b0x[0-9a-fA-F]{8,16}\b")


def without_addresses(text: str) -> str:
    """``text`` with memory addresses replaced by ``0x...``, so that a regrade is
    byte-identical even when a message holds an object's repr."""
    return _ADDRESS.sub("0x...", text)


_URL = re.compile(r"(?:\b(?:https?|ftp)://|\bwww\.|\b[\w.+-]+@(?=[\w-]+\.))[^\s`|<>]*[^\s`|<>.,;:!?)'\"]")
_PUNCTUATION = re.compile(r"[\\`*\[\]|~$]")
_LONE_UNDERSCORE = re.compile(r"(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])")
_HEADING = re.compile(r"^([ \t]*)#", re.MULTILINE)
_BULLET = re.compile(r"^([ \t]*)([-+=])(?=[\s\-+=]|$)", re.MULTILINE)
_ORDERED = re.compile(r"^([ \t]*\d{1,9})([.)])(?=\s|$)", re.MULTILINE)


def markdown_escape(text: str, limit: int = LIMIT) -> str:
    """``plain(text)`` escaped to render literally in Markdown (GitHub's flavour included).

    Markdown punctuation gets a backslash (``\\ ` * [ ] | ~ $`` always, ``_``
    unless inside a word), ``&<>`` become entities so no raw HTML survives, and
    line starts lose their power to make headings, list items or rules. Links and
    images cannot form (``[`` is escaped); bare URLs and e-mail addresses, which
    GitHub would turn into links, are shown as code. Newlines are kept.
    """
    text = plain(text, limit)
    parts, start = [], 0
    for match in _URL.finditer(text):
        parts += [_escape_prose(text[start:match.start()]), f"`{match.group()}`"]
        start = match.end()
    parts.append(_escape_prose(text[start:]))
    escaped = "".join(parts)
    escaped = _HEADING.sub(r"\1\\#", escaped)
    escaped = _BULLET.sub(r"\1\\\2", escaped)
    return _ORDERED.sub(r"\1\\\2", escaped)


def _escape_prose(text: str) -> str:
    text = _PUNCTUATION.sub(lambda m: "\\" + m.group(), text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _LONE_UNDERSCORE.sub(r"\\_", text)


def markdown_cell(text: str, limit: int = LIMIT) -> str:
    """``markdown_escape`` on one line, for a table cell: newlines become spaces."""
    return markdown_escape(" ".join(plain(text, limit).split("\n")), limit)


def rich_escape(text: str, limit: int = LIMIT) -> str:
    """``plain(text)`` with rich's markup escaped: ``[bold red]`` prints as typed."""
    from rich.markup import escape  # rich only where a terminal is: plain() needs nothing

    return escape(plain(text, limit))


def rich_text(markup: str) -> "Text":
    """Our own rich markup (with student text inside passed through ``rich_escape``) as a
    Text with emoji codes off, so that a student's ``:white_check_mark:`` stays words."""
    from rich.text import Text

    return Text.from_markup(markup, emoji=False)


def plural(count: int, noun: str) -> str:
    """``1 check``, ``2 checks``."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def csv_cell(text: str, limit: int = LIMIT) -> str:
    """``plain(text)`` that a spreadsheet will not run as a formula.

    A cell whose first character (or first after spaces and newlines) is one of
    ``= + - @`` or a tab gets a leading ``'``. Only for text cells: numbers stay numbers.
    """
    text = plain(text, limit)
    starts = (text[:1], text.lstrip(" \n")[:1])
    return f"'{text}" if any(c and c in "=+-@\t" for c in starts) else text
