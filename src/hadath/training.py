"""train(cfg): fit the trigger tagger (and the argument tagger) with the HF Trainer; write a checkpoint.

The checkpoint's layout and metadata are ``hadath.checkpoint``'s.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import shutil
import time
from pathlib import Path

from omegaconf import DictConfig, OmegaConf

from hadath import __version__
from hadath.arguments import ArgumentSettings, marker_tokens
from hadath.checkpoint import ARGUMENTS_DIR, WEIGHTS_FILE, read_meta, remove_pickles, stage_dir
from hadath.checkpoint import write_meta as write_stage_meta
from hadath.config import check_settings, training_argument_names
from hadath.data import (
    argument_rows,
    load_documents,
    read_conll_split,
    reader_options,
    split_paths,
    trigger_rows,
)
from hadath.errors import UserError
from hadath.features import AlignmentStats, Preprocessing, b_to_i_map, tokenize_and_align
from hadath.io.atomic import atomic_write_text
from hadath.io.jsonl import StoredDocuments
from hadath.schema import Schema

log = logging.getLogger(__name__)
STAGES = ("triggers", "arguments")


def train(cfg: DictConfig) -> dict:
    """Train the stages of ``cfg.task.stages`` and return their best dev metrics plus the checkpoint path."""
    from transformers import set_seed

    started = time.time()
    set_seed(cfg.seed)
    world = int(os.environ.get("WORLD_SIZE", "1"))  # set by torchrun and accelerate launch
    if world > 1 and os.environ.get("RANK", "0") == "0":
        log.info("distributed training: %d processes; rank 0 writes the checkpoint and reports", world)
    unknown = [s for s in cfg.task.stages if s not in STAGES]
    if unknown:
        raise UserError(f"task.stages has unknown stage(s) {unknown}; known: {list(STAGES)}")
    schema, splits = load_splits(cfg)
    check_settings(cfg.preprocessing, [f.name for f in dataclasses.fields(Preprocessing)], "preprocessing")
    check_settings(cfg.trainer, training_argument_names(), "trainer")
    check_settings(cfg.model, ["name_or_path", "max_length", "normalizer", "finetune", "tiny", "scratch"], "model")
    check_settings(cfg.model.get("finetune") or {}, FINETUNE_KEYS, "model.finetune")
    check_settings(
        cfg.data, ["format", "train", "dev", "test", "options", "dir"], "data"
    )  # dir: a folder the splits name
    check_settings(cfg.task, ["stages", "triggers_from"], "task")
    check_settings(cfg.arguments, [f.name for f in dataclasses.fields(ArgumentSettings)], "arguments")
    check_precision(cfg.trainer)
    prep = Preprocessing(**cfg.preprocessing)
    settings = ArgumentSettings(**cfg.arguments)
    base = base_model_path(cfg.model, splits["train"])
    run = Path(cfg.paths.output_dir)
    checkpoint = run / "checkpoint"
    staging = checkpoint.with_name("checkpoint.partial")  # renamed to checkpoint/ once complete
    resume = bool(cfg.get("resume", False))
    check_resume(run, resume)
    if not resume:
        shutil.rmtree(staging, ignore_errors=True)
    results: dict = {"checkpoint": str(checkpoint)}
    histories: dict[str, list] = {}  # each Trainer's log history: loss and dev F1 per epoch
    is_main = True
    if "triggers" not in cfg.task.stages:
        copy_trigger_tagger(Path(cfg.task.triggers_from), staging)
    if settings.shared_encoder:
        if list(cfg.task.stages) != list(STAGES):
            raise UserError("arguments.shared_encoder=true trains both taggers together: use task=events")
        staged, is_main, histories["joint"] = train_joint(base, schema, splits, prep, settings, cfg, staging)
        results |= staged
    for stage in [] if settings.shared_encoder else cfg.task.stages:
        out = stage_dir(staging, stage)
        done = run / "trainer" / f"{stage}.done.json"
        if resume and done.is_file() and (out / "hadath.json").is_file():
            log.info("resume: the %s tagger was complete before the interruption; kept", stage)
            finished = json.loads(done.read_text())
            results[stage], histories[stage] = finished["metrics"], finished["history"]
            continue
        metrics, is_main, histories[stage] = train_stage(stage, base, schema, splits, prep, settings, cfg, out)
        results[stage] = metrics
        if is_main and len(cfg.task.stages) > 1:  # what a resumed run needs to skip this stage
            done.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_text(done, json.dumps({"metrics": metrics, "history": histories[stage]}))
    if is_main:
        write_checkpoint_extras(staging, cfg, schema, prep)
        if checkpoint.exists():
            log.warning("replacing the checkpoint of an earlier run in %s", checkpoint)
            shutil.rmtree(checkpoint)
        staging.rename(checkpoint)
        for done in (run / "trainer").glob("*.done.json"):
            done.unlink()
        if (run / "trainer").is_dir() and not any((run / "trainer").iterdir()):
            (run / "trainer").rmdir()
        results["dev_report"] = dev_report(checkpoint, splits["dev"], cfg)
        write_curves(run, histories)
        from hadath.model_card import write_card

        write_card(
            checkpoint,
            cfg,
            schema,
            splits,
            results["dev_report"],
            time.time() - started,
            data_terms(cfg),
            dataclasses.asdict(settings),
        )
        log.info(summary_line(results, time.time() - started))
        for warning in learned_nothing(results["dev_report"], cfg):
            log.warning(warning)
    return results


class PaddingCount:
    """The Trainer's collator, counting how many of the positions in the batches it builds are padding."""

    def __init__(self, collator):
        self.collator, self.real, self.total = collator, 0, 0

    def __call__(self, features):
        batch = self.collator(features)
        mask = batch["attention_mask"]
        self.real += int(mask.sum())
        self.total += mask.numel()
        return batch

    def summary(self, sampling: str) -> str:
        share = 1 - self.real / self.total if self.total else 0.0
        return (
            f"{share:.1%} of the {self.total:,} positions in the training and dev batches were padding "
            f"(trainer.train_sampling_strategy={sampling})"
        )


def fit(trainer, scratch: Path, resume: bool) -> None:
    """``trainer.train()``, from the last complete checkpoint under ``scratch`` when resuming; then the
    padding share of the batches its ``PaddingCount`` collator built, in the log."""
    trainer.train(resume_from_checkpoint=last_checkpoint(scratch) if resume else None)
    log.info("padding: %s", trainer.data_collator.summary(trainer.args.train_sampling_strategy))


def check_precision(trainer: DictConfig) -> None:
    """One line, before any data work, when the machine cannot train in the precision asked for."""
    import torch

    bf16, fp16 = bool(trainer.get("bf16")), bool(trainer.get("fp16"))
    if bf16 and fp16:
        raise UserError("trainer.bf16 and trainer.fp16 are both true: choose one")
    if not (bf16 or fp16) or trainer.get("use_cpu"):
        if fp16:
            raise UserError("trainer.fp16=true needs a GPU, but trainer.use_cpu=true: use trainer.bf16=true on CPU")
        return
    if not torch.cuda.is_available():
        raise UserError(
            f"trainer.{'bf16' if bf16 else 'fp16'}=true on a GPU, but this machine has none (torch.cuda.is_available() "
            "is False): use trainer=cpu, or run where a GPU is"
        )
    if bf16 and not torch.cuda.is_bf16_supported():
        raise UserError(f"{torch.cuda.get_device_name()} cannot compute in bf16: use trainer=gpu-fp16")


def check_resume(run: Path, resume: bool) -> None:
    """Refuse to start a new run over the Trainer checkpoints of an interrupted one (they would be
    mixed with the new run's), and to resume a run that left none."""
    found = sorted(str(p.parent) for p in (run / "trainer").glob("*/checkpoint-*/trainer_state.json"))
    finished = (run / "checkpoint").is_dir()  # a finished run may keep them (keep_trainer_checkpoints)
    if found and not resume and not finished:
        raise UserError(
            f"{run} holds the checkpoints of an interrupted run ({found[0]}): resume=true continues it; "
            "or give another hydra.run.dir, or delete that folder"
        )
    if resume and not found and not (run / "checkpoint.partial").is_dir():
        raise UserError(f"resume=true but {run} holds no interrupted run (no {run / 'trainer'}/*/checkpoint-*)")


def last_checkpoint(scratch: Path) -> str | None:
    """The Trainer's latest complete epoch checkpoint under ``scratch``, or None to start the stage afresh."""
    if not scratch.is_dir():
        return None
    folders = sorted(scratch.glob("checkpoint-*"), key=lambda p: int(p.name.rpartition("-")[2]), reverse=True)
    for folder in folders:
        if all((folder / name).is_file() for name in COMPLETE_CHECKPOINT):
            log.info("resume: continuing from %s", folder)
            return str(folder)
        # A kill while the Trainer was writing it: unusable, and in the way of the run's rotation.
        log.warning("resume: %s was cut short by the interruption; removed", folder)
        shutil.rmtree(folder)
    return None


# What a Trainer epoch checkpoint holds once it is completely written (weights aside).
COMPLETE_CHECKPOINT = ("trainer_state.json", "optimizer.pt", "scheduler.pt")


def write_curves(run: Path, histories: dict[str, list]) -> None:
    """``training_history.json`` (each Trainer's log history) and ``training_curves.png`` in the run folder."""
    from hadath.plots import training_curves

    atomic_write_text(run / "training_history.json", json.dumps(histories, indent=2))
    training_curves(histories, run / "training_curves.png")


def copy_trigger_tagger(source: Path, staging: Path) -> None:
    """Start a checkpoint from the trigger tagger of an earlier one (task=arguments)."""
    read_meta(source)  # fails with a clear message when source is not a checkpoint
    shutil.copytree(source, staging, ignore=shutil.ignore_patterns(ARGUMENTS_DIR, "dev_report.json"))


def load_splits(cfg: DictConfig) -> tuple[Schema, dict]:
    """The schema and the train/dev documents; token-level data brings its own label set."""
    options = reader_options(cfg.data)
    if cfg.data.format == "conll":
        splits, types = {}, set()
        for split in ("train", "dev"):
            splits[split], labels = read_conll_split(split_paths(cfg.data[split]), options)
            types |= set(labels)
        return Schema("conll", 1, {}, {t: () for t in sorted(types)}), splits
    schema = Schema.from_dict(OmegaConf.to_container(cfg.schema, resolve=True), source="cfg.schema")
    # The train split stays on disk (read again on each pass: memory flat in corpus size); dev is
    # decoded at every evaluation and held.
    splits = {
        split: load_documents(split_paths(cfg.data[split]), schema, cfg.data.format, split == "train", **options)
        for split in ("train", "dev")
    }
    skipped = [line for docs in splits.values() for line in getattr(docs, "skipped", [])]
    if skipped:  # data.options.on_error=skip: say loudly what was left out, and keep the list
        report = Path(cfg.paths.output_dir) / "skipped.txt"
        atomic_write_text(report, "\n".join(skipped) + "\n")
        log.warning(
            "on_error=skip: %d annotation violation(s) left documents out of training; see %s", len(skipped), report
        )
    return schema, splits


def base_model_path(model_cfg: DictConfig, train_docs: list) -> str:
    """The hub id or directory to fine-tune; builds the offline tiny model when asked for ``tiny``."""
    if model_cfg.name_or_path == "scratch":
        raise UserError(
            "model=scratch is a new, untrained encoder for pretrain.py; fine-tune a pre-trained one: "
            "model=news-small, model.name_or_path=<pretrain run>/model, or model=tiny"
        )
    if model_cfg.name_or_path != "tiny":
        return str(model_cfg.name_or_path)
    from hadath.modeling import build_tiny

    settings = OmegaConf.to_container(model_cfg.tiny, resolve=True)
    return str(build_tiny([d.text for d in train_docs], **settings))


def train_stage(
    stage: str,
    base: str,
    schema: Schema,
    splits: dict,
    prep: Preprocessing,
    settings: ArgumentSettings,
    cfg: DictConfig,
    out: Path,
) -> tuple[dict, bool, list]:
    """Fine-tune one tagger, keep the best epoch by dev micro-F1 and save it to ``out``."""
    from hydra.utils import instantiate
    from transformers import DataCollatorForTokenClassification, Trainer

    from hadath.modeling import load_token_classifier, load_tokenizer, quiet_loading

    labels = schema.trigger_labels if stage == "triggers" else schema.role_labels
    tokenizer = load_tokenizer(base)
    model = load_token_classifier(base, labels)
    if stage == "arguments":
        add_markers(model, tokenizer, schema, settings, prep)
    datasets = {split: stage_dataset(stage, split, splits, tokenizer, prep, schema, settings, cfg) for split in SPLITS}
    scratch = Path(cfg.paths.output_dir) / "trainer" / stage
    args = instantiate(cfg.trainer, output_dir=str(scratch), seed=cfg.seed)
    trainer = Trainer(
        model=model,
        args=args,
        train_dataset=datasets["train"],
        eval_dataset=datasets["dev"],
        data_collator=PaddingCount(DataCollatorForTokenClassification(tokenizer)),
        processing_class=tokenizer,
        # hadath's own token loss for both stages: the models' built-in one takes a per-rank mean that the
        # Trainer, seeing **kwargs in forward, then scales by the number of ranks (doubling gradients on 2)
        compute_loss_func=weighted_loss(labels.index("O"), settings.o_weight if stage == "arguments" else 1.0),
        compute_metrics=dev_metrics(
            stage, model, tokenizer, prep, schema, splits["dev"], cfg.eval_batch_size, settings
        ),
    )
    fit(trainer, scratch, bool(cfg.get("resume", False)))
    best = trainer.evaluate()
    if trainer.is_world_process_zero():
        with quiet_loading():
            trainer.save_model(str(out))
        remove_pickles(out)  # the Trainer's training_args.bin: a checkpoint ships no pickle
        tokenizer.save_pretrained(str(out))
        write_meta(out, stage, schema, prep, cfg, labels, settings)
        if not cfg.get("keep_trainer_checkpoints", False):
            shutil.rmtree(scratch, ignore_errors=True)
            if not any(scratch.parent.iterdir()):
                scratch.parent.rmdir()
    metrics = {k.removeprefix("eval_"): v for k, v in best.items()}
    return metrics, trainer.is_world_process_zero(), trainer.state.log_history


SPLITS = ("train", "dev")


def stage_dataset(
    stage: str,
    split: str,
    splits: dict,
    tokenizer,
    prep: Preprocessing,
    schema: Schema,
    settings: ArgumentSettings,
    cfg: DictConfig,
):
    """One tagger's rows of one split, tokenised and aligned: a ``datasets.Dataset`` on disk.

    The rows stream into an Arrow file (``Dataset.from_generator``) and tokenisation writes
    another beside it, so memory stays flat however large the corpus. Both are cached under
    ``$HADATH_CACHE/datasets`` by a fingerprint of what made them (the documents, the
    tokenizer, the preprocessing and argument settings, the schema and hadath's own code): a
    second run on the same data reads them back instead of preparing again.
    """
    from datasets import Dataset, Features, Sequence, Value
    from datasets.exceptions import DatasetGenerationError

    from hadath.modeling import cache_dir

    labels = schema.trigger_labels if stage == "triggers" else schema.role_labels
    label2id = {label: i for i, label in enumerate(labels)}
    docs = splits[split]
    key = rows_fingerprint(stage, docs, tokenizer, prep, schema, settings)
    cache = cache_dir() / "datasets"
    note = cache / "rows" / f"{key}.json"
    stats = AlignmentStats()

    def rows():
        if stage == "triggers":
            made = trigger_rows(docs, tokenizer, prep, label2id, stats)
        else:
            negatives = settings.negatives and split == "train"
            made = argument_rows(docs, tokenizer, prep, label2id, stats, schema, settings, negatives)
        empty = True
        for row in made:
            empty = False
            yield row
        if empty:
            raise UserError(f"{stage}: the {split} split gives no examples ({cfg.data[split]})")
        atomic_write_text(note, json.dumps({"summary": stats.summary(), "examples": stats.examples[:5]}))

    features = Features({"words": Sequence(Value("string")), "word_labels": Sequence(Value("int64"))})
    try:
        dataset = Dataset.from_generator(rows, features=features, cache_dir=str(cache), fingerprint=key)
    except DatasetGenerationError as err:  # a UserError raised while building rows, wrapped by datasets
        if isinstance(err.__cause__, UserError):
            raise err.__cause__ from None
        raise
    found = json.loads(note.read_text(encoding="utf-8")) if note.is_file() else {"summary": "", "examples": []}
    log.info("%s %s: %d examples; %s", stage, split, len(dataset), found["summary"] or "alignment report lost")
    for example in found["examples"]:
        log.info("  %s", example)
    return dataset.map(
        tokenize_and_align,
        batched=True,
        remove_columns=["words", "word_labels"],
        desc=f"tokenise {stage} {split}",
        fn_kwargs={"tokenizer": tokenizer, "prep": prep, "b_to_i": b_to_i_map(label2id)},
        new_fingerprint=hashlib.sha256(f"{key} tokenised".encode()).hexdigest()[:32],
    )


def rows_fingerprint(stage: str, docs, tokenizer, prep: Preprocessing, schema: Schema, settings) -> str:
    """A hash of everything a tagger's training rows depend on, for the ``datasets`` cache."""
    digest = hashlib.sha256(f"{stage}\n{__version__}".encode())
    for source in sorted(Path(__file__).parent.rglob("*.py")):  # the code that builds rows, as it is now
        digest.update(source.read_bytes())
    vocabulary = json.loads(tokenizer.backend_tokenizer.to_str())
    for state in ("truncation", "padding"):  # set by the last call, not part of what the tokenizer is
        vocabulary.pop(state, None)
    digest.update(json.dumps(vocabulary, sort_keys=True).encode())
    digest.update(json.dumps([dataclasses.asdict(prep), dataclasses.asdict(settings)], sort_keys=True).encode())
    digest.update(repr(schema).encode())
    if isinstance(docs, StoredDocuments):
        digest.update(docs.digest().encode())  # the lines as stored: no parsing
    else:
        for doc in docs:
            digest.update(json.dumps(doc.to_dict(), sort_keys=True, ensure_ascii=False).encode())
    return digest.hexdigest()[:32]


def train_joint(
    base: str, schema: Schema, splits: dict, prep: Preprocessing, settings: ArgumentSettings, cfg: DictConfig, staging
) -> tuple[dict, bool, list]:
    """``arguments.shared_encoder=true``: one encoder, a trigger head and a role head, fitted together on
    trigger rows and argument rows mixed (``hadath.joint``). The kept epoch has the best mean of the
    trigger micro-F1 and the role micro-F1 on dev. The encoder is saved once, with the trigger head;
    ``arguments/`` holds the role head alone."""
    from datasets import concatenate_datasets
    from hydra.utils import instantiate
    from safetensors.torch import save_file
    from transformers import DataCollatorForTokenClassification, Trainer

    from hadath.joint import ARGUMENTS, TRIGGERS, JointTagger
    from hadath.modeling import load_token_classifier, load_tokenizer, quiet_loading

    tokenizer = load_tokenizer(base)
    model = load_token_classifier(base, schema.trigger_labels)
    add_markers(model, tokenizer, schema, settings, prep)
    joint = JointTagger(model, schema.role_labels, settings.o_weight)
    datasets = {}
    for split in SPLITS:
        parts = []
        for stage, task in (("triggers", TRIGGERS), ("arguments", ARGUMENTS)):
            part = stage_dataset(stage, split, splits, tokenizer, prep, schema, settings, cfg)
            parts.append(part.add_column("task", [task] * len(part)))
        datasets[split] = concatenate_datasets(parts)
    scratch = Path(cfg.paths.output_dir) / "trainer" / "joint"
    trainer = Trainer(
        model=joint,
        args=instantiate(cfg.trainer, output_dir=str(scratch), seed=cfg.seed),
        train_dataset=datasets["train"],
        eval_dataset=datasets["dev"],
        data_collator=PaddingCount(DataCollatorForTokenClassification(tokenizer)),
        processing_class=tokenizer,
        compute_metrics=joint_metrics(joint, tokenizer, prep, schema, splits["dev"], cfg.eval_batch_size, settings),
    )
    fit(trainer, scratch, bool(cfg.get("resume", False)))
    best = {k.removeprefix("eval_"): v for k, v in trainer.evaluate().items()}
    if trainer.is_world_process_zero():
        arguments = stage_dir(staging, "arguments")
        arguments.mkdir(parents=True, exist_ok=True)
        with quiet_loading():
            model.save_pretrained(str(staging))
        tokenizer.save_pretrained(str(staging))
        write_meta(staging, "triggers", schema, prep, cfg, schema.trigger_labels, settings)
        save_file({k: v.contiguous() for k, v in joint.roles.state_dict().items()}, str(arguments / WEIGHTS_FILE))
        write_meta(arguments, "arguments", schema, prep, cfg, schema.role_labels, settings)
        if not cfg.get("keep_trainer_checkpoints", False):
            shutil.rmtree(scratch.parent, ignore_errors=True)
    split_up = {
        stage: {"f1": best[f"{stage}_f1"]} | {k: v for k, v in best.items() if not k.endswith("_f1")}
        for stage in ("triggers", "arguments")
    }
    return split_up, trainer.is_world_process_zero(), trainer.state.log_history


def joint_metrics(joint, tokenizer, prep: Preprocessing, schema: Schema, dev_docs: list, batch_size: int, settings):
    """``compute_metrics`` for joint training: both taggers scored as ``dev_report.json`` scores them."""
    from hadath.evaluation import stage_scores
    from hadath.inference import Extractor
    from hadath.tagging import Tagger

    def compute(_prediction) -> dict:
        extractor = Extractor(
            Tagger(joint.triggers, tokenizer, prep, batch_size),
            schema,
            arguments=Tagger(joint.roles, tokenizer, prep, batch_size),
            settings=settings,
        )
        triggers = stage_scores(extractor, dev_docs, "triggers")["f1"]
        arguments = stage_scores(extractor, dev_docs, "arguments")["f1"]
        return {"f1": (triggers + arguments) / 2, "triggers_f1": triggers, "arguments_f1": arguments}

    return once_across_ranks(compute, len(dev_docs))


def once_across_ranks(compute, documents: int):
    """``compute_metrics`` run by rank 0 alone, its scores sent to the other ranks.

    The dev scores come from decoding the dev documents (not from the Trainer's sharded
    predictions), so one rank covers the whole dev set, every document once; the others wait
    for its result, and all ranks then agree on the best epoch."""

    def on_rank_zero(prediction) -> dict:
        import torch.distributed as dist

        ranks = dist.get_world_size() if dist.is_available() and dist.is_initialized() else 1
        rank = dist.get_rank() if ranks > 1 else 0
        scores = None
        if rank == 0:
            scores = compute(prediction)
            log.info("dev scores: %d documents decoded by rank 0 of %d", documents, ranks)
        if ranks > 1:
            box = [scores]
            dist.broadcast_object_list(box, src=0)
            scores = box[0]
        return scores

    return on_rank_zero


# What configs/model/finetune/*.yaml set, and configs/trainer/*.yaml read.
FINETUNE_KEYS = ("learning_rate", "num_train_epochs", "per_device_train_batch_size", "warmup_steps")


def add_markers(model, tokenizer, schema: Schema, settings: ArgumentSettings, prep: Preprocessing) -> None:
    """Add the trigger markers to the tokenizer and the model's embeddings (``hadath.arguments``).

    ``marker_init=triggers`` starts each type's marker at the mean embedding of the sub-tokens of
    the schema's trigger examples for that type (the close marker at the mean over all types),
    rather than at random: the tagger starts out knowing which marker means what.
    """
    import torch

    markers = marker_tokens(schema)
    tokenizer.add_tokens(markers, special_tokens=True)
    model.resize_token_embeddings(len(tokenizer))
    if settings.marker_init == "random":
        return
    table = model.get_input_embeddings().weight
    means = []
    with torch.no_grad():
        for event_type in schema.event_types:
            words = [prep.normalize(w) for w in " ".join(schema.trigger_examples.get(event_type, ())).split()]
            ids = [i for piece in tokenizer(words, add_special_tokens=False)["input_ids"] for i in piece]
            if not ids:
                raise UserError(f"arguments.marker_init=triggers: the schema gives {event_type} no trigger examples")
            means.append(table[ids].mean(0))
            table[tokenizer.convert_tokens_to_ids(markers[len(means) - 1])] = means[-1]
        table[tokenizer.convert_tokens_to_ids(markers[-1])] = torch.stack(means).mean(0)


def weighted_loss(outside: int, o_weight: float):
    """The Trainer's ``compute_loss_func`` for token classification with label ``outside`` weighted: the
    summed loss over the labelled sub-tokens of the global batch (all ranks, all accumulation steps),
    divided by their count, so N processes of batch b train like one of batch N*b."""
    import torch

    def loss(outputs, labels, num_items_in_batch=None):
        logits = outputs.logits
        weight = torch.ones(logits.shape[-1], device=logits.device)
        weight[outside] = o_weight
        total = torch.nn.functional.cross_entropy(
            logits.reshape(-1, logits.shape[-1]).float(), labels.reshape(-1), weight=weight, reduction="sum"
        )
        count = num_items_in_batch if num_items_in_batch is not None else (labels != -100).sum()
        return total / count

    return loss


def dev_metrics(
    stage: str,
    model,
    tokenizer,
    prep: Preprocessing,
    schema: Schema,
    dev_docs: list,
    batch_size: int,
    settings: ArgumentSettings,
):
    """``compute_metrics`` for the Trainer: the model as it stands, scored on the dev documents by the
    code that writes ``dev_report.json`` (``evaluation.stage_scores``), not on sub-token argmax."""
    from hadath.evaluation import stage_scores
    from hadath.inference import Extractor
    from hadath.tagging import Tagger

    def compute(_prediction) -> dict:
        tagger = Tagger(model, tokenizer, prep, batch_size)
        if stage == "triggers":
            extractor = Extractor(tagger, schema)
        else:
            extractor = Extractor(None, schema, arguments=tagger, settings=settings)
        return stage_scores(extractor, dev_docs, stage)

    return once_across_ranks(compute, len(dev_docs))


def write_meta(
    out: Path,
    stage: str,
    schema: Schema,
    prep: Preprocessing,
    cfg: DictConfig,
    labels: list[str],
    settings: ArgumentSettings,
) -> None:
    from dataclasses import asdict

    extra = {"arguments": asdict(settings)} if stage == "arguments" else {}
    write_stage_meta(
        out,
        extra
        | {
            "hadath_version": __version__,
            "stage": stage,
            "schema": schema.to_dict(),
            "preprocessing": asdict(prep),
            "data_format": cfg.data.format,
            "data_options": reader_options(cfg.data),
            "labels": labels,
            "base_model": str(cfg.model.name_or_path),
        },
    )


def write_checkpoint_extras(checkpoint: Path, cfg: DictConfig, schema: Schema, prep: Preprocessing) -> None:
    atomic_write_text(checkpoint / "config.yaml", OmegaConf.to_yaml(cfg, resolve=True))
    meta = read_meta(checkpoint)
    meta["stages"] = ["triggers"] + [s for s in cfg.task.stages if s != "triggers"]
    write_stage_meta(checkpoint, meta)
    terms = data_terms(cfg)
    if terms:
        atomic_write_text(checkpoint / "DATA-TERMS.md", terms)


def data_terms(cfg: DictConfig) -> str:
    """The licences of the training data: every PROVENANCE.md beside a train or dev file, for the checkpoint.

    A model trained on licensed data carries its terms (the real-news corpus: CC BY-NC-SA 4.0 and
    the ANT citation licence); the checkpoint says so in DATA-TERMS.md.
    """
    found: dict[Path, str] = {}
    for split in ("train", "dev"):
        paths = split_paths(cfg.data[split])
        for path in [paths] if isinstance(paths, str) else paths:
            folder = Path(path) if Path(path).is_dir() else Path(path).parent
            provenance = folder / "PROVENANCE.md"
            if provenance.is_file():
                found[provenance.resolve()] = provenance.read_text(encoding="utf-8")
    if not found:
        return ""
    parts = [
        "# Terms of the data this model was trained on",
        "",
        "This checkpoint was trained on the data below and carries its licences and citations.",
        "",
    ]
    for path, text in found.items():
        parts += [f"From `{path}`:", "", text.strip(), ""]
    return "\n".join(parts)


def dev_report(checkpoint: Path, dev_docs: list, cfg: DictConfig) -> dict:
    """Evaluate the saved best model on dev with the same code as evaluate.py; saved in the checkpoint."""
    from hadath.evaluation import evaluate_documents
    from hadath.inference import Extractor

    extractor = Extractor.from_pretrained(checkpoint, batch_size=cfg.eval_batch_size)
    report, _, _ = evaluate_documents(extractor, dev_docs, split_name="dev", n_bootstrap=1000, seed=cfg.seed)
    atomic_write_text(checkpoint / "dev_report.json", json.dumps(report, ensure_ascii=False, indent=2))
    return report


def objective(report: dict, path: str) -> float:
    """The value at dotted ``path`` of a dev report (``micro.f1``, ``events.AC.f1``); UserError naming the
    keys there when the path does not exist, rather than a silent 0."""
    node = report
    for i, key in enumerate(path.split(".")):
        if not isinstance(node, dict) or key not in node:
            where = ".".join(path.split(".")[:i]) or "the dev report"
            keys = ", ".join(sorted(node)) if isinstance(node, dict) else "nothing (a number)"
            raise UserError(f"objective={path}: no {key!r} in {where}; it has {keys}")
        node = node[key]
    if not isinstance(node, (int, float)):
        raise UserError(f"objective={path} is not a number in the dev report")
    return float(node)


def learned_nothing(report: dict, cfg: DictConfig) -> list[str]:
    """Loud warnings for a tagger whose dev F1 is still 0: the checkpoint is useless as it stands."""
    scores = {"trigger tagger": report.get("micro", {}).get("f1")}
    if "roles" in report:
        scores["argument tagger"] = report["roles"]["micro"]["f1"]
    args = cfg.trainer
    hint = (
        f"it trained {args.get('num_train_epochs')} epoch(s) at learning rate {args.get('learning_rate')} "
        f"from {cfg.model.name_or_path}. Try more epochs (trainer.num_train_epochs=...), a higher learning rate "
        "for a randomly initialised or small model (trainer.learning_rate=1e-3 for model=tiny), or a pre-trained "
        "encoder (model=news-small)"
    )
    return [
        f"THE {name.upper()} LEARNED NOTHING: dev micro-F1 is 0.000 and its predictions are worthless; {hint}"
        for name, f1 in scores.items()
        if f1 == 0
    ]


def summary_line(results: dict, seconds: float) -> str:
    report = results.get("dev_report", {})
    parts = [f"dev trigger micro-F1 {report.get('micro', {}).get('f1', 0):.3f}"]
    if "events" in report:
        parts.append(f"event TC-F1 {report['events']['TC']['f1']:.3f} AC-F1 {report['events']['AC']['f1']:.3f}")
    return f"done in {seconds:.0f}s: " + ", ".join(parts) + f"; checkpoint: {results['checkpoint']}"
