"""Trigger extraction over whole articles: hadath against ``transformers.pipeline``, in one run.

    python bench/pipeline_peer.py --checkpoint outputs/quickstart/checkpoint
    python bench/pipeline_peer.py --checkpoint DIR --articles 200 --repeats 3 --device cuda

Both arms run the same trigger tagger (the checkpoint's root folder, a plain
``BertForTokenClassification``) over the same real articles (``annotations/real/``, whole texts):

- **peer**: ``pipeline("token-classification", aggregation_strategy="first", stride=…)``, what a
  user would reach for: it cuts each long article into overlapping chunks itself and merges
  sub-tokens into entity spans with character offsets; called on the list of articles with the
  same batch size;
- **hadath**: ``Extractor.predict_many`` with the trigger tagger alone: words, sentence-aware
  windows batched across articles and sorted by length, strict-BIO decoding, offsets into the
  original text.

Reported: articles per second for each (best of ``--repeats``), the ratio, how far the two agree
on the trigger spans they find (exact start, end and type; F1 of one against the other), and each
one's trigger F1 against the articles' gold annotation. Use a checkpoint that did not train on
real news (the quickstart's): the 200 articles are then all unseen.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def articles(count: int) -> tuple[list[str], list[set]]:
    """The first ``count`` real annotated articles (test, dev, then train) and their gold trigger spans."""
    texts, gold = [], []
    for split in ("test", "dev", "train"):
        for line in (ROOT / "annotations" / "real" / f"{split}.jsonl").read_text(encoding="utf-8").splitlines():
            doc = json.loads(line)
            texts.append(doc["text"])
            gold.append({(e["trigger"]["start"], e["trigger"]["end"], e["type"]) for e in doc.get("events", [])})
    if len(texts) < count:
        raise SystemExit(f"only {len(texts)} real articles; asked for {count}")
    return texts[:count], gold[:count]


def best_of(repeats: int, run) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeats):
        started = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - started)
    return best, result


def agreement(ours: list[set], theirs: list[set]) -> dict:
    both = sum(len(a & b) for a, b in zip(ours, theirs))
    n_ours, n_theirs = sum(map(len, ours)), sum(map(len, theirs))
    return {"hadath": n_ours, "pipeline": n_theirs, "same": both, "f1": 2 * both / (n_ours + n_theirs or 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--checkpoint", required=True)
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--stride", type=int, default=32, help="the pipeline's overlap between chunks, in tokens")
    parser.add_argument("--device", default="cpu")
    parser.add_argument(
        "--runtime", default="torch", help="hadath's runtime: torch, or onnx / onnx-int8 (run hadath.export first)"
    )
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    import torch
    from transformers import pipeline

    from hadath.inference import Extractor
    from hadath.modeling import load_token_classifier, load_tokenizer

    full = Extractor.from_pretrained(args.checkpoint, batch_size=args.batch, device=args.device, runtime=args.runtime)
    tagger = full.triggers
    ours_only = Extractor(tagger, full.schema)  # the trigger tagger alone, as the peer has
    texts, gold = articles(args.articles)
    tokenizer = load_tokenizer(args.checkpoint)
    tokenizer.model_max_length = tagger.prep.max_length  # the length the tagger was trained with
    peer = pipeline(
        "token-classification",
        model=load_token_classifier(args.checkpoint, safetensors_only=True),
        tokenizer=tokenizer,
        aggregation_strategy="first",
        stride=args.stride,
        device=torch.device(args.device),
    )
    ours_only.predict_many(texts[:4])  # warm up both
    peer(texts[:4], batch_size=args.batch)

    ours_s, ours = best_of(args.repeats, lambda: ours_only.predict_many(texts))
    peer_s, theirs = best_of(args.repeats, lambda: peer(texts, batch_size=args.batch))

    ours_spans = [{(e.trigger.start, e.trigger.end, e.type) for e in events} for events in ours]
    peer_spans = [{(x["start"], x["end"], x["entity_group"]) for x in found} for found in theirs]
    agree = agreement(ours_spans, peer_spans)
    print(
        f"{len(texts)} articles, {sum(len(t) for t in texts):,} characters; batch {args.batch}, "
        f"stride {args.stride}, max_length {tagger.prep.max_length}, device {args.device}, "
        f"torch threads {torch.get_num_threads()}"
    )
    print("| arm | seconds | articles/s | ratio |")
    print("|---|---|---|---|")
    print(f"| pipeline(token-classification, aggregation first) | {peer_s:.2f} | {len(texts) / peer_s:.1f} | 1.00x |")
    print(
        f"| hadath Extractor, triggers, {args.runtime} | {ours_s:.2f} | {len(texts) / ours_s:.1f} | {peer_s / ours_s:.2f}x |"
    )
    print(
        f"trigger spans: hadath {agree['hadath']}, pipeline {agree['pipeline']}, identical {agree['same']} "
        f"(agreement F1 {agree['f1']:.3f}); against the gold annotation (TC F1, exact span and type): "
        f"hadath {agreement(ours_spans, gold)['f1']:.3f}, pipeline {agreement(peer_spans, gold)['f1']:.3f}"
    )


if __name__ == "__main__":
    main()
