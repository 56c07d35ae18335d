"""The argument-model ablation: train each variant on the same data with the same seed, one row each.

    python bench/arguments.py                          # the full table, 3 epochs: 42 minutes on 2 cores
    python bench/arguments.py --epochs 4               # the longer run BENCHMARKS.md also reports
    python bench/arguments.py --only baseline,prompt   # some variants
    python bench/arguments.py --list                   # the variants and their overrides

Every variant trains on ``data=all`` (the constructed and the real-news train splits; best epoch on
the real-news dev split) from the same seed. The trigger tagger is trained once per encoder and
shared by every variant of that encoder (``task=arguments task.triggers_from=...``), so a row's
differences come from the argument tagger alone; the shared-encoder variant trains both taggers
jointly instead. Each trained variant is scored twice, with argmax and with Viterbi decoding
(decoding changes no weights; every row keeps the epoch argmax decoding scores best), on the
real-news dev split and on the constructed dev split:

- ``TC``, ``AC``: end to end (predicted triggers);
- ``AC gold``: AC given the gold triggers; ``AC~ gold``: the same with boundaries forgiven
  (``AC_overlap``: how much of the gap is span extent rather than missing arguments);
- ``train min``: minutes to train both taggers (the shared trigger tagger's minutes included);
- ``ms/article``: prediction time per real-news dev article, both taggers;
- ``M params``: parameters in memory at prediction, shared tensors counted once.

Runs go to ``outputs/ablation/<encoder>/<variant>``; rows are appended to
``outputs/ablation/results.jsonl`` as they come, and a rerun skips what is already there, so a
killed run resumes. ``--fresh`` starts over.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "outputs" / "ablation"
DEV_SETS = {"real": ROOT / "annotations" / "real" / "dev.jsonl", "constructed": ROOT / "annotations" / "dev.jsonl"}
ENCODERS = {"news-small": "quickstart", "tiny": "quickstart-tiny"}  # encoder -> experiment

# name -> (encoder, overrides). Every variant but the shared encoder reuses its encoder's trigger tagger.
VARIANTS: dict[str, tuple[str, list[str]]] = {
    "baseline": ("news-small", []),
    "prompt": ("news-small", ["arguments.prompt=true"]),
    "marker-init": ("news-small", ["arguments.marker_init=triggers"]),
    "prompt+marker-init": ("news-small", ["arguments.prompt=true", "arguments.marker_init=triggers"]),
    "o-weight-0.3": ("news-small", ["arguments.o_weight=0.3"]),
    "packed-window": ("news-small", ["preprocessing.pack_sentences=true"]),
    "lr-1e-4": ("news-small", ["trainer.learning_rate=1e-4"]),
    "shared-encoder": ("news-small", ["task=events", "arguments.shared_encoder=true"]),
    "tiny": ("tiny", []),
}
SHARED = "arguments.shared_encoder=true"


def run(args: list[str], log: Path) -> float:
    """Run a repository script; its output to ``log``; minutes taken. Exits naming the log on failure."""
    started = time.time()
    env = dict(os.environ, HF_HUB_OFFLINE=os.environ.get("HF_HUB_OFFLINE", "1"), TOKENIZERS_PARALLELISM="false")
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w") as out:
        done = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    if done.returncode != 0:
        sys.exit(f"failed ({log}): {' '.join(args)}")
    return (time.time() - started) / 60


def trained(run_dir: Path, args: list[str]) -> float:
    """Train into ``run_dir`` unless its checkpoint is there; the training minutes (recorded beside it)."""
    minutes_file = run_dir / "train-minutes.txt"
    if not (run_dir / "checkpoint" / "hadath.json").is_file() or not minutes_file.is_file():
        minutes = run(["train.py", *args, f"hydra.run.dir={run_dir}"], run_dir.parent / f"{run_dir.name}.log")
        minutes_file.write_text(f"{minutes:.3f}\n")
    return float(minutes_file.read_text())


def variant_overrides(name: str, epochs: int | None = None) -> list[str]:
    """The train.py overrides of a variant (without the run folder and the trigger tagger it reuses)."""
    encoder, overrides = VARIANTS[name]
    # Every row keeps the epoch argmax decoding scores best on dev, so that both decodings are
    # scored on the same weights.
    common = [f"experiment={ENCODERS[encoder]}", "data=all", "arguments.decoding=argmax"]
    if epochs:
        common.append(f"trainer.num_train_epochs={epochs}")
    return common + overrides if SHARED in overrides else [*common, "task=arguments", *overrides]


def train_variant(name: str, epochs: int | None) -> tuple[Path, float]:
    """The variant's checkpoint and the minutes to train both of its taggers."""
    encoder, overrides = VARIANTS[name]
    args = variant_overrides(name, epochs)
    if SHARED in overrides:
        minutes = trained(OUT / encoder / name, args)
        return OUT / encoder / name / "checkpoint", minutes
    common = [a for a in args if a not in overrides and a != "task=arguments"]
    trigger_minutes = trained(OUT / encoder / "triggers", [*common, "task=triggers"])
    triggers = OUT / encoder / "triggers" / "checkpoint"
    minutes = trained(OUT / encoder / name, [*args, f"task.triggers_from={triggers}"])
    return OUT / encoder / name / "checkpoint", trigger_minutes + minutes


def score(checkpoint: Path, decoding: str) -> dict:
    """One row's scores: both dev sets, speed and size, the checkpoint decoded with ``decoding``."""
    from hadath.data import load_documents
    from hadath.evaluation import evaluate_documents
    from hadath.inference import Extractor
    from hadath.joint import parameter_count

    extractor = Extractor.from_pretrained(checkpoint)
    extractor.settings = replace(extractor.settings, decoding=decoding)
    row: dict = {"M params": parameter_count(extractor.triggers.model, extractor.arguments.model) / 1e6}
    for name, path in DEV_SETS.items():
        docs = load_documents(path, extractor.schema)
        report, _, _ = evaluate_documents(extractor, docs, split_name=name, progress=False)
        events, gold = report["events"], report["events_gold_triggers"]
        row |= {
            f"{name} TC": events["TC"]["f1"],
            f"{name} AC": events["AC"]["f1"],
            f"{name} AC gold": gold["AC"]["f1"],
            f"{name} AC~ gold": gold["AC_overlap"]["f1"],
        }
        if name == "real":
            started = time.perf_counter()
            for doc in docs:
                extractor.predict(doc.text)
            row["ms/article"] = (time.perf_counter() - started) * 1000 / len(docs)
    return row


COLUMNS = [
    "real TC",
    "real AC",
    "real AC gold",
    "real AC~ gold",
    "constructed TC",
    "constructed AC",
    "constructed AC gold",
    "constructed AC~ gold",
    "train min",
    "ms/article",
    "M params",
]


def table(rows: list[dict]) -> str:
    lines = ["| variant | decoding | " + " | ".join(COLUMNS) + " |", "|---" * (len(COLUMNS) + 2) + "|"]
    for r in rows:
        cells = [f"{r[k]:.1f}" if k in ("train min", "ms/article", "M params") else f"{r[k]:.3f}" for k in COLUMNS]
        lines.append(f"| {r['variant']} | {r['decoding']} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", help="comma-separated variant names (default: all)")
    parser.add_argument(
        "--epochs", type=int, default=3, help="training epochs (default 3: the full table within an hour on 2 cores)"
    )
    parser.add_argument("--decodings", default="argmax,viterbi", help="decodings to score each variant with")
    parser.add_argument("--fresh", action="store_true", help="forget earlier runs and results")
    parser.add_argument("--list", action="store_true", help="print the variants and exit")
    args = parser.parse_args()
    started = time.time()
    if args.list:
        for name, (encoder, _) in VARIANTS.items():
            print(f"{name:<20}{encoder:<12}{' '.join(variant_overrides(name, args.epochs))}")
        return
    names = args.only.split(",") if args.only else list(VARIANTS)
    unknown = [n for n in names if n not in VARIANTS]
    if unknown:
        sys.exit(f"unknown variant(s) {unknown}; known: {', '.join(VARIANTS)}")
    results = OUT / "results.jsonl"
    if args.fresh and OUT.exists():
        import shutil

        shutil.rmtree(OUT)
    OUT.mkdir(parents=True, exist_ok=True)
    done = [json.loads(line) for line in results.read_text().splitlines()] if results.is_file() else []
    for name in names:
        checkpoint, minutes = train_variant(name, args.epochs)
        for decoding in args.decodings.split(","):
            if any(r["variant"] == name and r["decoding"] == decoding for r in done):
                continue
            row = {"variant": name, "decoding": decoding, "train min": minutes, **score(checkpoint, decoding)}
            done.append(row)
            with results.open("a") as out:
                out.write(json.dumps(row) + "\n")
            print(table([row]).splitlines()[-1], flush=True)
    print(table([r for r in done if r["variant"] in names]))
    # The budget is an hour for the full table on 2 idle cores: say what this run took.
    print(f"this run: {(time.time() - started) / 60:.1f} min of wall clock (runs and rows already there were reused)")


if __name__ == "__main__":
    main()
