"""ONNX and int8 against PyTorch on CPU: prediction speed and scores on the same articles, one run.

    python bench/onnx_speed.py --checkpoint outputs/quickstart/checkpoint        # exports first when needed
    python bench/onnx_speed.py --checkpoint DIR --data annotations/real/test.jsonl --repeats 3

Each runtime predicts every article of ``--data`` (``Extractor.predict_many``, the path feeds
take), ``--repeats`` times; the best time counts. Printed per runtime: articles/s, the speed
ratio to PyTorch, TC and AC F1 on the same articles and their difference from PyTorch's.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--checkpoint", required=True)
    parser.add_argument("--data", default=str(ROOT / "annotations" / "real" / "dev.jsonl"))
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    import torch

    from hadath.data import load_documents
    from hadath.evaluation import evaluate_documents
    from hadath.export import export
    from hadath.inference import Extractor

    if not (Path(args.checkpoint) / "onnx" / "export.json").is_file():
        export(args.checkpoint)
    rows = []
    for runtime in ("torch", "onnx", "onnx-int8"):
        extractor = Extractor.from_pretrained(args.checkpoint, runtime=runtime)
        docs = load_documents(args.data, extractor.schema)
        texts = [d.text for d in docs]
        extractor.predict_many(texts[:2])  # warm up
        best = float("inf")
        for _ in range(args.repeats):
            started = time.perf_counter()
            extractor.predict_many(texts)
            best = min(best, time.perf_counter() - started)
        report, _, _ = evaluate_documents(extractor, docs, progress=False)
        rows.append((runtime, len(texts) / best, report["events"]["TC"]["f1"], report["events"]["AC"]["f1"]))
    base = rows[0]
    print(f"{len(texts)} articles of {args.data}; torch threads {torch.get_num_threads()}")
    print("| runtime | articles/s | speed vs torch | TC | AC | TC − torch | AC − torch |")
    print("|---|---|---|---|---|---|---|")
    for runtime, speed, tc, ac in rows:
        print(
            f"| {runtime} | {speed:.2f} | {speed / base[1]:.2f}x | {tc:.3f} | {ac:.3f} | "
            f"{tc - base[2]:+.3f} | {ac - base[3]:+.3f} |"
        )


if __name__ == "__main__":
    main()
