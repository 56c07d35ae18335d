"""Words: the unit the taggers label.

A word is a run of non-space characters with its leading and trailing
punctuation split off as separate one-character words ("«داعش»،" gives
``«``, ``داعش``, ``»``, ``،``). Clitics stay inside the word ("وأصيب",
"بسيارة"). Invisible direction marks count as space.
"""

from __future__ import annotations

import re

# Characters that are never part of a word's edge. Inner punctuation stays
# (the dot of "3.5", the slash of "4/6/2024", the hyphen of "عين-عيسى").
PUNCTUATION = set(".,;:!?'\"()[]{}<>«»“”‘’…-–—/\\|*،؛؟٪%")
# Zero-width and direction marks behave like spaces.
INVISIBLE = "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
_RUN = re.compile(rf"[^\s{INVISIBLE}]+")


def word_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Character spans ``(start, end)`` of the words of ``text[start:end]``, in order."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    for match in _RUN.finditer(text, start, end):
        spans.extend(_split_edges(text, match.start(), match.end()))
    return spans


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


def is_punctuation(word: str) -> bool:
    return len(word) == 1 and word in PUNCTUATION
