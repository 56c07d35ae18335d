"""Windows: runs of whole sentences that fit the model, with a stride for long sentences.

A window is a list of word spans (character offsets into the original text).
Sentences are packed greedily up to ``max_words``; a sentence longer than that
is cut into overlapping windows of ``max_words`` with ``stride`` words shared
between neighbours. Each window records which of its words it "owns", so a
word seen by two windows is predicted once.
"""

from __future__ import annotations

from dataclasses import dataclass

from hadath.text.sentences import split_sentences
from hadath.text.words import word_spans


@dataclass(frozen=True)
class Window:
    words: tuple[tuple[int, int], ...]
    own_from: int  # index of the first word this window is responsible for
    own_to: int  # one past the last

    @property
    def start(self) -> int:
        return self.words[0][0]

    @property
    def end(self) -> int:
        return self.words[-1][1]


def make_windows(text: str, max_words: int = 128, stride: int = 32, pack: bool = False) -> list[Window]:
    """Cut ``text`` into windows of at most ``max_words`` words.

    With ``pack=False`` every window is one sentence (or part of a long one);
    with ``pack=True`` consecutive sentences share a window while they fit.
    """
    if not 0 <= stride < max_words:
        raise ValueError(f"stride must be in [0, max_words), got stride={stride}, max_words={max_words}")
    windows: list[Window] = []
    pending: list[tuple[int, int]] = []
    for s_start, s_end in split_sentences(text):
        words = word_spans(text, s_start, s_end)
        if pack and pending and len(pending) + len(words) <= max_words:
            pending += words
            continue
        if pending:
            windows.append(Window(tuple(pending), 0, len(pending)))
            pending = []
        if len(words) <= max_words:
            pending = list(words)
        else:
            windows.extend(_strided(words, max_words, stride))
        if not pack and pending:
            windows.append(Window(tuple(pending), 0, len(pending)))
            pending = []
    if pending:
        windows.append(Window(tuple(pending), 0, len(pending)))
    return windows


def _strided(words: list[tuple[int, int]], max_words: int, stride: int) -> list[Window]:
    """Overlapping windows; each owns its middle so every word is owned exactly once."""
    step = max_words - stride
    out, begin = [], 0
    while True:
        chunk = words[begin : begin + max_words]
        last = begin + max_words >= len(words)
        own_from = 0 if begin == 0 else stride // 2
        own_to = len(chunk) if last else len(chunk) - (stride - stride // 2)
        out.append(Window(tuple(chunk), own_from, own_to))
        if last:
            return out
        begin += step
