"""Bootstrap confidence intervals for the scores of an evaluation, resampling documents.

An F1 over a few dozen test documents moves by points from one sample of documents to
another. Every score here is a ratio of counts that add up over documents (true positives,
predictions, gold items), so each document's counts are computed once and a bootstrap
sample is a weighted sum of them: ``n_bootstrap`` samples of whole documents, drawn with
replacement from a seeded generator, give the percentile interval of each F1.

Counts per document come from the same scorers as the report: seqeval's strict IOB2
entities for word labels, ``hadath.metrics.score_events`` for event levels, so the point
estimate of every interval is the reported F1.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from hadath.documents import Document

COUNTS = ("tp", "n_pred", "n_gold")


def interval_text(interval: list[float] | None, missing: str = "") -> str:
    """An interval as every report prints it: ``0.425–0.529``; ``missing`` where there is none."""
    return f"{interval[0]:.3f}–{interval[1]:.3f}" if interval else missing


def label_counts(gold: list[list[str]], pred: list[list[str]], mode: str = "strict") -> dict[str, np.ndarray]:
    """``{label: [tp, n_pred, n_gold]}`` and ``"micro"`` for one document's rows of word labels,
    counted on the entities seqeval counts in ``mode`` (``hadath.metrics.MODES``)."""
    found, guessed = _entities(gold, mode), _entities(pred, mode)
    out: dict[str, np.ndarray] = defaultdict(lambda: np.zeros(3))
    for entity in found | guessed:
        label = entity[1]
        counts = np.array([entity in found and entity in guessed, entity in guessed, entity in found], dtype=float)
        out[label] = out[label] + counts
        out["micro"] = out["micro"] + counts
    return dict(out)


def _entities(rows: list[list[str]], mode: str) -> set[tuple]:
    """(row, label, start, end) of every entity seqeval finds in ``rows`` in ``mode``."""
    if not rows:
        return set()
    if mode == "strict":
        from seqeval.scheme import IOB2, Entities

        return {e.to_tuple() for row in Entities(rows, IOB2).entities for e in row}
    from seqeval.metrics.sequence_labeling import get_entities

    return {(i, label, start, end) for i, row in enumerate(rows) for label, start, end in get_entities(row)}


def event_counts(gold: Document, pred: Document, levels: tuple[str, ...]) -> dict[str, np.ndarray]:
    """``{level: [tp, n_pred, n_gold]}`` for one document, from ``score_events``."""
    from hadath.metrics import score_events

    scores = score_events([gold], [pred])
    return {level: np.array([scores[level][k] for k in COUNTS], dtype=float) for level in levels}


def f1(counts: np.ndarray) -> np.ndarray:
    """F1 of ``[..., 3]`` count arrays (0 where undefined), as the report computes it."""
    tp, n_pred, n_gold = counts[..., 0], counts[..., 1], counts[..., 2]
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = np.where(n_pred > 0, tp / np.maximum(n_pred, 1), 0.0)
        recall = np.where(n_gold > 0, tp / np.maximum(n_gold, 1), 0.0)
        total = precision + recall
        return np.where(total > 0, 2 * precision * recall / np.where(total > 0, total, 1), 0.0)


def bootstrap(per_document: list[dict[str, np.ndarray]], n_bootstrap: int, seed: int, level: float = 0.95) -> dict:
    """Percentile intervals ``{name: [low, high]}`` of the F1 of every name in ``per_document``
    (one dict of counts per document), resampling documents ``n_bootstrap`` times. Resamples in which
    a name has no gold and no predicted item are left out of that name's interval."""
    names = sorted({name for doc in per_document for name in doc})
    if not per_document or not names or n_bootstrap < 1:
        return {}
    table = _table(per_document, names)
    rng = np.random.default_rng(seed)
    n_docs = len(per_document)
    # how often each document is drawn in each sample: (n_bootstrap, n_docs)
    weights = rng.multinomial(n_docs, np.full(n_docs, 1 / n_docs), size=n_bootstrap).astype(float)
    sums = np.einsum("bd,dnc->bnc", weights, table)
    # A resample without a single gold or predicted item of a label says nothing about its F1.
    scores = np.where(sums[..., 1] + sums[..., 2] > 0, f1(sums), np.nan)  # (n_bootstrap, names)
    tail = (1 - level) / 2 * 100
    out = {}
    for j, name in enumerate(names):
        column = scores[:, j][~np.isnan(scores[:, j])]
        if column.size:  # a name with no item in any document has no interval
            low, high = np.percentile(column, [tail, 100 - tail])
            out[name] = [float(low), float(high)]
    return out


def _table(per_document: list[dict[str, np.ndarray]], names: list[str]) -> np.ndarray:
    table = np.zeros((len(per_document), len(names), 3))
    for i, doc in enumerate(per_document):
        for j, name in enumerate(names):
            if name in doc:
                table[i, j] = doc[name]
    return table


def paired_bootstrap(
    first: list[dict[str, np.ndarray]], second: list[dict[str, np.ndarray]], n_bootstrap: int, seed: int
) -> dict[str, dict]:
    """Compare two models scored on the same documents (the same order): for every name, both F1s,
    their difference (second minus first), its 95% interval, and a two-sided paired bootstrap
    p-value: twice the share of resamples (the same documents for both) in which the difference
    does not have the observed sign, at most 1."""
    if len(first) != len(second):
        raise ValueError(f"paired bootstrap needs the same documents: {len(first)} against {len(second)}")
    names = sorted({n for doc in [*first, *second] for n in doc})
    a, b = _table(first, names), _table(second, names)
    n_docs = len(first)
    rng = np.random.default_rng(seed)
    weights = rng.multinomial(n_docs, np.full(n_docs, 1 / n_docs), size=n_bootstrap).astype(float)
    deltas = f1(np.einsum("bd,dnc->bnc", weights, b)) - f1(np.einsum("bd,dnc->bnc", weights, a))
    out = {}
    for j, name in enumerate(names):
        f_a, f_b = float(f1(a[:, j].sum(0))), float(f1(b[:, j].sum(0)))
        delta = deltas[:, j]
        observed = f_b - f_a
        if observed > 0:
            p = 2 * float(np.mean(delta <= 0))
        elif observed < 0:
            p = 2 * float(np.mean(delta >= 0))
        else:
            p = 1.0
        low, high = np.percentile(delta, [2.5, 97.5])
        out[name] = {
            "first": f_a,
            "second": f_b,
            "delta": observed,
            "interval": [float(low), float(high)],
            "p": min(1.0, p),
        }
    return out
