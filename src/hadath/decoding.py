"""From per-word label predictions to character spans in the original text.

Decoding is lenient, as conlleval is: an ``I-X`` that does not continue an
``X`` span starts a new one. ``spans_to_bio`` turns decoded spans back into
well-formed IOB2, so the labels we score, the spans we print and the CoNLL
file we write always agree.
"""

from __future__ import annotations

from dataclasses import dataclass

WordSpan = tuple[int, int]


@dataclass(frozen=True)
class LabelledSpan:
    first: int  # index of the first word
    last: int  # index of the last word (inclusive)
    name: str
    score: float = 1.0


def bio_to_spans(labels: list[str], scores: list[float] | None = None) -> list[LabelledSpan]:
    """Spans of word indices from BIO labels; ``scores`` (per word) are averaged over each span."""
    spans: list[LabelledSpan] = []
    current: tuple[int, str] | None = None
    for i, label in enumerate(list(labels) + ["O"]):
        tag, _, name = label.partition("-")
        continues = tag == "I" and current is not None and current[1] == name
        if current is not None and not continues:
            spans.append(_close(current, i - 1, scores))
            current = None
        if tag == "B" or (tag == "I" and not continues):
            current = (i, name)
    return spans


def _close(current: tuple[int, str], last: int, scores: list[float] | None) -> LabelledSpan:
    first, name = current
    score = sum(scores[first : last + 1]) / (last + 1 - first) if scores else 1.0
    return LabelledSpan(first, last, name, score)


def spans_to_bio(spans: list[LabelledSpan], n_words: int) -> list[str]:
    """Well-formed IOB2 labels for ``n_words`` words."""
    labels = ["O"] * n_words
    for span in spans:
        labels[span.first] = f"B-{span.name}"
        for i in range(span.first + 1, span.last + 1):
            labels[i] = f"I-{span.name}"
    return labels


def char_span(text: str, words: list[WordSpan], span: LabelledSpan) -> tuple[int, int, str]:
    """``(start, end, text[start:end])`` of a word span, straight from the original text."""
    start, end = words[span.first][0], words[span.last][1]
    return start, end, text[start:end]
