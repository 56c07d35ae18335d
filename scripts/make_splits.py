"""Split annotated documents into train/dev/test by document, and keep the split fixed.

    python scripts/make_splits.py corpus.jsonl [...] --out annotations/

Documents already listed in OUT/splits.json keep their split; new documents are
assigned at random (seeded) in the 70/15/15 proportion, re-drawing until every
event type has at least ``--min-per-type`` triggers in dev and in test. Writes
OUT/train.jsonl, OUT/dev.jsonl, OUT/test.jsonl (meta.split set) and
OUT/splits.json, atomically.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter
from pathlib import Path

from hadath.documents import Document
from hadath.io import read_jsonl, write_jsonl
from hadath.io.atomic import atomic_write_text

SPLITS = ("train", "dev", "test")
SHARE = {"train": 0.70, "dev": 0.15, "test": 0.15}


def type_counts(docs: list[Document]) -> Counter:
    return Counter(e.type for d in docs for e in d.events)


def assign(
    docs: list[Document], fixed: dict[str, str], seed: int, min_per_type: int, types: list[str]
) -> dict[str, str]:
    new = sorted(d.id for d in docs if d.id not in fixed)
    for attempt in range(10_000):
        rng = random.Random(seed + attempt)
        order = new[:]
        rng.shuffle(order)
        have = Counter(fixed.values())
        total = len(docs)
        split = dict(fixed)
        for doc_id in order:
            # the split furthest below its share takes the next document
            target = min(SPLITS, key=lambda s: (have[s] / total - SHARE[s], SPLITS.index(s)))
            split[doc_id] = target
            have[target] += 1
        by_split = {s: [d for d in docs if split[d.id] == s] for s in SPLITS}
        if all(type_counts(by_split[s])[t] >= min_per_type for s in ("dev", "test") for t in types):
            return split
    raise SystemExit(f"no split with {min_per_type} triggers of every type in dev and test; lower --min-per-type")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("inputs", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, default=Path("annotations"))
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--min-per-type", type=int, default=4)
    args = parser.parse_args(argv)
    docs = [d for path in args.inputs for d in read_jsonl(path)]
    manifest_path = args.out / "splits.json"
    fixed = {}
    if manifest_path.is_file():
        fixed = {
            i: s for s, ids in json.loads(manifest_path.read_text(encoding="utf-8")).items() if s in SPLITS for i in ids
        }
    types = sorted(type_counts(docs))
    split = assign(
        docs, {k: v for k, v in fixed.items() if k in {d.id for d in docs}}, args.seed, args.min_per_type, types
    )
    for name in SPLITS:
        chosen = [Document(d.id, d.text, d.events, {**d.meta, "split": name}) for d in docs if split[d.id] == name]
        write_jsonl(chosen, args.out / f"{name}.jsonl")
        counts = type_counts(chosen)
        print(
            f"{name}: {len(chosen)} documents, {sum(counts.values())} events, rarest type "
            f"{min(counts, key=counts.get)} ({min(counts.values())})"
        )
    manifest = {name: sorted(i for i, s in split.items() if s == name) for name in SPLITS}
    atomic_write_text(manifest_path, json.dumps(manifest, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
