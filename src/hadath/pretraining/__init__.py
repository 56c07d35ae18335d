"""pretrain(cfg): masked-language-model training of an encoder on unlabelled text, with the HF Trainer.

Two modes. ``model=scratch`` builds a new BERT: a deterministic WordPiece vocabulary
from the corpus, token embeddings optionally started from skip-gram vectors, random
layers. Any other model (``model=arabert-v02``, ``model.name_or_path=DIR``) is
continued with its own tokenizer: domain-adaptive pre-training.

A run writes into ``paths.output_dir``:

    init/       the starting encoder and tokenizer (scratch mode), reused by resume=true
    trainer/    the Trainer's checkpoints (every trainer.save_steps)
    model/      the result: loads in train.py model.name_or_path=<run>/model, with its
                model card (README.md), perplexity curve (perplexity.png) and pretrain.json
"""

from __future__ import annotations

import json
import logging
import math
import shutil
import time
from pathlib import Path

from omegaconf import DictConfig, OmegaConf
from transformers import TrainerCallback

from hadath.errors import UserError
from hadath.io.atomic import atomic_write_text
from hadath.pretraining.corpus import Corpus, CorpusStats
from hadath.pretraining.masking import MaskingCollator, pack, predict_masked_only

log = logging.getLogger(__name__)
INIT_DIR, TRAINER_DIR, MODEL_DIR = "init", "trainer", "model"
START_EVAL = "heldout_at_start.json"  # the starting encoder's held-out loss, kept for resumed runs


def pretrain(cfg: DictConfig) -> dict:
    """Pre-train as ``cfg`` says; returns the held-out metrics and where the model was written."""
    from hydra.utils import instantiate
    from transformers import Trainer, set_seed

    from hadath.config import check_settings, training_argument_names

    started = time.time()
    check_settings(cfg.trainer, training_argument_names(), "trainer")  # before hours of corpus work
    require_extras(cfg)
    set_seed(cfg.seed)
    run = Path(cfg.paths.output_dir)
    resume_from = resume_point(run / TRAINER_DIR, cfg.resume)
    corpus = Corpus(**OmegaConf.to_container(cfg.corpus, resolve=True))
    stats = corpus.scan()
    log.info(
        "corpus: %d training documents (%d words), %d held out, %d excluded, %d empty",
        stats.train_documents,
        stats.train_words,
        stats.heldout_documents,
        stats.excluded_documents,
        stats.empty_documents,
    )
    args = instantiate(cfg.trainer, output_dir=str(run / TRAINER_DIR), seed=cfg.seed)
    with args.main_process_first(desc="starting encoder"):
        tokenizer, model = starting_model(cfg, corpus, run / INIT_DIR)
    predict_masked_only(model)
    normalize = text_normalizer(cfg.normalize)
    seq_length = int(cfg.mlm.seq_length)
    collator = MaskingCollator(tokenizer, cfg.mlm.mask_probability, cfg.mlm.whole_word, seed=cfg.seed)
    heldout = heldout_set(corpus, tokenizer, seq_length, normalize, cfg)
    budget = TimeBudget(cfg.max_minutes)
    trainer = Trainer(
        model=model,
        args=args,
        train_dataset=training_stream(corpus, tokenizer, seq_length, normalize, cfg.seed),
        eval_dataset=heldout,
        data_collator=collator,
        callbacks=[budget],
    )
    start = run / START_EVAL
    if resume_from is None and cfg.mlm.eval_at_start:  # the curve's first point: the starting encoder
        loss = trainer.evaluate()["eval_loss"]
        atomic_write_text(start, json.dumps({"step": 0, "eval_loss": loss}))
    trainer.train(resume_from_checkpoint=resume_from)  # (starts a new log history)
    final = trainer.evaluate()
    metrics = {
        "heldout_loss": final["eval_loss"],
        "heldout_perplexity": math.exp(min(final["eval_loss"], 50)),
        "steps": trainer.state.global_step,
        "tokens_seen": trainer.state.global_step * tokens_per_step(args, seq_length),
        "stopped_by_time_budget": budget.fired,
        "minutes": (time.time() - started) / 60,
    }
    if trainer.is_world_process_zero():
        history = ([json.loads(start.read_text())] if start.is_file() else []) + trainer.state.log_history
        metrics["model"] = str(save_model(trainer, tokenizer, cfg, stats, metrics, history, run / MODEL_DIR))
        log.info(
            "done in %.0f min: %d steps, %.1f M tokens, held-out perplexity %.1f; model: %s",
            metrics["minutes"],
            metrics["steps"],
            metrics["tokens_seen"] / 1e6,
            metrics["heldout_perplexity"],
            metrics["model"],
        )
    return metrics


def require_extras(cfg: DictConfig) -> None:
    """Fail at the start, not after hours of training, when an optional package the run needs is missing."""
    import importlib.util

    needed = []
    if str(cfg.model.name_or_path) == "scratch" and cfg.mlm.embeddings_init == "skipgram":
        needed.append("gensim")
    missing = [name for name in needed if importlib.util.find_spec(name) is None]
    if missing:
        raise UserError(f"pretrain.py needs {', '.join(missing)}: pip install 'hadath[pretrain]'")


def resume_point(trainer_dir: Path, resume: bool) -> str | None:
    """The checkpoint to resume from; refuses to start over a run's checkpoints unless resuming."""
    from transformers.trainer_utils import get_last_checkpoint

    last = get_last_checkpoint(str(trainer_dir)) if trainer_dir.is_dir() else None
    if resume and last is None:
        raise UserError(f"resume=true but {trainer_dir} holds no checkpoint to resume from")
    if not resume and last is not None:
        raise UserError(
            f"{trainer_dir.parent} already holds a pre-training run (last checkpoint {Path(last).name}); "
            "pass resume=true to continue it, or choose another hydra.run.dir"
        )
    if last is not None:
        log.info("resuming from %s", last)
    return last


def starting_model(cfg: DictConfig, corpus: Corpus, init_dir: Path):
    """The tokenizer and ``*ForMaskedLM`` model training starts from (fp32)."""
    import torch
    from transformers import AutoModelForMaskedLM, AutoTokenizer

    from hadath.modeling import _explain, quiet_loading

    source = str(cfg.model.name_or_path)
    if source == "scratch" and not (init_dir / "config.json").is_file():
        build_scratch(cfg, corpus, init_dir)
    if source == "scratch":
        source = str(init_dir)
    try:
        tokenizer = AutoTokenizer.from_pretrained(source)
        with quiet_loading():
            model = AutoModelForMaskedLM.from_pretrained(source, dtype=torch.float32)
    except (OSError, ValueError) as err:
        raise _explain(source, err) from None
    if not tokenizer.is_fast or tokenizer.mask_token_id is None:
        raise UserError(f"{source}: pre-training needs a fast tokenizer with a mask token")
    return tokenizer, model


def build_scratch(cfg: DictConfig, corpus: Corpus, init_dir: Path) -> None:
    """A new BERT: WordPiece vocabulary from the training documents, optional skip-gram embeddings."""
    import torch
    from transformers import BertConfig, BertForMaskedLM

    from hadath.modeling import build_wordpiece_tokenizer, count_words, quiet_loading
    from hadath.pretraining.skipgram import init_embeddings, skipgram_vectors

    arch = OmegaConf.to_container(cfg.model.scratch, resolve=True)
    normalize = text_normalizer(cfg.normalize)
    texts = (normalize(doc.text) for doc in corpus.documents("train"))
    tokenizer = build_wordpiece_tokenizer(count_words(texts), arch.pop("vocab_size"))
    torch.manual_seed(cfg.seed)
    model = BertForMaskedLM(BertConfig(vocab_size=len(tokenizer), **arch))
    if cfg.mlm.embeddings_init == "skipgram":
        sg = cfg.skipgram
        texts = (normalize(doc.text) for doc in corpus.documents("train"))
        vectors = skipgram_vectors(texts, tokenizer, arch["hidden_size"], sg.epochs, sg.window, cfg.seed, sg.workers)
        log.info("skip-gram vectors for %d of %d vocabulary pieces", init_embeddings(model, vectors), len(tokenizer))
    elif cfg.mlm.embeddings_init not in (None, "random"):
        raise UserError(f"mlm.embeddings_init must be skipgram or random, not {cfg.mlm.embeddings_init!r}")
    partial = init_dir.with_name(init_dir.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    tokenizer.save_pretrained(partial)
    with quiet_loading():
        model.save_pretrained(partial)
    partial.rename(init_dir)


def text_normalizer(settings: DictConfig):
    """The normalisation fine-tuning applies to words (tatweel, diacritics, digits), here on whole texts."""
    from hadath.text import normalize_word

    flags = (settings.strip_tatweel, settings.strip_diacritics, settings.latin_digits)
    return lambda text: normalize_word(text, *flags) or text


def training_stream(corpus: Corpus, tokenizer, seq_length: int, normalize, seed: int):
    """Packed training sequences, streamed: documents are read, shuffled in a buffer and packed on the fly."""
    from datasets import IterableDataset

    def documents():
        for doc in corpus.documents("train"):
            yield {"text": doc.text}

    stream = IterableDataset.from_generator(documents).shuffle(seed=seed, buffer_size=2000)
    return stream.map(
        lambda batch: pack(batch["text"], tokenizer, seq_length, normalize),
        batched=True,
        batch_size=64,
        remove_columns=["text"],
    )


def heldout_set(corpus: Corpus, tokenizer, seq_length: int, normalize, cfg: DictConfig):
    """The held-out sequences, masked once with a fixed seed so every evaluation scores the same task."""
    from datasets import Dataset

    texts = [doc.text for doc in corpus.documents("heldout")]
    packed = pack(texts, tokenizer, seq_length, normalize)
    rows = [dict(zip(packed, values)) for values in zip(*packed.values())][: cfg.mlm.eval_sequences]
    if not rows:
        raise UserError(f"the held-out documents ({len(texts)}) fill no sequence of {seq_length} tokens")
    masker = MaskingCollator(tokenizer, cfg.mlm.mask_probability, cfg.mlm.whole_word, seed=cfg.seed + 1)
    batch = masker(rows)
    log.info("held out: %d documents, %d sequences of %d tokens", len(texts), len(rows), seq_length)
    return Dataset.from_dict({key: value.tolist() for key, value in batch.items()})


def tokens_per_step(args, seq_length: int) -> int:
    return args.per_device_train_batch_size * args.gradient_accumulation_steps * args.world_size * seq_length


class TimeBudget(TrainerCallback):
    """Stop training cleanly, with a checkpoint saved, once ``max_minutes`` of wall clock have passed."""

    def __init__(self, max_minutes: float | None):
        self.max_minutes = max_minutes
        self.started = time.time()
        self.fired = False

    def on_step_end(self, args, state, control, **kwargs):
        if self.max_minutes is None or time.time() - self.started < self.max_minutes * 60:
            return control
        if not self.fired:
            log.info("max_minutes=%s reached at step %d: saving and stopping", self.max_minutes, state.global_step)
        self.fired = True
        control.should_training_stop = True
        control.should_save = True
        return control


def save_model(
    trainer, tokenizer, cfg: DictConfig, stats: CorpusStats, metrics: dict, history: list[dict], out: Path
) -> Path:
    """The pre-trained encoder as a standard model directory, with card, curve and metrics; atomic."""
    import torch

    from hadath.modeling import quiet_loading
    from hadath.pretraining.card import plot_curve, write_card

    partial = out.with_name(out.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    model = trainer.model
    model.config.architectures = [type(model).__name__]
    dtype = getattr(torch, cfg.save_dtype)
    with quiet_loading():
        model.to(dtype).save_pretrained(partial)
        model.to(torch.float32)
    tokenizer.save_pretrained(partial)
    plot_curve(history, partial / "perplexity.png")
    record = {"metrics": metrics, "corpus": stats.__dict__, "log_history": history}
    atomic_write_text(partial / "pretrain.json", json.dumps(record, ensure_ascii=False, indent=2, default=str))
    write_card(partial, cfg, stats, metrics, model)
    if out.exists():
        shutil.rmtree(out)
    partial.rename(out)
    return out
