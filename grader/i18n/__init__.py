"""Student-facing text in more than one language: one catalogue per language.

A message is made where it is produced, as ``Msg(key, **params)``: ``str(msg)``
is its English text (what the grader always said, byte for byte), and
``render(msg, lang)`` is the same message from ``lang``'s catalogue. Params may
be numbers (formatted by the template), other messages, or ``Phrase``: English
the grader does not own (a check's ``context=``, a diagnosis a test names, a
runner's or loader's fixed sentence), which ``lang``'s phrase table translates
where it follows a known pattern and leaves as written otherwise. A pattern's
group named ``code...`` (a line of the submission, say) is kept as written.

The catalogues are ``grader/i18n/en.py`` and ``grader/i18n/zh_cn.py``.
"""

import re
from functools import cache
from importlib import import_module
from types import ModuleType

LANGS = ("en", "zh-CN")
DEFAULT = "en"


class Msg:
    """A message id and its params, rendered in any language; ``str()`` is the English."""

    __slots__ = ("key", "params")

    def __init__(self, key: str, /, **params):
        self.key, self.params = key, params

    def render(self, lang: str = DEFAULT) -> str:
        params = {name: _param(value, lang) for name, value in self.params.items()}
        return catalogue(lang).MESSAGES[self.key].format(**params)

    def __str__(self) -> str:
        return self.render(DEFAULT)

    def __repr__(self) -> str:
        return f"Msg({self.key!r}, {self.params!r})"


class Phrase(str):
    """English written outside the catalogues (by the checks, the runner or the loader)."""


def render(value, lang: str = DEFAULT) -> str:
    """``value`` (a ``Msg``, a ``Phrase`` or any text) as finished text in ``lang``."""
    text = _param(value, lang)
    text = text if isinstance(text, str) else str(text)
    return catalogue(lang).tidy(text) if lang != DEFAULT else text


def text(key: str, lang: str = DEFAULT, **params) -> str:
    """The catalogue's message ``key`` in ``lang``, with ``params`` filled in."""
    return render(Msg(key, **params), lang)


def phrase(english: str, lang: str = DEFAULT) -> str:
    """``english`` through ``lang``'s phrase table: exact phrases, whole patterns, then parts."""
    if lang == DEFAULT or not english:
        return english
    return _translate(english, catalogue(lang))


def about(english: str, lang: str = DEFAULT) -> str:
    """A rubric check's ``about`` (what it grades) in ``lang``; as written if not translated."""
    if lang == DEFAULT:
        return english
    return getattr(catalogue(lang), "ABOUT", {}).get(english, english)


def check_lang(lang: str) -> str:
    """``lang`` if it is one of ``LANGS``; otherwise ``ValueError`` in one line."""
    if lang not in LANGS:
        raise ValueError(f"--lang {lang!r} is not a language of the feedback "
                         f"(choose from {', '.join(LANGS)})")
    return lang


@cache
def catalogue(lang: str) -> ModuleType:
    """The module holding ``lang``'s ``MESSAGES`` (and, beyond English, ``PHRASES``)."""
    return import_module(f"grader.i18n.{check_lang(lang).replace('-', '_').lower()}")


def _param(value, lang: str):
    if isinstance(value, Msg):
        return value.render(lang)
    if isinstance(value, Phrase):
        return phrase(str(value), lang)
    return value


def _translate(english: str, table: ModuleType) -> str:
    exact = table.EXACT.get(english)
    if exact is not None:
        return exact
    for pattern, template in _patterns(table):
        match = pattern.fullmatch(english)
        if match:
            verbatim = {i for name, i in pattern.groupindex.items() if name.startswith("code")}
            parts = [(g if i in verbatim else _translate(g, table)) if g else ""
                     for i, g in enumerate(match.groups(), start=1)]
            return template(*parts) if callable(template) else template.format(*parts)
    for pattern, replacement in _parts(table):
        english = pattern.sub(replacement, english)
    return english


@cache
def _patterns(table: ModuleType) -> list:
    return [(re.compile(p, re.S), t) for p, t in table.PATTERNS]


@cache
def _parts(table: ModuleType) -> list:
    return [(re.compile(p), r) for p, r in table.PARTS]
