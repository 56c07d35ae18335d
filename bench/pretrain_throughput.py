"""Pre-training throughput: the masked-only MLM head against transformers' BertForMaskedLM, same model, same batches.

    python bench/pretrain_throughput.py [--layers 4 --hidden 256 --vocab 24000 --batch 64 --length 128 --steps 3 --rounds 2]

Both variants train the same weights on the same masked batches (forward, backward, AdamW
step); rounds alternate between them so that background load hits both alike. Prints
tokens/s for each and their ratio.
"""

from __future__ import annotations

import argparse
import copy
import time

import torch
from transformers import BertConfig, BertForMaskedLM

from hadath.pretraining.masking import IGNORE, predict_masked_only


def batches(vocab: int, batch: int, length: int, steps: int, seed: int = 0) -> list[dict]:
    generator = torch.Generator().manual_seed(seed)
    out = []
    for _ in range(steps):
        ids = torch.randint(5, vocab, (batch, length), generator=generator)
        chosen = torch.rand(ids.shape, generator=generator) < 0.15
        labels = torch.where(chosen, ids, torch.full_like(ids, IGNORE))
        out.append({"input_ids": torch.where(chosen, 4, ids), "attention_mask": torch.ones_like(ids), "labels": labels})
    return out


def seconds_per_step(model, data: list[dict]) -> float:
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-4)
    model.train()
    started = time.perf_counter()
    for batch in data:
        loss = model(**batch)["loss"]
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
    return (time.perf_counter() - started) / len(data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--layers", type=int, default=4)
    parser.add_argument("--hidden", type=int, default=256)
    parser.add_argument("--vocab", type=int, default=24000)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--length", type=int, default=128)
    parser.add_argument("--steps", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    config = BertConfig(
        vocab_size=args.vocab,
        hidden_size=args.hidden,
        num_hidden_layers=args.layers,
        num_attention_heads=args.hidden // 64,
        intermediate_size=4 * args.hidden,
    )
    torch.manual_seed(0)
    full = BertForMaskedLM(config)
    masked_only = copy.deepcopy(full)
    predict_masked_only(masked_only)
    data = batches(args.vocab, args.batch, args.length, args.steps)
    seconds_per_step(copy.deepcopy(full), data[:1])  # warm-up
    times: dict[str, list[float]] = {"BertForMaskedLM (head on every position)": [], "masked-only head": []}
    for _ in range(args.rounds):
        times["BertForMaskedLM (head on every position)"].append(seconds_per_step(full, data))
        times["masked-only head"].append(seconds_per_step(masked_only, data))
    tokens = args.batch * args.length
    print(
        f"{args.layers} layers x {args.hidden}, vocabulary {args.vocab}, batches {args.batch}x{args.length}, "
        f"{args.steps} steps x {args.rounds} rounds, torch threads {torch.get_num_threads()}"
    )
    best = {name: min(values) for name, values in times.items()}
    for name, seconds in best.items():
        print(f"  {name:42s} {seconds:6.2f} s/step  {tokens / seconds:7.0f} tokens/s")
    full_s, masked_s = best.values()
    print(f"  ratio (masked-only / full) in tokens/s: {full_s / masked_s:.2f}x")


if __name__ == "__main__":
    main()
