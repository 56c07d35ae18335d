"""Windows: runs of words that fit the model, cut at sentence boundaries where possible.

A window is a tuple of word spans (character offsets into the original text).
Each word has a cost (its number of sub-tokens; 1 by default). Sentences are
kept whole while they fit in ``max_tokens``; with ``pack=True`` consecutive
sentences share a window while they fit. A sentence longer than the budget is
cut into overlapping windows sharing ``stride`` words with the previous one;
each window "owns" the words it is responsible for, so every word of the text
is predicted exactly once.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass

from hadath.errors import UserError
from hadath.text.sentences import line_spans, split_sentences
from hadath.text.words import WordSpan, word_spans


@dataclass(frozen=True)
class Window:
    words: tuple[WordSpan, ...]
    own_from: int  # index of the first word this window is responsible for
    own_to: int  # one past the last
    continues: bool = False  # True when this window goes on with the previous window's sentence

    @property
    def start(self) -> int:
        return self.words[0][0]

    @property
    def end(self) -> int:
        return self.words[-1][1]

    @property
    def owned(self) -> tuple[WordSpan, ...]:
        return self.words[self.own_from : self.own_to]


def make_windows(
    text: str,
    max_tokens: int = 128,
    stride: int = 16,
    cost: Callable[[WordSpan], int] | None = None,
    pack: bool = False,
    words: list[WordSpan] | None = None,
    sentences: list[list[WordSpan]] | None = None,
) -> list[Window]:
    """Cut ``text`` into windows whose words cost at most ``max_tokens`` in total.

    ``words`` overrides the word split (token-level corpora bring their own
    tokens); sentences are then the text's lines. ``sentences``: what
    ``sentence_words(text, words)`` gives, when the caller has it already.
    """
    if max_tokens < 1 or stride < 0:
        raise UserError(f"need max_tokens >= 1 and stride >= 0, got {max_tokens}, {stride}")
    cost = cost or (lambda span: 1)
    windows: list[Window] = []
    pending: list[WordSpan] = []
    pending_cost = 0
    for sentence in sentence_words(text, words) if sentences is None else sentences:
        costs = [max(1, cost(w)) for w in sentence]
        total = sum(costs)
        if pending and (not pack or pending_cost + total > max_tokens):
            windows.append(_whole(pending))
            pending, pending_cost = [], 0
        if total <= max_tokens:
            pending += sentence
            pending_cost += total
        else:
            windows.extend(_strided(sentence, costs, max_tokens, stride))
    if pending:
        windows.append(_whole(pending))
    return windows


def sentence_words(text: str, words: list[WordSpan] | None = None) -> list[list[WordSpan]]:
    """The words of ``text``, sentence by sentence: what windows are cut from."""
    if words is None:
        return [word_spans(text, s, e) for s, e in split_sentences(text)]
    starts = [start for start, _ in line_spans(text)]  # given words: their lines are the sentences
    lines: dict[int, list[WordSpan]] = {}
    for span in words:
        lines.setdefault(bisect.bisect_right(starts, span[0]) - 1, []).append(span)
    return [lines[k] for k in sorted(lines)]


def _whole(words: list[WordSpan]) -> Window:
    return Window(tuple(words), 0, len(words))


def _strided(words: list[WordSpan], costs: list[int], budget: int, stride: int) -> list[Window]:
    """Overlapping windows over one long sentence; neighbours share up to ``stride`` words."""
    out: list[Window] = []
    begin, owned_until = 0, 0
    while begin < len(words):
        stop, spent = begin, 0
        while stop < len(words) and (spent + costs[stop] <= budget or stop == begin):
            spent += costs[stop]
            stop += 1
        last = stop == len(words)
        # Own the shared words up to the middle of the overlap with the next window.
        next_begin = stop if last else max(owned_until + 1, stop - stride)
        own_to = stop if last else max(owned_until + 1, (stop + next_begin) // 2)
        own_to = min(own_to, stop)
        out.append(Window(tuple(words[begin:stop]), owned_until - begin, own_to - begin, continues=bool(out)))
        owned_until = own_to
        begin = stop if last else max(begin + 1, min(next_begin, own_to))
    return out
