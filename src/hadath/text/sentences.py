"""Arabic-aware sentence splitting with character offsets into the original text.

A sentence ends at ``.`` ``؟`` ``?`` ``!`` ``؛`` or a line break. A dot does not
end a sentence inside a number ("3.5"), after a single-letter abbreviation
("د. أحمد", "م. ب.") or after a known abbreviation. A dot glued between two Arabic
words ("الكاميرون.وأصيب", a space lost in publishing) ends the sentence unless the
word before it is a single letter ("أ.ف.ب").
"""

from __future__ import annotations

import re

from hadath.text.words import glued_word_before, is_arabic_letter

ENDERS = ".؟?!؛"
# Abbreviations written with a dot that do not end a sentence.
ABBREVIATIONS = {"د", "م", "ص", "ق", "ج", "أ", "ت", "ه", "هـ", "Dr", "Mr", "No", "vs", "etc"}
_CLOSERS = "\"'»”’)]"
_WORD_BEFORE = re.compile(r"(\S+)$")


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """``(start, end)`` of each sentence of ``text[start:end]``, stripped of surrounding space.

    Closing quotes and brackets that follow the terminator stay with the sentence.
    """
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    begin = start
    i = start
    while i < end:
        ch = text[i]
        if ch in "\r\n":
            _add(text, spans, begin, i)
            begin = i + 1
        elif ch in ENDERS and _ends_sentence(text, i, end):
            stop = i + 1
            while stop < end and (text[stop] in ENDERS or text[stop] in _CLOSERS):
                stop += 1
            _add(text, spans, begin, stop)
            begin = i = stop
            continue
        i += 1
    _add(text, spans, begin, end)
    return spans


def _ends_sentence(text: str, i: int, end: int) -> bool:
    if text[i] != ".":
        return True
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < end else " "
    if before.isdigit() and after.isdigit():  # 3.5, ٣.٥
        return False
    if is_arabic_letter(after) and glued_word_before(text, i):  # "الكاميرون.وأصيب", but not "أ.ف.ب"
        return True
    if after.isdigit() or (not after.isspace() and after not in _CLOSERS and after not in ENDERS):
        return False  # a dot inside a token: "4.6.2024", "www.x.com"
    word = _WORD_BEFORE.search(text[max(0, i - 12) : i])
    return not (word and word.group(1).strip('(«"') in ABBREVIATIONS)


def _add(text: str, spans: list[tuple[int, int]], begin: int, stop: int) -> None:
    while begin < stop and text[begin].isspace():
        begin += 1
    while stop > begin and text[stop - 1].isspace():
        stop -= 1
    if begin < stop:
        spans.append((begin, stop))


def line_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each line of ``text`` (the line break excluded): the sentences of text
    that comes one sentence a line, as CoNLL data does."""
    spans, begin = [], 0
    for i, char in enumerate(text):
        if char == "\n":
            spans.append((begin, i))
            begin = i + 1
    return spans + [(begin, len(text))]
