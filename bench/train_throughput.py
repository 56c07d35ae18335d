"""Training throughput: hadath's Trainer path against a plain run_ner-style loop, in one run.

    python bench/train_throughput.py                          # news-small, data=all, 40 timed steps
    python bench/train_throughput.py --model tiny --steps 80
    python bench/train_throughput.py --model aubmindlab/bert-base-arabertv02 --steps 30   # on a GPU

Both arms fine-tune the trigger tagger from the same encoder on the same windows (hadath's
training rows of ``data=all``), with the same batch size, learning rate and optimiser (AdamW,
linear schedule), for the same number of steps:

- **peer**: what a plain transformers ``run_ner``-style script does: every window padded to
  the model's maximum length (``padding="max_length"``), batches in random order, a bare
  PyTorch loop (forward, backward, step);
- **hadath**: ``transformers.Trainer`` with hadath's collator (padding to the longest window
  of each batch), once with random batches and once with
  ``train_sampling_strategy=group_by_length`` (windows of similar length batched together).

Throughput is real (non-padding) tokens per second over the timed steps (the first
``--warmup`` steps of each arm are not timed); the ratio is each hadath arm against the peer.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def rows_and_model(model: str, data: str):
    """hadath's trigger-training rows for ``data`` and a function making a fresh tagger to train."""
    from hadath.arguments import ArgumentSettings
    from hadath.config import compose
    from hadath.features import Preprocessing
    from hadath.modeling import load_token_classifier, load_tokenizer
    from hadath.training import base_model_path, load_splits, stage_dataset

    overrides = [f"data={data}", "task=triggers"]
    overrides += ["model=tiny"] if model == "tiny" else ["model=news-small", f"model.name_or_path={model}"]
    cfg = compose("train", overrides)
    schema, splits = load_splits(cfg)
    base = base_model_path(cfg.model, splits["train"])
    tokenizer = load_tokenizer(base)
    prep = Preprocessing(**cfg.preprocessing)
    settings = ArgumentSettings(**cfg.arguments)
    dataset = stage_dataset("triggers", "train", splits, tokenizer, prep, schema, settings, cfg)
    labels = schema.trigger_labels
    return dataset, tokenizer, prep.max_length, labels, lambda: load_token_classifier(base, labels)


class StepClock:
    """Wall time from the end of step ``warmup`` to the last step, and the real tokens in between."""

    def __init__(self, warmup: int):
        self.warmup, self.started, self.seconds, self.tokens, self.step = warmup, None, 0.0, 0, 0

    def batch(self, attention_mask) -> None:
        if self.started is not None:
            self.tokens += int(attention_mask.sum())

    def step_end(self) -> None:
        self.step += 1
        if self.step == self.warmup:
            self.started = time.perf_counter()
        elif self.started is not None:
            self.seconds = time.perf_counter() - self.started


def peer(dataset, tokenizer, max_length: int, new_model, steps: int, batch: int, lr: float, warmup: int, seed: int):
    """The run_ner-style loop: pad every window to ``max_length``, random batches, a bare loop."""
    import torch
    from torch.utils.data import DataLoader
    from transformers import get_linear_schedule_with_warmup

    def pad(features):
        out = {}
        for key in ("input_ids", "attention_mask", "labels"):
            fill = {"input_ids": tokenizer.pad_token_id, "labels": -100}.get(key, 0)
            out[key] = torch.tensor([f[key] + [fill] * (max_length - len(f[key])) for f in features])
        return out

    torch.manual_seed(seed)
    model = new_model()
    model.train()
    optimiser = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    schedule = get_linear_schedule_with_warmup(optimiser, 0, steps + warmup)
    columns = dataset.select_columns(["input_ids", "attention_mask", "labels"])
    clock = StepClock(warmup)
    while clock.step < steps + warmup:
        for batch_ in DataLoader(list(columns), batch_size=batch, shuffle=True, collate_fn=pad):
            clock.batch(batch_["attention_mask"])
            model(**batch_).loss.backward()
            optimiser.step()
            schedule.step()
            optimiser.zero_grad()
            clock.step_end()
            if clock.step == steps + warmup:
                break
    return clock


def hadath_arm(dataset, tokenizer, new_model, labels, steps, batch, lr, warmup, seed, sampling, out: Path):
    """hadath's training path: the Trainer, hadath's collator and loss, ``sampling`` as given."""
    from transformers import DataCollatorForTokenClassification, Trainer, TrainerCallback, TrainingArguments

    from hadath.training import weighted_loss

    clock = StepClock(warmup)

    class Collate:
        def __init__(self):
            self.inner = DataCollatorForTokenClassification(tokenizer)

        def __call__(self, features):
            built = self.inner(features)
            clock.batch(built["attention_mask"])
            return built

    class Tick(TrainerCallback):
        def on_step_end(self, args, state, control, **kwargs):
            clock.step_end()

    args = TrainingArguments(
        output_dir=str(out),
        max_steps=steps + warmup,
        per_device_train_batch_size=batch,
        learning_rate=lr,
        weight_decay=0.01,
        lr_scheduler_type="linear",
        train_sampling_strategy=sampling,
        eval_strategy="no",
        save_strategy="no",
        logging_strategy="no",
        report_to="none",
        use_cpu=True,
        dataloader_num_workers=0,
        seed=seed,
        disable_tqdm=True,
    )
    trainer = Trainer(
        model=new_model(),
        args=args,
        train_dataset=dataset,
        data_collator=Collate(),
        compute_loss_func=weighted_loss(labels.index("O"), 1.0),
        callbacks=[Tick()],
    )
    trainer.train()
    return clock


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default=str(ROOT / "models" / "news-small"), help="a folder, a hub id or tiny")
    parser.add_argument("--data", default="all", help="a configs/data option")
    parser.add_argument("--steps", type=int, default=40, help="timed steps per arm")
    parser.add_argument("--warmup", type=int, default=3, help="untimed steps first")
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--lr", type=float, default=5e-4)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=Path("outputs/bench-train-throughput"))
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import torch

    dataset, tokenizer, max_length, labels, new_model = rows_and_model(args.model, args.data)
    lengths = [len(ids) for ids in dataset["input_ids"]]
    print(
        f"{len(dataset)} windows, {sum(lengths) / len(lengths):.1f} sub-tokens on average (max_length "
        f"{max_length}); batch {args.batch}, {args.steps} timed steps; torch threads {torch.get_num_threads()}"
    )
    common = dict(steps=args.steps, batch=args.batch, lr=args.lr, warmup=args.warmup, seed=args.seed)
    results = {
        "peer: pad to max_length, random batches, plain loop": peer(dataset, tokenizer, max_length, new_model, **common)
    }
    for sampling in ("random", "group_by_length"):
        results[f"hadath: Trainer, pad to batch, {sampling}"] = hadath_arm(
            dataset, tokenizer, new_model, labels, sampling=sampling, out=args.out / sampling, **common
        )
    base = None
    print("| arm | real tokens/s | timed steps | seconds | ratio to the peer |")
    print("|---|---|---|---|---|")
    for name, clock in results.items():
        rate = clock.tokens / clock.seconds
        base = base or rate
        print(f"| {name} | {rate:,.0f} | {args.steps} | {clock.seconds:.1f} | {rate / base:.2f}x |")


if __name__ == "__main__":
    main()
