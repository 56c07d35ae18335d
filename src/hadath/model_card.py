"""The model card of a fine-tuned checkpoint (``checkpoint/README.md``), in the Hugging Face layout.

YAML front matter (language, library, pipeline tag, base model, licence) and then: the model,
the data and its split sizes, the schema, the training, the dev scores with their 95% bootstrap
intervals, intended use and limits, the licences of the data, how to use it, and the resolved
config. Written by train.py from what the run actually did, so the folder can be pushed to a
model hub as it is.
"""

from __future__ import annotations

from pathlib import Path

from omegaconf import DictConfig, OmegaConf

from hadath.schema import Schema


def _hub_id(name_or_path: str) -> str | None:
    """A base model's hub id, or None for a local folder or the offline tiny model."""
    if name_or_path == "tiny" or name_or_path.startswith((".", "/", "~")) or name_or_path.count("/") > 1:
        return None
    return name_or_path


def _sizes(docs: list) -> str:
    events = sum(len(d.events) for d in docs)
    arguments = sum(len(e.arguments) for d in docs for e in d.events)
    return f"{len(docs)} documents, {events} events, {arguments} arguments"


def _files(node) -> str:
    """A split's file(s) as the card shows them: relative to the repository when inside it."""
    from hadath.data import split_paths
    from hadath.pretraining.card import shown

    paths = split_paths(node)
    return ", ".join(f"`{shown(p)}`" for p in ([paths] if isinstance(paths, str) else paths))


def _ci(intervals: dict, section: str, key: str) -> str:
    from hadath.intervals import interval_text

    return interval_text(intervals.get(section, {}).get(key), missing="n/a")


def checkpoint_card(
    cfg: DictConfig, schema: Schema, splits: dict, report: dict, seconds: float, data_terms: str, settings: dict
) -> str:
    """The README.md of a checkpoint trained by ``cfg`` on ``splits`` with dev ``report``."""
    base = str(cfg.model.name_or_path)
    hub = _hub_id(base)
    stages = list(cfg.task.stages)
    front = ["---", "language:", "- ar", "library_name: transformers", "pipeline_tag: token-classification"]
    front += ["tags:", "- hadath", "- event-extraction", "- arabic", "- conflict-events"]
    if hub:
        front.append(f"base_model: {hub}")
    front += ["license: other" if data_terms else "license: apache-2.0", "metrics:", "- f1", "---", ""]
    intervals = report.get("intervals", {})
    if not schema.roles:  # token-level data (CoNLL, AQMAR): a span tagger, not an event extractor
        return "\n".join(front + span_tagger_card(cfg, schema, splits, report, seconds, base))
    lines = [
        "# hadath conflict-event extractor",
        "",
        "Finds conflict events in Arabic news: each trigger with its event type, and (when the",
        "argument stage was trained) its arguments with their roles, as character offsets into the",
        "original text. The trigger tagger in this folder loads in",
        '`transformers.pipeline("token-classification")`; the full extractor loads with hadath.',
        "",
        "## Model",
        "",
        f"- Base model: `{base}`" + ("" if hub else " (a local folder or the offline `tiny` model)"),
        f"- Stages: {', '.join(stages)}",
        f"- Schema: `{schema.id}`, {len(schema.event_types)} event types ({', '.join(schema.event_types)}), "
        f"{len(schema.roles)} roles ({', '.join(schema.roles)})",
    ]
    if "arguments" in stages:
        shared = "one encoder shared with the trigger tagger" if settings.get("shared_encoder") else "its own encoder"
        lines.append(
            f"- Argument tagger: {shared}; decoding `{settings.get('decoding')}`, prompt `{settings.get('prompt')}`, "
            f"marker initialisation `{settings.get('marker_init')}`, O weight {settings.get('o_weight')}"
        )
    lines += [
        "",
        "## Data",
        "",
        f"- Format: `{cfg.data.format}`",
        f"- Train ({_files(cfg.data.train)}): {_sizes(splits['train'])}",
        f"- Dev ({_files(cfg.data.dev)}): {_sizes(splits['dev'])}; the best epoch was chosen on it",
        "",
        "## Training",
        "",
        f"- Wall clock: {seconds / 60:.1f} minutes, both stages and the dev report",
        f"- Epochs {cfg.trainer.num_train_epochs}, learning rate {cfg.trainer.learning_rate}, "
        f"batch {cfg.trainer.per_device_train_batch_size}, warm-up {cfg.trainer.warmup_steps}, seed {cfg.seed}",
        f"- Window: {cfg.preprocessing.max_length} sub-tokens; the full resolved config is below and in `config.yaml`",
        "",
        "## Dev results",
        "",
        f"{report.get('documents', 0)} dev documents, {report.get('mode', '')}; 95% bootstrap intervals over "
        "documents (1000 resamples). The full report is `dev_report.json`.",
        "",
        "| score | F1 | 95% CI |",
        "|---|---|---|",
        f"| triggers, micro | {report['micro']['f1']:.3f} | {_ci(intervals, 'triggers', 'micro')} |",
    ]
    if "roles" in report:
        lines.append(
            f"| roles given gold triggers, micro | {report['roles']['micro']['f1']:.3f} | "
            f"{_ci(intervals, 'roles', 'micro')} |"
        )
    if "events" in report:
        for level in ("TI", "TC", "AI", "AC"):
            lines.append(
                f"| event level {level} | {report['events'][level]['f1']:.3f} | {_ci(intervals, 'events', level)} |"
            )
    lines += ["", "| event type | F1 | 95% CI | support |", "|---|---|---|---|"]
    for label, m in report.get("per_label", {}).items():
        lines.append(f"| {label} | {m['f1']:.3f} | {_ci(intervals, 'triggers', label)} | {m['support']} |")
    lines += [
        "",
        "## Intended use and limits",
        "",
        "- For finding conflict and security events (attacks, bombings, shelling, clashes, killings, injuries,",
        "  arrests, abductions, military operations, protests, displacement) in Modern Standard Arabic news,",
        "  as a first pass that analysts check. It is not a source of truth on any event.",
        "- Scores above are on the dev split the best epoch was chosen on, so they are optimistic; read the",
        "  test scores of `evaluate.py`. Constructed articles are easier than real reporting: a model trained",
        "  or measured only on them does markedly worse on real news (see the hadath README, Results).",
        "- Evaluated only on Arabic news text of the kind above: not on dialects, social media, other",
        "  languages, or events outside the schema. Arguments are much weaker than triggers.",
        "",
        "## Licences",
        "",
    ]
    if data_terms:
        lines += [
            "This model was trained on data with its own terms, repeated in full in `DATA-TERMS.md` beside this",
            "card. Anyone using or sharing the model must keep to them (for the real-news corpus: non-commercial,",
            "share-alike, with the citations).",
        ]
    else:
        lines.append("The training data came with no licence file; check its terms before sharing this model.")
    if hub:
        lines.append(f"The base model `{hub}` has its own licence on its model page.")
    lines += [
        "",
        "## How to use",
        "",
        "```python",
        "from hadath.inference import Extractor",
        "",
        'extractor = Extractor.from_pretrained("path/to/this/folder")',
        "for event in extractor.predict(text):",
        "    print(event.type, event.trigger.text, [(a.role, a.span.text) for a in event.arguments])",
        "```",
        "",
        "or `python predict.py checkpoint=path/to/this/folder article=article.txt [format=html]`.",
        "",
        *config_block(cfg),
    ]
    return "\n".join(front + lines) + "\n"


def span_tagger_card(cfg: DictConfig, schema: Schema, splits: dict, report: dict, seconds: float, base: str):
    """The card's body for a tagger trained on token-level labels (no events, no roles)."""
    lines = [
        "# hadath span tagger",
        "",
        f"Tags spans of {len(schema.event_types)} labels ({', '.join(schema.event_types)}) in Arabic text.",
        "",
        f"- Base model: `{base}`",
        f"- Data: train {len(splits['train'])} documents, dev {len(splits['dev'])} documents (`{cfg.data.format}`)",
        f"- Training: {seconds / 60:.1f} minutes, {cfg.trainer.num_train_epochs} epochs, seed {cfg.seed}",
        f"- Dev micro-F1 {report['micro']['f1']:.3f} ({report.get('mode', '')}); full report in `dev_report.json`",
        "- Evaluated only on the dev split above; check the data's own licence before sharing the model.",
        "",
        *config_block(cfg),
    ]
    return [*lines, ""]


def config_block(cfg: DictConfig) -> list[str]:
    """The card's last section: the resolved training config."""
    return ["## Resolved training config", "", "```yaml", OmegaConf.to_yaml(cfg, resolve=True).rstrip(), "```"]


def write_card(checkpoint: Path, *args) -> None:
    from hadath.io.atomic import atomic_write_text

    atomic_write_text(Path(checkpoint) / "README.md", checkpoint_card(*args))
