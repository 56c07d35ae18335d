"""All scoring: word-level seqeval and the event-level scores, TI, TC, AI and AC.

``seqeval_report`` scores word labels (triggers, or roles given the gold triggers) with
seqeval in strict IOB2 mode. ``evaluation.evaluate_documents`` builds those labels and the
dev report from it, and training picks its best epoch on the same numbers
(``evaluation.stage_scores``).

Event-level scores are defined as in the ACE literature and TextEE.

Each event, gold or predicted, gives one trigger item. Each of its arguments gives
one argument item. Two items match when their keys are equal:

- TI (trigger identification): (document id, trigger start, trigger end)
- TC (trigger classification): the TI key + event type
- AI (argument identification): (document id, trigger start, trigger end, event type,
  argument start, argument end)
- AC (argument classification): the AI key + role

So an argument counts only when its event has the gold trigger span and the gold
event type. It fails AI if its event has the right trigger span but the wrong type,
or if it hangs on another trigger. Matching is one to one: a gold item matches at
most one prediction. A prediction given twice therefore scores one true positive and
one false positive. When several items share a key, identical items (same type, same
role) are paired first.

Breakdowns: an item counts under its own event type (per_type) or role (per_role).
There is one exception: a prediction that matched counts under the type (role) of
the gold item it matched. TI for a type therefore asks whether the gold triggers of
that type were found, whatever type was predicted for them. Macro averages are the
mean F1 over the types (roles) that have at least one gold or predicted item at that
level. Precision, recall or F1 with a zero denominator is 0.0.

``AC_overlap`` is a diagnostic beside AC, never in its place: a predicted argument matches a
gold one of the same event (document, trigger span, type) and role when their spans share
at least one character, one to one. AC_overlap minus AC is what boundary errors cost;
what AC_overlap still misses is arguments not found at all (or given the wrong role).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from typing import NamedTuple

from hadath.documents import Document
from hadath.errors import UserError

# How word labels are scored (``evaluate.py mode=...``); every report names the mode it used.
MODES = {
    "strict": "strict IOB2 (seqeval mode='strict', scheme=IOB2)",
    "conlleval": "conlleval-compatible (seqeval default mode: an I- without its B- still starts an entity)",
}
MODE = MODES["strict"]


def seqeval_report(gold: list[list[str]], pred: list[list[str]], mode: str = "strict") -> dict:
    """``{"per_label": {label: {precision, recall, f1, support}}, "micro": {...}, "macro": {...}}``.

    ``mode`` is ``strict`` (the default: entities must be well-formed IOB2) or ``conlleval``
    (seqeval's default mode, as conlleval.pl counts). On well-formed labels they agree.
    """
    from seqeval.metrics import classification_report
    from seqeval.scheme import IOB2

    if mode not in MODES:
        raise UserError(f"mode={mode!r} is not one of {', '.join(MODES)}")
    if not any(gold) and not any(pred):
        zero = {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 0}
        return {"per_label": {}, "micro": dict(zero), "macro": dict(zero)}
    strict = {"mode": "strict", "scheme": IOB2} if mode == "strict" else {}
    raw = classification_report(gold, pred, output_dict=True, zero_division=0, **strict)

    def row(values: dict) -> dict:
        return {
            "precision": float(values["precision"]),
            "recall": float(values["recall"]),
            "f1": float(values["f1-score"]),
            "support": int(values["support"]),
        }

    averages = {"micro avg", "macro avg", "weighted avg"}
    return {
        "per_label": {k: row(v) for k, v in sorted(raw.items()) if k not in averages},
        "micro": row(raw["micro avg"]),
        "macro": row(raw["macro avg"]),
    }


LEVELS = ("TI", "TC", "AI", "AC")


class _Item(NamedTuple):
    doc: str
    trigger: tuple[int, int]
    type: str
    arg: tuple[int, int] | None = None
    role: str | None = None


_KEYS: dict[str, Callable[[_Item], tuple]] = {
    "TI": lambda it: (it.doc, it.trigger),
    "TC": lambda it: (it.doc, it.trigger, it.type),
    "AI": lambda it: (it.doc, it.trigger, it.type, it.arg),
    "AC": lambda it: (it.doc, it.trigger, it.type, it.arg, it.role),
}


def score_events(gold: list[Document], pred: list[Document]) -> dict:
    """Score ``pred`` against ``gold``. Documents are paired by id.

    A gold document with no prediction counts as all missed. Returns a JSON-ready dict:
    ``{"TI"|"TC"|"AI"|"AC"|"AI_unattached"|"AC_unattached": block, "per_type": {type: {level: block}},
    "per_role": {role: {"AI": block, "AC": block}}, "macro": {level: f1 over types},
    "macro_role": {"AI": f1, "AC": f1}}``. Each block is
    ``{precision, recall, f1, tp, n_pred, n_gold}``.
    Raises ValueError on a predicted document that is not in gold, and on duplicate ids.
    """
    _check_ids(gold, pred)
    items = {"gold": _items(gold), "pred": _items(pred)}
    out: dict = {}
    per_type: dict[str, dict] = defaultdict(dict)
    per_role: dict[str, dict] = defaultdict(dict)
    out["macro"], out["macro_role"] = {}, {}
    for level in LEVELS:
        kind = 0 if level in ("TI", "TC") else 1
        gold_items, pred_items = items["gold"][kind], items["pred"][kind]
        pairs = _match(gold_items, pred_items, _KEYS[level])
        out[level] = _block(_tally(gold_items, pred_items, pairs, lambda it: "")[""])
        by_type = _tally(gold_items, pred_items, pairs, lambda it: it.type)
        out["macro"][level] = _macro(by_type)
        for name, counts in by_type.items():
            per_type[name][level] = _block(counts)
        if kind:
            by_role = _tally(gold_items, pred_items, pairs, lambda it: it.role)
            out["macro_role"][level] = _macro(by_role)
            for name, counts in by_role.items():
                per_role[name][level] = _block(counts)
    out["per_type"] = _complete(per_type, LEVELS)
    out["per_role"] = _complete(per_role, ("AI", "AC"))
    # Unattached (as TextEE also reports): an argument span (and role) counts whatever trigger it
    # hangs on; each distinct (document, span[, role]) once.
    for level, key in (("AI", lambda it: (it.doc, it.arg)), ("AC", lambda it: (it.doc, it.arg, it.role))):
        gold_keys = {key(it) for it in items["gold"][1]}
        pred_keys = {key(it) for it in items["pred"][1]}
        tp = len(gold_keys & pred_keys)
        out[f"{level}_unattached"] = _block(Counter(tp=tp, n_pred=len(pred_keys), n_gold=len(gold_keys)))
    out["AC_overlap"] = _overlap_block(items["gold"][1], items["pred"][1])
    return out


def _overlap_block(gold: list[_Item], pred: list[_Item]) -> dict:
    """AC with boundaries forgiven: same event and role, spans sharing a character, one to one."""
    free: dict[tuple, list[_Item]] = defaultdict(list)
    for item in gold:
        free[(item.doc, item.trigger, item.type, item.role)].append(item)
    waiting = list(pred)
    # Exact matches first, so a near miss never takes the gold span an exact prediction needs.
    for same in (lambda g, p: g == p, lambda g, p: g[0] < p[1] and p[0] < g[1]):
        unmatched = []
        for item in waiting:
            candidates = free.get((item.doc, item.trigger, item.type, item.role), [])
            hit = next((g for g in candidates if same(g.arg, item.arg)), None)
            if hit is None:
                unmatched.append(item)
            else:
                candidates.remove(hit)
        waiting = unmatched
    return _block(Counter(tp=len(pred) - len(waiting), n_pred=len(pred), n_gold=len(gold)))


def _check_ids(gold: list[Document], pred: list[Document]) -> None:
    for name, docs in (("gold", gold), ("predicted", pred)):
        twice = [i for i, n in Counter(d.id for d in docs).items() if n > 1]
        if twice:
            raise UserError(f"{name} document id {twice[0]!r} occurs more than once")
    known = {d.id for d in gold}
    for doc in pred:
        if doc.id not in known:
            raise UserError(f"predicted document {doc.id!r} is not among the gold documents")


def _items(docs: Iterable[Document]) -> tuple[list[_Item], list[_Item]]:
    """Trigger items and argument items of ``docs``."""
    triggers, arguments = [], []
    for doc in docs:
        for event in doc.events:
            trigger = (event.trigger.start, event.trigger.end)
            triggers.append(_Item(doc.id, trigger, event.type))
            arguments += [
                _Item(doc.id, trigger, event.type, (a.span.start, a.span.end), a.role) for a in event.arguments
            ]
    return triggers, arguments


def _match(gold: list[_Item], pred: list[_Item], key: Callable[[_Item], tuple]) -> list[tuple[_Item, _Item]]:
    """One-to-one (gold, pred) pairs with equal keys; a gold item is used at most once."""
    by_key: dict[tuple, list[_Item]] = defaultdict(list)
    for item in gold:
        by_key[key(item)].append(item)
    waiting: dict[tuple, list[_Item]] = defaultdict(list)
    pairs = []
    for item in pred:
        free = by_key.get(key(item))
        if free and item in free:  # an identical gold item: keeps same-type pairs together
            free.remove(item)
            pairs.append((item, item))
        elif free is not None:
            waiting[key(item)].append(item)
    for k, preds in waiting.items():
        pairs += list(zip(by_key[k], preds, strict=False))  # the surplus stays unmatched
    return pairs


def _tally(
    gold: list[_Item], pred: list[_Item], pairs: list[tuple[_Item, _Item]], group: Callable[[_Item], str]
) -> dict[str, Counter]:
    """Counts ``tp``, ``n_gold`` and ``n_pred`` per group. A matched prediction counts under its gold item's group."""
    counts: dict[str, Counter] = defaultdict(Counter)
    matched = Counter(p for _, p in pairs)
    for item in gold:
        counts[group(item)]["n_gold"] += 1
    for g, _ in pairs:
        counts[group(g)]["tp"] += 1
        counts[group(g)]["n_pred"] += 1
    for item in pred:
        if matched[item]:
            matched[item] -= 1
        else:
            counts[group(item)]["n_pred"] += 1
    return counts


def _block(counts: Counter) -> dict:
    tp, n_pred, n_gold = counts["tp"], counts["n_pred"], counts["n_gold"]
    precision = tp / n_pred if n_pred else 0.0
    recall = tp / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "tp": tp, "n_pred": n_pred, "n_gold": n_gold}


def _macro(groups: dict[str, Counter]) -> float:
    scores = [_block(c)["f1"] for c in groups.values() if c["n_gold"] + c["n_pred"]]
    return sum(scores) / len(scores) if scores else 0.0


def _complete(table: dict[str, dict], levels: tuple[str, ...]) -> dict[str, dict]:
    """Every group gets every level (zero blocks where it has no item), in sorted order."""
    return {name: {lv: table[name].get(lv, _block(Counter())) for lv in levels} for name in sorted(table)}


def format_event_table(scores: dict, intervals: dict | None = None) -> str:
    """A fixed-width console table of a ``score_events`` result: levels, then F1 per event type;
    with ``intervals`` (``{level: [low, high]}``) a 95% interval column for F1."""
    from hadath.intervals import interval_text

    header = f"{'level':<20}{'precision':>10}{'recall':>10}{'f1':>10}{'gold':>8}{'pred':>8}{'tp':>8}"
    lines = [header + ("  95% CI" if intervals is not None else "")]
    for level in [*LEVELS, "AI_unattached", "AC_unattached", "AC_overlap"]:
        if level not in scores:
            continue
        m = scores[level]
        interval = (intervals or {}).get(level)
        lines.append(
            f"{level:<20}{m['precision']:>10.3f}{m['recall']:>10.3f}{m['f1']:>10.3f}"
            f"{m['n_gold']:>8d}{m['n_pred']:>8d}{m['tp']:>8d}" + (f"  {interval_text(interval)}" if interval else "")
        )
    lines += ["", f"{'event type':<20}{'TC f1':>10}{'AC f1':>10}{'gold ev':>10}{'gold arg':>10}"]
    for name, m in scores.get("per_type", {}).items():
        lines.append(
            f"{name:<20}{m['TC']['f1']:>10.3f}{m['AC']['f1']:>10.3f}{m['TC']['n_gold']:>10d}{m['AC']['n_gold']:>10d}"
        )
    macro = scores.get("macro", {})
    lines.append("-" * 60)
    lines.append(f"{'macro avg':<20}{macro.get('TC', 0.0):>10.3f}{macro.get('AC', 0.0):>10.3f}")
    return "\n".join(lines)
