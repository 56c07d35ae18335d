"""Arabic normalisation applied to what the model sees, never to the stored text.

Each model family expects the text prepared the way its pre-training text was
(``preprocessing.normalizer``, stored in every checkpoint):

- ``hadath``: the project's own encoders (news-small, tiny): tatweel and diacritics stripped,
  Arabic-Indic digits kept unless ``latin_digits``;
- ``arabert-v02``: AraBERT v0.2's preprocessing, rule for rule (HTML entities and markup,
  diacritics, tatweel, URL, e-mail and mention placeholders, Latin digits, repeats cut to two,
  spaces around symbols and between digits and letters, ``/`` to ``-``, other scripts dropped);
- ``arabert-v2``: the same, then Farasa segmentation (``hadath.text.farasa``);
- ``camelbert``: diacritics and tatweel (kashida) removed, as CAMeLBERT's pre-training text was;
- ``raw``: nothing beyond the tokenizer's own normalisation (XLM-R, MARBERT).

Every rule keeps a map from the normalised text back to the original (``MappedText``), so a
span found in normalised text maps back to exact offsets. The taggers label words
(``hadath.text.words``) and normalise each word on its own, so offsets always come from the
original article; ``normalize_text`` gives the whole-text form and its map.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

TATWEEL = "\u0640"
# Harakat, tanween, shadda, sukun, superscript alef, Quranic marks.
DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")
ARABIC_INDIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
FAMILIES = ("hadath", "arabert-v02", "arabert-v2", "camelbert", "raw")


def normalize_word(
    word: str,
    strip_tatweel: bool = True,
    strip_diacritics: bool = True,
    latin_digits: bool = False,
) -> str:
    """The ``hadath`` family's form of ``word``. May return "" for a word of only marks."""
    if strip_tatweel:
        word = word.replace(TATWEEL, "")
    if strip_diacritics:
        word = DIACRITICS.sub("", word)
    if latin_digits:
        word = word.translate(ARABIC_INDIC_DIGITS)
    return word


# A replacement: literal text (mapped to the whole match), a group number (its characters keep
# their own offsets), or a function of the match giving literal text.
Piece = str | int | Callable[[re.Match], str]


@dataclass(frozen=True)
class MappedText:
    """Text with, for each of its characters, the span ``(starts[i], ends[i])`` of the original it came from."""

    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    @classmethod
    def of(cls, text: str) -> MappedText:
        return cls(text, tuple(range(len(text))), tuple(range(1, len(text) + 1)))

    def source(self, i: int, j: int) -> tuple[int, int]:
        """The original span behind characters ``[i, j)`` (an empty range: the point where it stood)."""
        if i < j:
            return min(self.starts[i:j]), max(self.ends[i:j])
        point = self.ends[i - 1] if i > 0 else (self.starts[0] if self.starts else 0)
        return point, point

    def sub(self, pattern: re.Pattern, pieces: tuple[Piece, ...], attach: bool = False) -> MappedText:
        """``pattern.sub`` keeping the map. With ``attach``, a deleted match joins the span of the
        character before it (a stripped diacritic stays part of its letter's word)."""
        text: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        done = 0
        for match in pattern.finditer(self.text):
            text.append(self.text[done : match.start()])
            starts += self.starts[done : match.start()]
            ends += self.ends[done : match.start()]
            whole = self.source(match.start(), match.end())
            before = len(starts)
            for piece in pieces:
                if isinstance(piece, int):
                    g0, g1 = match.span(piece)
                    if g0 >= 0:
                        text.append(self.text[g0:g1])
                        starts += self.starts[g0:g1]
                        ends += self.ends[g0:g1]
                    continue
                literal = piece if isinstance(piece, str) else piece(match)
                text.append(literal)
                starts += [whole[0]] * len(literal)
                ends += [whole[1]] * len(literal)
            if attach and len(starts) == before and ends and not text[-1][-1:].isspace():
                ends[-1] = max(ends[-1], whole[1])
            done = match.end()
        text.append(self.text[done:])
        starts += self.starts[done:]
        ends += self.ends[done:]
        return MappedText("".join(text), tuple(starts), tuple(ends))

    def translate(self, table: dict[int, str]) -> MappedText:
        """Character for character replacement: the map is unchanged."""
        out = self.text.translate(table)
        assert len(out) == len(self.text), "translate tables here map one character to one"
        return MappedText(out, self.starts, self.ends)

    def tokens(self) -> list[tuple[str, int, int]]:
        """The space-separated tokens of the text, each with its original ``(start, end)``."""
        return [(m.group(), *self.source(m.start(), m.end())) for m in re.finditer(r"\S+", self.text)]


def _rule(pattern: str, *pieces: Piece, attach: bool = False, flags: int = 0) -> Callable[[MappedText], MappedText]:
    compiled = re.compile(pattern, flags)
    return lambda mapped: mapped.sub(compiled, pieces, attach)


# --- AraBERT v0.2 ----------------------------------------------------------------------------
# The rules of AraBERT v0.2's preprocessing (the ``arabert`` package, ArabertPreprocessor, for
# the v0.2 and v2 models), in its order. tests/test_normalize.py checks the output against the
# package itself, character for character.
LETTERS = "\u0621-\u063a\u0641-\u064a"  # hamza to ghain, feh to yeh: no tatweel, no marks
HINDI_DIGITS = "\u0660-\u0669"
LETTERS_AND_SIGNS = "\u0621-\u063a\u0641-\u064a\u0660-\u066c"  # with Arabic-Indic digits and signs
# What survives the last rule; anything else becomes a space (emoji, Persian letters, accents).
KEPT_SYMBOLS = "[]!\"#$%'()*+,.:;-<=·>?@\\^_ـ`{|}~—٪’،؟୍“؛”ۚ»«–…‘"
URL = " [رابط] "
EMAIL = " [بريد] "
MENTION = " [مستخدم] "
# Each URL pattern is applied in turn over the whole text.
URL_PATTERNS = (
    r"(https?://.)?(www\.)?[-a-zA-Z0-9@:%._+~#=]{2,256}\.[a-z]{2,6}\b[-a-zA-Z0-9@:%_+.~#?&/=]*",
    r"https?://[a-zA-Z0-9_\-./~?=%&]+",
    r"www[a-zA-Z0-9_\-?=%&/.~]+",
    r"[a-zA-Z]+\.com",
    r"(?=http)\S+",
    r"(?=www)\S+",
    r"://",
)
EMAIL_PATTERNS = (r"[\w-]+@([\w-]+\.)+[\w-]+", r"\S+@\S+")
ARABERT_TASHKEEL = "[\u064b-\u0652]"  # tanween, fatha, damma, kasra, shadda, sukun


def _arabert_v02_rules() -> list[Callable[[MappedText], MappedText]]:
    return [
        _rule(r"&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)", lambda m: html.unescape(m.group())),
        _rule(ARABERT_TASHKEEL, attach=True),
        _rule(TATWEEL, attach=True),
        *[_rule(p, URL) for p in URL_PATTERNS],
        *[_rule(p, EMAIL) for p in EMAIL_PATTERNS],
        _rule(r"@\w+", MENTION),
        _rule("<br />", " "),
        _rule(r"</?[^>]+>", " "),
        lambda mapped: mapped.translate(str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789")),
        _rule(r"(\D)\1{2,}", 1, lambda m: m.group(1), flags=re.DOTALL),
        _rule(rf"([^0-9{LETTERS}{HINDI_DIGITS}a-zA-Z\[\]])", " ", 1, " "),
        _rule(rf"(\d+)([{LETTERS_AND_SIGNS}]+)", " ", 1, " ", 2, " "),
        _rule(rf"([{LETTERS_AND_SIGNS}]+)(\d+)", " ", 1, " ", 2, " "),
        lambda mapped: mapped.translate({ord("/"): "-"}),
        _rule(rf"[^0-9\u0621-\u063a\u0640-\u066c\u0671-\u0674a-zA-Z\s{re.escape(KEPT_SYMBOLS)}]", " "),
        _rule("\ufe0f", attach=True),
        _rule(r"^\s+|\s+$", ""),
        _rule(r"\s+", " "),
    ]


def _camelbert_rules() -> list[Callable[[MappedText], MappedText]]:
    return [_rule("[\u064b-\u0652\u0670]", attach=True), _rule(TATWEEL, attach=True)]


def _hadath_rules(strip_tatweel: bool, strip_diacritics: bool, latin_digits: bool):
    rules = []
    if strip_tatweel:
        rules.append(_rule(TATWEEL, attach=True))
    if strip_diacritics:
        rules.append(lambda mapped: mapped.sub(DIACRITICS, (), attach=True))
    if latin_digits:
        rules.append(lambda mapped: mapped.translate(ARABIC_INDIC_DIGITS))
    return rules


@cache
def family_rules(family: str, strip_tatweel: bool = True, strip_diacritics: bool = True, latin_digits: bool = False):
    """The rules of ``family`` in the order they apply (the ``hadath`` family takes its three flags)."""
    if family == "hadath":
        return tuple(_hadath_rules(strip_tatweel, strip_diacritics, latin_digits))
    if family in ("arabert-v02", "arabert-v2"):
        return tuple(_arabert_v02_rules())
    if family == "camelbert":
        return tuple(_camelbert_rules())
    if family == "raw":
        return ()
    raise ValueError(f"unknown normalizer {family!r}; known: {', '.join(FAMILIES)}")


def normalize_text(text: str, family: str = "hadath", **flags: bool) -> MappedText:
    """``text`` as ``family``'s models read it, with the map back to ``text``'s offsets.

    Farasa segmentation (``arabert-v2``) is not part of it: it runs per word, in
    ``hadath.features.Preprocessing.normalize``.
    """
    mapped = MappedText.of(text)
    for rule in family_rules(family, **flags):
        mapped = rule(mapped)
    return mapped
