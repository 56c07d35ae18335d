"""Words: the unit the taggers label.

A word is a run of non-space characters with its leading and trailing
punctuation split off as separate one-character words ("«داعش»،" gives
``«``, ``داعش``, ``»``, ``،``). Clitics stay inside the word ("وأصيب",
"بسيارة"). Invisible direction marks count as space.

Real text sometimes drops the space after a full stop or comma ("الكاميرون.وأصيب",
"دمشق،حلب", "القرية».وذكر"): a separator between two Arabic words splits the run there, so each
word can be marked on its own. Inner punctuation elsewhere stays (below).
"""

from __future__ import annotations

import re

# Characters that are never part of a word's edge. Inner punctuation stays
# (the dot of "3.5", the slash of "4/6/2024", the hyphen of "عين-عيسى").
PUNCTUATION = set(".,;:!?'\"()[]{}<>«»“”‘’…-–—/\\|*،؛؟٪%")
# Zero-width and direction marks behave like spaces.
INVISIBLE = "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
WordSpan = tuple[int, int]  # a word's (start, end) in the text: the unit every tagger labels
_RUN = re.compile(rf"[^\s{INVISIBLE}]+")
# Separators that split a run when an Arabic letter stands on both sides of them.
SEPARATORS = ".,;:!?،؛؟"


def is_arabic_letter(ch: str) -> bool:
    return "\u0600" <= ch <= "\u06ff" and ch.isalpha()


CLOSERS = '»”")]'


def glued_word_before(text: str, i: int) -> bool:
    """Whether an Arabic word of two letters or more, or one closed by a quote or bracket, ends just before ``i``."""
    while i >= 1 and text[i - 1] in CLOSERS:
        i -= 1
    return i >= 2 and is_arabic_letter(text[i - 1]) and is_arabic_letter(text[i - 2])


def word_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Character spans ``(start, end)`` of the words of ``text[start:end]``, in order."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    for match in _RUN.finditer(text, start, end):
        for piece_start, piece_end in _split_glued(text, match.start(), match.end()):
            spans.extend(_split_edges(text, piece_start, piece_end))
    return spans


def _split_glued(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A run cut around each separator between two Arabic words ("أ.ف.ب", single letters, stays whole)."""
    pieces, begin = [], start
    for i in range(start + 2, end - 1):
        if text[i] in SEPARATORS and is_arabic_letter(text[i + 1]) and glued_word_before(text, i):
            pieces += [(begin, i), (i, i + 1)]
            begin = i + 1
    return pieces + [(begin, end)]


def _split_edges(text: str, start: int, end: int) -> list[tuple[int, int]]:
    head, tail = [], []
    while start < end and text[start] in PUNCTUATION:
        head.append((start, start + 1))
        start += 1
    while end > start and text[end - 1] in PUNCTUATION:
        tail.append((end - 1, end))
        end -= 1
    core = [(start, end)] if start < end else []
    return head + core + tail[::-1]
