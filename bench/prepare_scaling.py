"""Training-data preparation at 1,000 and 10,000 articles: articles per second and peak memory.

    python bench/prepare_scaling.py                       # 1,000 and 10,000 generated articles
    python bench/prepare_scaling.py --sizes 1000 10000 50000 --model tiny

Generated articles are made from the annotated training articles (constructed and real): each
joins three of them, drawn at random, with their events moved to the new offsets, so the
annotation is exact and the text real. Each size is prepared in a fresh process, as
``train.py`` prepares it: read the JSON-lines file, then build both taggers' training sets
(windows, labels, tokenisation through ``datasets``). Reported per size: articles per second,
the peak resident memory of the process, and the same again with the ``datasets`` cache warm
(a second run over the same file). Peak memory is given twice: the resident set (``ru_maxrss``,
which counts the pages of the Arrow files ``datasets`` maps in as they are read) and the
anonymous part alone (the heap). The ratios compare the largest size with the smallest.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [ROOT / "annotations" / "train.jsonl", ROOT / "annotations" / "real" / "train.jsonl"]
JOIN = "\n\n"


def shifted(event: dict, by: int) -> dict:
    moved = dict(event, trigger=dict(event["trigger"], start=event["trigger"]["start"] + by))
    moved["trigger"]["end"] = event["trigger"]["end"] + by
    moved["arguments"] = [dict(a, start=a["start"] + by, end=a["end"] + by) for a in event.get("arguments", [])]
    return moved


def generate(count: int, path: Path, seed: int = 0) -> None:
    """``count`` articles, each three annotated training articles joined, written to ``path``."""
    pool = [json.loads(line) for source in SOURCES for line in source.read_text(encoding="utf-8").splitlines()]
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        for n in range(count):
            parts, text, events = rng.sample(pool, 3), "", []
            for i, part in enumerate(parts):
                if text:
                    text += JOIN
                events += [dict(shifted(e, len(text)), id=f"p{i}-{e['id']}") for e in part.get("events", [])]
                text += part["text"]
            out.write(json.dumps({"id": f"gen-{n}", "text": text, "events": events}, ensure_ascii=False) + "\n")


class AnonymousPeak:
    """The peak of the process's anonymous resident memory (``RssAnon``: heap, not the Arrow files
    ``datasets`` maps in, which the kernel can drop at will), sampled every 20 ms on a thread."""

    def __init__(self):
        import threading

        self.peak, self.running = 0, True
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()

    def _sample(self) -> None:
        while self.running:
            for line in Path("/proc/self/status").read_text().splitlines():
                if line.startswith("RssAnon:"):
                    self.peak = max(self.peak, int(line.split()[1]) // 1024)
            time.sleep(0.02)

    def stop(self) -> int:
        self.running = False
        self.thread.join()
        return self.peak


def prepare(path: Path, model: str, cache: Path) -> dict:
    """In this process: what train.py does with the data before training; timings and peak memory."""
    anonymous = AnonymousPeak()
    os.environ["HADATH_CACHE"] = str(cache)  # the datasets cache lives under it: cold means cold
    from hadath.arguments import ArgumentSettings
    from hadath.config import compose
    from hadath.features import Preprocessing
    from hadath.modeling import load_tokenizer
    from hadath.training import base_model_path, load_splits, stage_dataset

    dev = ROOT / "annotations" / "real" / "dev.jsonl"  # small and fixed: the train split is what grows
    overrides = [f"data.train={path}", f"data.dev={dev}", "task=events"]
    overrides += ["model=tiny"] if model == "tiny" else ["model=news-small", f"model.name_or_path={model}"]
    cfg = compose("train", overrides)
    started = time.perf_counter()
    schema, splits = load_splits(cfg)
    read = time.perf_counter() - started
    tokenizer = load_tokenizer(base_model_path(cfg.model, splits["train"]))
    prep, settings = Preprocessing(**cfg.preprocessing), ArgumentSettings(**cfg.arguments)
    started = time.perf_counter()
    rows = {
        stage: len(stage_dataset(stage, "train", splits, tokenizer, prep, schema, settings, cfg))
        for stage in ("triggers", "arguments")
    }
    built = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    return {
        "articles": len(splits["train"]),
        "read_s": read,
        "build_s": built,
        "peak_mib": peak,
        "anon_mib": anonymous.stop(),
        "rows": rows,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--model", default=str(ROOT / "models" / "news-small"), help="a folder, a hub id or tiny")
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)  # internal: prepare this file, print JSON
    parser.add_argument("--cache", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    if args.one:
        print(json.dumps(prepare(args.one, args.model, args.cache)))
        return

    results = []
    with tempfile.TemporaryDirectory(prefix="hadath-prepare-") as tmp:
        for size in args.sizes:
            data, cache = Path(tmp) / f"gen-{size}.jsonl", Path(tmp) / f"cache-{size}"
            generate(size, data)
            for state in ("cold", "warm"):
                done = subprocess.run(
                    [sys.executable, __file__, "--one", str(data), "--cache", str(cache), "--model", args.model],
                    capture_output=True,
                    text=True,
                    env=dict(os.environ, TOKENIZERS_PARALLELISM="false"),
                )
                if done.returncode != 0:
                    raise SystemExit(done.stderr[-3000:])
                result = json.loads(done.stdout.strip().splitlines()[-1]) | {"size": size, "cache": state}
                results.append(result)
                print(json.dumps(result), file=sys.stderr)
    print(
        "| articles | datasets cache | read s | build s | articles/s (read + build) | peak RSS MiB "
        "| peak anonymous MiB | rows (triggers, arguments) |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for r in results:
        rate = r["articles"] / (r["read_s"] + r["build_s"])
        rows = f"{r['rows']['triggers']:,}, {r['rows']['arguments']:,}"
        print(
            f"| {r['articles']:,} | {r['cache']} | {r['read_s']:.1f} | {r['build_s']:.1f} | {rate:,.0f} | "
            f"{r['peak_mib']:,.0f} | {r['anon_mib']:,} | {rows} |"
        )
    cold = [r for r in results if r["cache"] == "cold"]
    print(
        f"peak memory ratio, {cold[-1]['articles']:,} against {cold[0]['articles']:,} articles, cold cache: "
        f"RSS {cold[-1]['peak_mib'] / cold[0]['peak_mib']:.2f}, anonymous {cold[-1]['anon_mib'] / cold[0]['anon_mib']:.2f}"
    )


if __name__ == "__main__":
    main()
