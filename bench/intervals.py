"""What the 95% intervals cost: evaluate.py's scoring of one checkpoint with and without the bootstrap.

    python bench/intervals.py CHECKPOINT [--test annotations/real/test.jsonl] [--n 1000]

Scores the test split in one process after a warm-up, alternately with ``n_bootstrap=0`` and
``n_bootstrap=N``, twice each, and keeps the faster of each pair; the difference is the time
the intervals add (the target: under 10 s on a test split).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    from hadath.data import load_documents
    from hadath.evaluation import evaluate_documents
    from hadath.inference import Extractor

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("checkpoint")
    parser.add_argument("--test", default=str(ROOT / "annotations" / "real" / "test.jsonl"))
    parser.add_argument("--n", type=int, default=1000)
    args = parser.parse_args()
    extractor = Extractor.from_pretrained(args.checkpoint)
    docs = load_documents(args.test, extractor.schema)
    evaluate_documents(extractor, docs, progress=False)  # warm-up
    seconds = {0: float("inf"), args.n: float("inf")}
    for n in (0, args.n, 0, args.n):
        started = time.perf_counter()
        report, _, _ = evaluate_documents(extractor, docs, progress=False, n_bootstrap=n)
        seconds[n] = min(seconds[n], time.perf_counter() - started)
    extra = seconds[args.n] - seconds[0]
    print(
        f"{len(docs)} documents: scoring {seconds[0]:.1f} s; with {args.n} bootstrap resamples {seconds[args.n]:.1f} s"
    )
    print(f"the intervals add {extra:.2f} s ({seconds[args.n] / seconds[0]:.2f}x the scoring alone)")
    ac = report["intervals"].get("events", {}).get("AC")
    if ac:
        print(f"AC {report['events']['AC']['f1']:.3f}, 95% interval {ac[0]:.3f}-{ac[1]:.3f}")


if __name__ == "__main__":
    main()
