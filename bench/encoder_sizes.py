"""Which encoder size buys the most fine-tuned quality per CPU-minute: equal pre-training budgets, then fine-tune.

    python bench/encoder_sizes.py --init outputs/news-small-pretrain/init --minutes 20 --layers 2 4 6

For each depth, a new BERT of that many layers (hidden size, heads and feed-forward as the
``--init`` encoder) starts from the ``--init`` encoder's tokenizer and token embeddings (its
skip-gram vectors), so every size shares the same vocabulary and the same starting embeddings
and differs only in its random transformer layers. Each is pre-trained with ``pretrain.py`` for
the same budget: the number of steps the size makes in ``--minutes`` on an idle machine (estimated
from the shipped run's speed, so other load on the machine does not shorten a run), then fine-tuned and evaluated like the quickstart
(``bench/encoders.py``'s ``quickstart:model.name_or_path=...``). One table row per size: steps
and tokens reached, held-out perplexity, fine-tuning minutes and the test-split F1s.
Runs go to ``outputs/bench-sizes/``; results also to ``outputs/bench-sizes/results.json``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from encoders import ROOT, measure, run  # noqa: E402

OUT = ROOT / "outputs" / "bench-sizes"


def make_init(source: Path, layers: int, target: Path, seed: int) -> None:
    """``target``: a BERT of ``layers`` random layers, with ``source``'s tokenizer and token embeddings."""
    import torch
    from transformers import AutoTokenizer, BertConfig, BertForMaskedLM

    config = BertConfig.from_pretrained(source)
    reference = BertForMaskedLM.from_pretrained(source, dtype=torch.float32)
    config.num_hidden_layers = layers
    torch.manual_seed(seed)
    model = BertForMaskedLM(config)
    with torch.no_grad():
        model.bert.embeddings.word_embeddings.weight.copy_(reference.bert.embeddings.word_embeddings.weight)
    partial = target.with_name(target.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    model.save_pretrained(partial)
    AutoTokenizer.from_pretrained(source).save_pretrained(partial)
    partial.rename(target)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--init", type=Path, required=True, help="a pretrain.py run's init/ folder (scratch mode)")
    parser.add_argument("--minutes", type=float, default=20, help="pre-training budget per size (wall clock)")
    parser.add_argument("--layers", type=int, nargs="+", default=[2, 4, 6])
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    if not (args.init / "config.json").is_file():
        sys.exit(f"{args.init}: not an encoder folder (no config.json); pass a pretrain.py run's init/ folder")

    rows = []
    for layers in args.layers:
        run_dir = OUT / f"layers-{layers}"
        if not (run_dir / "model" / "config.json").is_file():
            if not (run_dir / "init" / "config.json").is_file():
                (run_dir).mkdir(parents=True, exist_ok=True)
                make_init(args.init, layers, run_dir / "init", args.seed)
            resume = (run_dir / "trainer").is_dir() and any((run_dir / "trainer").glob("checkpoint-*"))
            # The learning-rate schedule ends with the budget: steps estimated from the shipped run's
            # 1.41 s a step for 4 layers (about 0.35 s of embeddings, head and evaluation + 0.265 s a layer).
            steps = int(args.minutes * 60 / (0.35 + 0.265 * layers))
            run(
                [
                    "pretrain.py",
                    f"hydra.run.dir={run_dir}",
                    f"max_minutes={args.minutes * 3:.1f}",  # a safety stop only: the budget is the step count
                    f"trainer.max_steps={steps}",
                    "trainer.learning_rate=5e-4",
                    "trainer.eval_steps=250",
                    "trainer.save_steps=250",
                    f"model.scratch.num_hidden_layers={layers}",
                    "corpus.exclude=[]",  # the data news-small was trained on, the same for every size
                    f"resume={str(resume).lower()}",
                ]
            )
        pretrained = json.loads((run_dir / "model" / "pretrain.json").read_text())["metrics"]
        row = {
            "layers": layers,
            "steps": pretrained["steps"],
            "tokens_M": pretrained["tokens_seen"] / 1e6,
            "pretrain_minutes": pretrained["minutes"],
            "perplexity": pretrained["heldout_perplexity"],
        }
        row |= measure(f"quickstart:model.name_or_path={run_dir / 'model'}")
        rows.append(row)
        print(json.dumps(row), flush=True)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "results.json").write_text(json.dumps(rows, indent=2))
    keys = ["steps", "tokens_M", "pretrain_minutes", "perplexity", "train_minutes", "TC", "AC", "roles_gold_triggers"]
    print("| layers | " + " | ".join(keys) + " |")
    for r in rows:
        print(
            f"| {r['layers']} | "
            + " | ".join(f"{r[k]:.3f}" if isinstance(r[k], float) else str(r[k]) for k in keys)
            + " |"
        )


if __name__ == "__main__":
    main()
