"""Split annotated documents into train/dev/test, and keep the split fixed.

    python scripts/make_splits.py corpus.jsonl [...] --out annotations/
    python scripts/make_splits.py annotations/real/first-pass/*.jsonl --out annotations/real \\
        --by-story --eval-pool heldout --pretrain-corpus ../shared/data/news-unlabeled \\
        --dev 30 --test 45 --min-per-type 8 --min-per-type-dev 3

Documents already listed in OUT/splits.json keep their split; new ones are assigned at
random (seeded), re-drawing until every event type has at least ``--min-per-type``
triggers in test (and ``--min-per-type-dev`` in dev), or, for a type too rare for that, all
the triggers dev and test may take, test first (with a note). By default documents are assigned
one by one in the 70/15/15 proportion.

``--by-story`` assigns whole stories instead (``hadath.stories``: articles sharing word
5-grams), so the same incident reported by two outlets never falls on both sides.
``--eval-pool P`` draws dev and test only from documents whose ``meta.pool`` is P (the
real-news articles pre-training never saw) and from stories all of whose articles are
in it, and with ``--pretrain-corpus`` not from a story that corpus also tells outside its
held-out part (another outlet's copy that pre-training trained on); ``--dev``/``--test`` then
give their sizes in documents, and everything else is train. Writes OUT/train.jsonl, OUT/dev.jsonl, OUT/test.jsonl (``meta.split`` set, and
``meta.story`` with ``--by-story``) and the manifest OUT/splits.json, atomically.
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
from hadath.stories import story_groups

SPLITS = ("train", "dev", "test")
SHARE = {"train": 0.70, "dev": 0.15, "test": 0.15}


def type_counts(docs: list[Document]) -> Counter:
    return Counter(e.type for d in docs for e in d.events)


def units_of(docs: list[Document], by_story: bool) -> dict[str, list[Document]]:
    """The units a split assigns whole: stories with ``by_story``, else single documents."""
    stories = story_groups({d.id: d.text for d in docs}) if by_story else {d.id: d.id for d in docs}
    units: dict[str, list[Document]] = {}
    for d in docs:
        units.setdefault(stories[d.id], []).append(d)
    return units


def fixed_units(units: dict[str, list[Document]], fixed: dict[str, str]) -> dict[str, str]:
    """Unit → split for the units the manifest already places; a unit across two splits is refused."""
    placed: dict[str, str] = {}
    for unit, docs in units.items():
        splits = {fixed[d.id] for d in docs if d.id in fixed}
        if len(splits) > 1:
            names = ", ".join(f"{d.id} ({fixed[d.id]})" for d in docs if d.id in fixed)
            raise SystemExit(f"story {unit} straddles splits in the manifest: {names}; move them to one split")
        if splits:
            placed[unit] = splits.pop()
    return placed


def assign(
    units: dict[str, list[Document]],
    placed: dict[str, str],
    eligible: set[str],
    sizes: dict[str, int] | None,
    seed: int,
    minimum: dict[str, dict[str, int]],
) -> dict[str, str]:
    """Unit → split. New eligible units fill dev and test (to ``sizes`` documents, else to their
    share); ineligible ones go to train. Re-drawn until the per-type minimums hold."""
    new = sorted(u for u in units if u not in placed)
    total = sum(len(docs) for docs in units.values())
    for attempt in range(10_000):
        rng = random.Random(seed + attempt)
        order = new[:]
        rng.shuffle(order)
        split = dict(placed)
        have = Counter()
        for unit, name in placed.items():
            have[name] += len(units[unit])
        for unit in order:
            if unit not in eligible:
                split[unit] = "train"
            elif sizes is not None:
                room = [s for s in ("test", "dev") if have[s] + len(units[unit]) <= sizes[s]]
                split[unit] = room[0] if room else "train"
            else:  # the split furthest below its share takes the next unit
                split[unit] = min(SPLITS, key=lambda s: (have[s] / total - SHARE[s], SPLITS.index(s)))
            have[split[unit]] += len(units[unit])
        counts = {s: type_counts([d for u, docs in units.items() if split[u] == s for d in docs]) for s in SPLITS}
        if all(counts[s][t] >= n for s in ("dev", "test") for t, n in minimum[s].items()):
            return split
    raise SystemExit(
        f"no split with at least {minimum['test']} triggers in test and {minimum['dev']} in dev after 10,000 "
        "draws; lower --min-per-type / --min-per-type-dev or annotate more of the rare types"
    )


def minimums(units, eligible: set[str], types: list[str], test: int, dev: int) -> dict[str, dict[str, int]]:
    """Triggers each type needs in test and dev: as asked, or all the eligible units hold (test first)."""
    held = type_counts([d for u in eligible for d in units[u]])
    need: dict[str, dict[str, int]] = {"test": {}, "dev": {}}
    for t in types:
        need["test"][t] = min(test, held[t])
        need["dev"][t] = min(dev, held[t] - need["test"][t])
        if need["test"][t] < test or need["dev"][t] < dev:
            print(
                f"note: {t} has {held[t]} triggers in the documents dev and test may take; asked for {test} in "
                f"test and {dev} in dev, requiring {need['test'][t]} and {need['dev'][t]}",
                file=sys.stderr,
            )
    return need


def seen_stories(docs, eligible: set[str], units, corpus_dir: Path | None, fraction: float) -> dict[str, list[str]]:
    """Eligible article id → the reports of its story that pre-training trained on (none without a corpus)."""
    if corpus_dir is None:
        return {}
    from tqdm.auto import tqdm

    from hadath.pretraining.corpus import Corpus
    from hadath.stories import story_partners

    targets = {d.id: d.text for u in eligible for d in units[u]}
    corpus = Corpus(paths=[str(corpus_dir)], heldout_fraction=fraction)
    stream = tqdm(((d.id, d.text) for d in corpus.documents("train")), desc="stories in the pre-training corpus")
    partners = story_partners(targets, stream)
    seen = {doc_id: sorted(p) for doc_id, p in partners.items() if p}  # partners among the trained-on documents
    print(
        f"{len(seen)} of {len(targets)} unseen-pool articles have a story pre-training saw: train only", file=sys.stderr
    )
    return seen


def read_manifest(path: Path) -> dict[str, str]:
    if not path.is_file():
        return {}
    manifest = json.loads(path.read_text(encoding="utf-8"))
    return {doc_id: s for s, ids in manifest.items() if s in SPLITS for doc_id in ids}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("inputs", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, default=Path("annotations"))
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--min-per-type", type=int, default=4, help="triggers of every type in test")
    parser.add_argument("--min-per-type-dev", type=int, default=None, help="in dev (default: --min-per-type)")
    parser.add_argument("--by-story", action="store_true", help="keep each story (shared 5-grams) on one side")
    parser.add_argument("--eval-pool", default=None, help="draw dev and test only from documents of this meta.pool")
    parser.add_argument(
        "--pretrain-corpus",
        type=Path,
        default=None,
        help="with --eval-pool: the pre-training corpus; an article is kept out of dev and test when another "
        "report of its story there lies outside the held-out part (pre-training saw its story)",
    )
    parser.add_argument("--heldout-fraction", type=float, default=0.02, help="the corpus's held-out fraction")
    parser.add_argument("--dev", type=int, default=None, help="dev size in documents (with --test)")
    parser.add_argument("--test", type=int, default=None, help="test size in documents (with --dev)")
    args = parser.parse_args(argv)
    if (args.dev is None) != (args.test is None):
        parser.error("--dev and --test go together")

    docs = [d for path in args.inputs for d in read_jsonl(path)]
    duplicated = [i for i, n in Counter(d.id for d in docs).items() if n > 1]
    if duplicated:
        raise SystemExit(f"document ids occur more than once in the inputs: {', '.join(sorted(duplicated)[:5])}")
    manifest_path = args.out / "splits.json"
    units = units_of(docs, args.by_story)
    placed = fixed_units(units, read_manifest(manifest_path))
    eligible = set(units)
    if args.eval_pool is not None:
        eligible = {u for u, members in units.items() if all(d.meta.get("pool") == args.eval_pool for d in members)}
        seen = seen_stories(docs, eligible, units, args.pretrain_corpus, args.heldout_fraction)
        eligible -= {u for u, members in units.items() if any(d.id in seen for d in members)}
        wrong = [u for u, s in placed.items() if s != "train" and u not in eligible]
        if wrong:
            raise SystemExit(f"stories in dev or test with articles outside pool {args.eval_pool!r}: {wrong[:5]}")
    sizes = None if args.dev is None else {"dev": args.dev, "test": args.test}
    dev_min = args.min_per_type if args.min_per_type_dev is None else args.min_per_type_dev
    minimum = minimums(units, eligible, sorted(type_counts(docs)), args.min_per_type, dev_min)
    split = assign(units, placed, eligible, sizes, args.seed, minimum)

    story = {d.id: unit for unit, members in units.items() for d in members}
    for name in SPLITS:
        chosen = [
            Document(
                d.id, d.text, d.events, {**d.meta, "split": name, **({"story": story[d.id]} if args.by_story else {})}
            )
            for d in docs
            if split[story[d.id]] == name
        ]
        write_jsonl(chosen, args.out / f"{name}.jsonl")
        counts = type_counts(chosen)
        rarest = f", rarest type {min(counts, key=counts.get)} ({min(counts.values())})" if counts else ""
        print(f"{name}: {len(chosen)} documents, {sum(counts.values())} events{rarest}")
    manifest = {name: sorted(d.id for d in docs if split[story[d.id]] == name) for name in SPLITS}
    if args.by_story:
        manifest["stories"] = {unit: sorted(d.id for d in members) for unit, members in sorted(units.items())}
    if args.eval_pool is not None and args.pretrain_corpus is not None:
        manifest["seen_by_pretraining"] = {doc_id: partners for doc_id, partners in sorted(seen.items())}
    atomic_write_text(manifest_path, json.dumps(manifest, indent=1, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
