"""Per-role score thresholds for arguments, tuned on dev and measured on test: does dropping
low-scoring arguments of some roles pay?

    python bench/role_thresholds.py --checkpoint outputs/bench-real/quickstart_data-all/checkpoint

The checkpoint predicts the dev and test splits once (its own decoding). A threshold drops an
argument whose span score (the mean probability of its words' labels) is below it. Thresholds
are chosen on dev by coordinate ascent over a grid, one role at a time, two sweeps, to
maximise dev AC; then the test split is scored with and without them. For comparison, one
threshold shared by every role, also chosen on dev. The issue's decoding variant "a per-role
score threshold tuned on dev"; the result is recorded in BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import os
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GRID = [i / 20 for i in range(19)]  # 0, 0.05, …, 0.9


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--checkpoint", required=True)
    parser.add_argument("--dev", default=str(ROOT / "annotations" / "real" / "dev.jsonl"))
    parser.add_argument("--test", default=str(ROOT / "annotations" / "real" / "test.jsonl"))
    parser.add_argument("--sweeps", type=int, default=2)
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    from hadath.data import load_documents
    from hadath.documents import Document
    from hadath.features import doc_words
    from hadath.inference import Extractor
    from hadath.intervals import event_counts, interval_text, paired_bootstrap
    from hadath.metrics import score_events

    extractor = Extractor.from_pretrained(args.checkpoint)
    if extractor.arguments is None:
        raise SystemExit(f"{args.checkpoint} has no argument tagger: nothing to threshold")
    roles = sorted({role for allowed in extractor.schema.event_types.values() for role in allowed})

    def predicted(path: str) -> tuple[list[Document], list[Document]]:
        gold = load_documents(path, extractor.schema)
        events = extractor.predict_many([d.text for d in gold], [doc_words(d) for d in gold])
        return gold, [Document(d.id, d.text, tuple(e), dict(d.meta)) for d, e in zip(gold, events)]

    def kept(docs: list[Document], thresholds: dict[str, float]) -> list[Document]:
        return [
            replace(
                doc,
                events=tuple(
                    replace(e, arguments=tuple(a for a in e.arguments if a.score >= thresholds.get(a.role, 0.0)))
                    for e in doc.events
                ),
            )
            for doc in docs
        ]

    def ac(gold: list[Document], pred: list[Document]) -> dict:
        return score_events(gold, pred)["AC"]

    dev_gold, dev_pred = predicted(args.dev)
    test_gold, test_pred = predicted(args.test)

    def dev_f1(thresholds: dict[str, float]) -> tuple[float, float]:
        return round(ac(dev_gold, kept(dev_pred, thresholds))["f1"], 6), -sum(thresholds.values())  # ties: lower

    per_role: dict[str, float] = {}
    for _ in range(args.sweeps):
        for role in roles:
            per_role[role] = max(GRID, key=lambda t: dev_f1(per_role | {role: t}))
    shared = max(GRID, key=lambda t: dev_f1(dict.fromkeys(roles, t)))

    print(f"{args.checkpoint}: dev {args.dev} ({len(dev_gold)} documents), test {args.test} ({len(test_gold)})")
    print("per-role thresholds (dev):", ", ".join(f"{role} {t:.2f}" for role, t in per_role.items()))

    def per_document(thresholds: dict[str, float]) -> list:
        return [event_counts(g, p, ("AC",)) for g, p in zip(test_gold, kept(test_pred, thresholds))]

    print("| thresholds | dev AC | test AC P | test AC R | test AC F1 | test: change, 95% interval, paired p |")
    print("|---|---|---|---|---|---|")
    baseline = per_document({})
    for name, thresholds in (
        ("none", {}),
        ("per role", per_role),
        (f"shared {shared:.2f}", dict.fromkeys(roles, shared)),
    ):
        dev, test = ac(dev_gold, kept(dev_pred, thresholds)), ac(test_gold, kept(test_pred, thresholds))
        change = ""
        if thresholds:
            paired = paired_bootstrap(baseline, per_document(thresholds), n_bootstrap=1000, seed=13)["AC"]
            change = f"{paired['delta']:+.3f}, {interval_text(paired['interval'])}, p {paired['p']:.2f}"
        print(
            f"| {name} | {dev['f1']:.3f} | {test['precision']:.3f} | {test['recall']:.3f} | {test['f1']:.3f} | {change} |"
        )


if __name__ == "__main__":
    main()
