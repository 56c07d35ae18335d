"""The pre-trained model's card (README.md) and its perplexity curve (perplexity.png)."""

from __future__ import annotations

import math
import os
import sys
from pathlib import Path

from omegaconf import DictConfig, OmegaConf

from hadath.io.atomic import atomic_write_text


def run_command() -> str:
    """The command line that produced this run, as Hydra recorded it (or as Python was called)."""
    try:
        from hydra.core.hydra_config import HydraConfig

        overrides = list(HydraConfig.get().overrides.task)
        return " ".join(["python pretrain.py", *overrides])
    except ValueError:  # not under @hydra.main (tests, notebooks)
        return " ".join(["python", *sys.argv])


def plot_curve(history: list[dict], out: Path) -> None:
    """Training loss and held-out perplexity against steps, from the Trainer's log history."""
    from hadath.plots import pyplot, save_figure

    plt = pyplot()
    train = [(h["step"], h["loss"]) for h in history if "loss" in h]
    heldout = [(h["step"], math.exp(min(h["eval_loss"], 50))) for h in history if "eval_loss" in h]
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.6))
    if train:
        left.plot(*zip(*train), color="tab:blue")
    left.set(title="training MLM loss", xlabel="step", ylabel="cross-entropy")
    if heldout:
        right.plot(*zip(*heldout), marker="o", color="tab:red")
        right.set_yscale("log")
    right.set(title="held-out perplexity", xlabel="step", ylabel="perplexity (log scale)")
    for axis in (left, right):
        axis.grid(alpha=0.3)
    fig.tight_layout()
    save_figure(fig, out)


def shown(path) -> str:
    """A path as the card shows it: relative to the repository when near it, so cards do not name one machine."""
    from hadath.config import ROOT

    relative = os.path.relpath(Path(path).resolve(), ROOT)
    return relative if relative.count("..") <= 1 else str(path)


def provenance_notes(files: list[str]) -> list[str]:
    """The PROVENANCE.md beside each corpus file (one per folder), or a line saying there is none."""
    notes, seen = [], set()
    for file in files:
        folder = Path(file).parent
        if folder in seen:
            continue
        seen.add(folder)
        provenance = folder / "PROVENANCE.md"
        if provenance.is_file():
            body = provenance.read_text(encoding="utf-8").strip()
            notes.append(f"From `{shown(provenance)}`:\n\n" + "\n".join("> " + line for line in body.splitlines()))
        else:
            notes.append(f"No PROVENANCE.md beside `{shown(folder)}`: the licence of that data is not recorded here.")
    return notes


def write_card(out: Path, cfg: DictConfig, stats, metrics: dict, model) -> None:
    config = model.config
    params = sum(p.numel() for p in model.base_model.parameters())
    scratch = str(cfg.model.name_or_path) == "scratch"
    tokenizer_line = (
        f"WordPiece, {config.vocab_size} pieces, built deterministically from the training documents "
        "(hadath.modeling.wordpiece_vocab)"
        if scratch
        else f"the tokenizer of `{cfg.model.name_or_path}`, unchanged ({config.vocab_size} pieces)"
    )
    if not scratch:
        start = f"`{cfg.model.name_or_path}`, continued"
    elif cfg.mlm.embeddings_init == "skipgram":
        start = "new (random layers, skip-gram token embeddings)"
    else:
        start = "new (random layers)"
    budget = " (stopped by max_minutes)" if metrics["stopped_by_time_budget"] else ""
    lines = [
        f"# {cfg.card_name or out.name.removesuffix('.partial')}: a {config.model_type.upper()} encoder pre-trained by hadath",
        "",
        "An encoder for fine-tuning with hadath (`python train.py model.name_or_path=<this folder>`) or "
        "any transformers token-classification code. It was trained with masked-language modelling only; "
        "it has no task head.",
        "",
        "## Model",
        "",
        f"- Start: {start}",
        f"- Size: {config.num_hidden_layers} layers, hidden size {config.hidden_size}, "
        f"{config.num_attention_heads} heads, feed-forward {config.intermediate_size}; "
        f"{params / 1e6:.1f} M encoder parameters; weights stored as {cfg.save_dtype}",
        f"- Tokenizer: {tokenizer_line}",
        f"- Text normalisation before tokenising: {dict(cfg.normalize)} (hadath's fine-tuning default)",
        "",
        "## Training",
        "",
        f"- {metrics['steps']} steps{budget}, {metrics['tokens_seen'] / 1e6:.1f} M tokens seen, "
        f"sequences of {cfg.mlm.seq_length} tokens, batch {cfg.trainer.per_device_train_batch_size}, "
        f"learning rate {cfg.trainer.learning_rate} ({cfg.trainer.lr_scheduler_type})",
        f"- Masking: {cfg.mlm.mask_probability:.0%} of {'whole words' if cfg.mlm.whole_word else 'tokens'} "
        "(80% [MASK], 10% random, 10% unchanged)",
        f"- Wall clock: {metrics['minutes']:.0f} minutes",
        f"- Held-out MLM loss {metrics['heldout_loss']:.3f}, perplexity **{metrics['heldout_perplexity']:.1f}** "
        f"({stats.heldout_documents} held-out documents, never trained on)",
        "",
        "![training loss and held-out perplexity](perplexity.png)",
        "",
        "## Data",
        "",
        f"{stats.train_documents} training documents ({stats.train_words / 1e6:.2f} M words) from:",
        "",
        *[f"- `{shown(f)}`" for f in stats.files],
        "",
        f"{stats.excluded_documents} documents were excluded by `corpus.exclude` "
        "(for example the dev and test articles of an annotated split).",
        "",
        "### Licences and citations of the data",
        "",
        "This model is derived from the data below and carries its terms.",
        "",
        *[note + "\n" for note in provenance_notes(stats.files)],
        "## Reproduce",
        "",
        "```bash",
        run_command(),
        "```",
        "",
        "The resolved configuration:",
        "",
        "```yaml",
        OmegaConf.to_yaml(cfg, resolve=True).strip(),
        "```",
        "",
    ]
    atomic_write_text(out / "README.md", "\n".join(lines))
