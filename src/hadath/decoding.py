"""The tag codec: per-word tags to labelled word spans and back, and word spans to text.

The one home of BIO (IOB2) and BILOU for the whole project: model output, CoNLL files
read and written, and training labels all go through ``bio_to_spans`` and ``mark_span``.

Decoding is lenient, as conlleval is: an ``I-X`` (or ``L-X``) that does not continue an
``X`` span starts a new one, flagged ``orphan``. ``spans_to_bio`` turns decoded spans back
into well-formed tags, so the labels we score, the spans we print and the CoNLL file we
write always agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from hadath.text.words import WordSpan


@dataclass(frozen=True)
class LabelledSpan:
    first: int  # index of the first word
    last: int  # index of the last word (inclusive)
    name: str
    score: float = 1.0
    orphan: bool = field(default=False, compare=False)  # began with I-/L- rather than B-/U-


def bio_to_spans(labels: list[str], scores: list[float] | None = None) -> list[LabelledSpan]:
    """Spans of word indices from BIO or BILOU tags; ``scores`` (per word) are averaged over each span."""
    spans: list[LabelledSpan] = []
    current: tuple[int, str, bool] | None = None  # (first, name, orphan)
    for i, label in enumerate(list(labels) + ["O"]):
        tag, _, name = label.partition("-")
        continues = tag in ("I", "L") and current is not None and current[1] == name
        if current is not None and not continues:
            spans.append(_close(current, i - 1, scores))
            current = None
        if tag in ("B", "U", "S") or (tag in ("I", "L") and not continues):
            current = (i, name, tag in ("I", "L"))
        if tag in ("L", "U", "S") and current is not None:  # BILOU: the span ends here
            spans.append(_close(current, i, scores))
            current = None
    return spans


def _close(current: tuple[int, str, bool], last: int, scores: list[float] | None) -> LabelledSpan:
    first, name, orphan = current
    score = sum(scores[first : last + 1]) / (last + 1 - first) if scores else 1.0
    return LabelledSpan(first, last, name, score, orphan)


def mark_span(labels: list, span: LabelledSpan, scheme: str = "BIO") -> None:
    """Write one span's tags into ``labels`` (in place), in IOB2 or BILOU."""
    labels[span.first] = f"B-{span.name}"
    for i in range(span.first + 1, span.last + 1):
        labels[i] = f"I-{span.name}"
    if scheme == "BILOU":
        labels[span.last] = f"L-{span.name}" if span.last > span.first else f"U-{span.name}"


def spans_to_bio(spans: list[LabelledSpan], n_words: int, scheme: str = "BIO") -> list[str]:
    """Well-formed IOB2 (or BILOU) tags for ``n_words`` words."""
    labels = ["O"] * n_words
    for span in spans:
        mark_span(labels, span, scheme)
    return labels


def char_span(text: str, words: list[WordSpan], span: LabelledSpan) -> tuple[int, int, str]:
    """``(start, end, text[start:end])`` of a word span, straight from the original text."""
    start, end = words[span.first][0], words[span.last][1]
    return start, end, text[start:end]


@lru_cache(maxsize=64)
def _bio_structure(labels: tuple[str, ...]):
    """For ``viterbi_bio``: each label's span name (None for ``O``), the log-score a sequence may
    open with each label (``I-`` cannot), and transition[p, c], 0 where IOB2 lets c follow p, else -inf."""
    import numpy as np

    parts = [label.partition("-") for label in labels]
    spanning = tuple(None if tag == "O" else name for tag, _, name in parts)
    opening = np.where([tag == "I" for tag, _, _ in parts], -np.inf, 0.0)
    move = np.array(
        [
            [tag != "I" or (p_tag in ("B", "I") and p_name == name) for tag, _, name in parts]
            for p_tag, _, p_name in parts
        ]
    )
    return spanning, opening, np.where(move, 0.0, -np.inf)


def viterbi_bio(
    probs, labels: list[str], allowed: set[str] | None = None, outside: set[int] = frozenset()
) -> list[str]:
    """The most probable well-formed IOB2 sequence under per-word label probabilities.

    ``probs`` is a (words x labels) array of probabilities. Transitions that IOB2 forbids
    (``I-X`` anywhere but after ``B-X`` or ``I-X``) are impossible; so are spans whose name is
    not in ``allowed`` (the roles the schema allows for the event type; ``None``: every name),
    and any label but ``O`` on the word indices in ``outside`` (the trigger's own words).
    Unlike argmax-then-repair, a low-probability ``O`` inside a span can become ``I-X`` when
    that makes the best sequence: spans come out whole rather than in pieces.
    """
    import numpy as np

    probs = np.asarray(probs, dtype=np.float64)
    n_words, n_labels = probs.shape
    if not n_words:
        return []
    spanning, opening, transition = _bio_structure(tuple(labels))
    emit = np.log(np.clip(probs, 1e-12, 1.0))
    if allowed is not None:
        emit[:, [j for j, name in enumerate(spanning) if name is not None and name not in allowed]] = -np.inf
    if outside:
        emit[np.ix_(sorted(outside), [j for j, name in enumerate(spanning) if name is not None])] = -np.inf
    score = emit[0] + opening
    back = np.zeros((n_words, n_labels), dtype=np.int64)
    for i in range(1, n_words):
        total = score[:, None] + transition  # (previous, current)
        back[i] = total.argmax(0)
        score = total.max(0) + emit[i]
    best = [int(score.argmax())]
    for i in range(n_words - 1, 0, -1):
        best.append(int(back[i, best[-1]]))
    return [labels[j] for j in reversed(best)]
