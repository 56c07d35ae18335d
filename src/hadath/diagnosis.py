"""Where a model fails: every wrong or missing trigger and argument, and the event-type confusion matrix.

``error_records`` compares predicted documents with gold ones, end to end, and gives one record
per error (``errors.jsonl``). Triggers pair by span first, then by overlap:

- ``wrong type``: the gold trigger's exact span, another type;
- ``boundary overlap``: a predicted trigger that overlaps a gold one without matching its span;
- ``spurious``: a prediction that overlaps no gold trigger;
- ``missed``: a gold trigger no prediction overlaps.

Arguments are compared within each pair of events whose triggers match exactly (span and type):

- ``wrong role``: the gold argument's exact span, another role;
- ``boundary overlap``: the right role, an overlapping but different span;
- ``spurious``, ``missed``: as for triggers;
- ``argument of a missed trigger``: a gold argument whose event was not found (wrong type,
  boundary or missed trigger), so it could not be scored at all;
- ``argument of a spurious trigger``: a predicted argument hanging on a trigger that matches no
  gold event.

Each record carries the document id, the offsets and text of the span (``text[start:end]``),
the trigger it hangs on (for arguments), and the sentence around it.
"""

from __future__ import annotations

from hadath.documents import Document, Event
from hadath.text import split_sentences


def _overlaps(a, b) -> bool:
    return a.start < b.end and b.start < a.end


def _span(span) -> dict:
    return {"start": span.start, "end": span.end, "text": span.text}


def error_records(gold_docs: list[Document], pred_docs: list[Document]) -> list[dict]:
    """One record per trigger or argument error, document by document (pred paired with gold by id)."""
    predicted = {d.id: d for d in pred_docs}
    records: list[dict] = []
    for gold in gold_docs:
        pred = predicted.get(gold.id, Document(gold.id, gold.text, (), {}))
        sentences = split_sentences(gold.text)

        def context(start: int, text: str = gold.text, sentences=sentences) -> str:
            return next((text[s:e] for s, e in sentences if s <= start < e), "")

        def record(item: str, kind: str, span, doc_id: str = gold.id, **extra) -> None:
            records.append(
                {"doc": doc_id, "item": item, "kind": kind, **_span(span), **extra, "context": context(span.start)}
            )

        exact: dict[int, int] = {}  # gold event index -> predicted event index, same trigger span
        for gi, g in enumerate(gold.events):
            pi = next(
                (i for i, p in enumerate(pred.events) if i not in exact.values() and p.trigger == g.trigger), None
            )
            if pi is not None:
                exact[gi] = pi
        matched = [
            (gold.events[gi], pred.events[pi])
            for gi, pi in exact.items()
            if gold.events[gi].type == pred.events[pi].type
        ]
        unmatched_pred = []
        for gi, pi in exact.items():
            g, p = gold.events[gi], pred.events[pi]
            if g.type != p.type:
                record("trigger", "wrong type", p.trigger, gold_type=g.type, predicted_type=p.type)
                unmatched_pred.append(p)
        for pi, p in enumerate(pred.events):
            if pi in exact.values():
                continue
            unmatched_pred.append(p)
            near = next((g for g in gold.events if _overlaps(g.trigger, p.trigger)), None)
            if near is None:
                record("trigger", "spurious", p.trigger, predicted_type=p.type)
            else:
                kind, gold_span = "boundary overlap", _span(near.trigger)
                record("trigger", kind, p.trigger, gold_type=near.type, predicted_type=p.type, gold=gold_span)
        for gi, g in enumerate(gold.events):
            if gi not in exact and not any(_overlaps(g.trigger, p.trigger) for p in pred.events):
                record("trigger", "missed", g.trigger, gold_type=g.type)
            if all(g is not m for m, _ in matched):
                for a in g.arguments:
                    kind = "argument of a missed trigger"
                    record("argument", kind, a.span, gold_role=a.role, trigger=_span(g.trigger))
        for p in unmatched_pred:
            for a in p.arguments:
                kind = "argument of a spurious trigger"
                record("argument", kind, a.span, predicted_role=a.role, trigger=_span(p.trigger))
        for g, p in matched:
            _argument_errors(g, p, record)
    return records


def _argument_errors(gold: Event, pred: Event, record) -> None:
    trigger = _span(gold.trigger)
    left = list(gold.arguments)
    unmatched = []
    for a in pred.arguments:  # exact span and role first
        hit = next((g for g in left if g.span == a.span and g.role == a.role), None)
        if hit is not None:
            left.remove(hit)
        else:
            unmatched.append(a)
    for a in unmatched:
        same_span = next((g for g in left if g.span == a.span), None)
        overlap = next((g for g in left if g.role == a.role and _overlaps(g.span, a.span)), None)
        if same_span is not None:
            left.remove(same_span)
            record("argument", "wrong role", a.span, gold_role=same_span.role, predicted_role=a.role, trigger=trigger)
        elif overlap is not None:
            left.remove(overlap)
            record("argument", "boundary overlap", a.span, gold_role=a.role, gold=_span(overlap.span), trigger=trigger)
        else:
            record("argument", "spurious", a.span, predicted_role=a.role, trigger=trigger)
    for g in left:
        record("argument", "missed", g.span, gold_role=g.role, trigger=trigger)


def type_confusion(gold_docs: list[Document], pred_docs: list[Document]) -> dict:
    """Gold event type (rows) against predicted type (columns) for triggers paired by exact span, with a
    ``none`` row (predictions matching no gold trigger) and column (gold triggers never predicted)."""
    predicted = {d.id: d for d in pred_docs}
    types = sorted({e.type for d in [*gold_docs, *pred_docs] for e in d.events})
    labels = [*types, "none"]
    index = {t: i for i, t in enumerate(labels)}
    matrix = [[0] * len(labels) for _ in labels]
    for gold in gold_docs:
        pred = list(predicted.get(gold.id, Document(gold.id, gold.text, (), {})).events)
        for g in gold.events:
            p = next((p for p in pred if p.trigger == g.trigger), None)
            if p is None:
                matrix[index[g.type]][index["none"]] += 1
            else:
                pred.remove(p)
                matrix[index[g.type]][index[p.type]] += 1
        for p in pred:
            matrix[index["none"]][index[p.type]] += 1
    return {"labels": labels, "rows": "gold", "columns": "predicted", "matrix": matrix}
