"""Build or load a tokenizer and a token-classification model: hub id, local directory or ``tiny``.

``tiny`` is a small BERT whose WordPiece vocabulary is trained on the corpus
texts, built locally and deterministically for a seed, and cached under
``$HADATH_CACHE`` (default ``~/.cache/hadath``) so it is built once. It needs
no network: tests and CI use it.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

from hadath.errors import UserError
from hadath.io.atomic import atomic_write_text


class ModelLoadError(UserError):
    """A model or tokenizer cannot be had; the message says why and the ways out."""


WAYS_OUT = "download it and pass model.name_or_path=/path/to/model_dir, or use model=tiny for the small offline model"


def cache_dir() -> Path:
    return Path(os.environ.get("HADATH_CACHE", Path.home() / ".cache" / "hadath")).expanduser()


def _explain(name_or_path: str, err: Exception) -> ModelLoadError:
    path = Path(name_or_path).expanduser()
    # A hub id is "name" or "org/name"; anything else is meant as a local directory.
    looks_local = name_or_path.startswith((".", "/", "~")) or name_or_path.count("/") > 1
    if path.exists():
        why = f"{path} is not a model directory ({type(err).__name__}: {str(err).splitlines()[0][:160]})"
    elif looks_local:
        why = f"no such directory: {path}"
    elif os.environ.get("HF_HUB_OFFLINE") == "1":
        why = "HF_HUB_OFFLINE=1 and it is not in the local Hugging Face cache"
    else:
        why = f"the Hugging Face hub is unreachable or has no such model ({type(err).__name__})"
    return ModelLoadError(f"cannot load model {name_or_path!r}: {why}; {WAYS_OUT}")


@contextmanager
def quiet_loading():
    """Silence the per-load progress bars and load reports: a fresh classifier head is expected here."""
    from transformers.utils import logging as hf_logging

    level = hf_logging.get_verbosity()
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        hf_logging.set_verbosity(level)
        hf_logging.enable_progress_bar()


def load_tokenizer(name_or_path: str):
    """A fast tokenizer (needed for word alignment); ModelLoadError if it cannot be loaded."""
    from transformers import AutoTokenizer

    try:
        tokenizer = AutoTokenizer.from_pretrained(name_or_path)
    except (OSError, ValueError) as err:
        raise _explain(name_or_path, err) from None
    if not tokenizer.is_fast:
        raise ModelLoadError(f"{name_or_path!r} has no fast tokenizer; word alignment needs one")
    return tokenizer


def load_token_classifier(name_or_path: str, labels: list[str] | None = None, safetensors_only: bool = False):
    """A token-classification model; with ``labels`` its head is (re)sized to them.

    ``safetensors_only`` never falls back to pickle weights (what checkpoints are loaded with).
    """
    import torch
    from transformers import AutoModelForTokenClassification

    # Fine-tuning and CPU inference run in fp32, whatever dtype the weights were stored in
    # (transformers 5 would otherwise load fp16 weights as fp16).
    kwargs: dict = {"dtype": torch.float32}
    if safetensors_only:
        kwargs["use_safetensors"] = True
    if labels is not None:
        kwargs |= {
            "num_labels": len(labels),
            "id2label": dict(enumerate(labels)),
            "label2id": {label: i for i, label in enumerate(labels)},
            "ignore_mismatched_sizes": True,
        }
    try:
        with quiet_loading():
            return AutoModelForTokenClassification.from_pretrained(name_or_path, **kwargs)
    except (OSError, ValueError) as err:
        raise _explain(name_or_path, err) from None


def tiny_defaults() -> dict:
    """The tiny model's settings as ``configs/model/tiny.yaml`` gives them: their one home."""
    from omegaconf import OmegaConf

    from hadath.config import CONFIG_DIR

    return OmegaConf.to_container(OmegaConf.load(CONFIG_DIR / "model" / "tiny.yaml").tiny)


def build_tiny(texts: list[str], **overrides) -> Path:
    """Directory of a tiny BERT with a WordPiece vocabulary trained on ``texts``; built once per settings.

    Settings are ``configs/model/tiny.yaml``'s ``tiny`` block, with ``overrides`` (e.g. ``vocab_size``).
    """
    settings = tiny_defaults()
    unknown = set(overrides) - set(settings)
    if unknown:
        raise UserError(f"build_tiny: unknown setting(s) {sorted(unknown)}; known: {sorted(settings)}")
    settings |= overrides
    # The builder's version is part of the key: a changed recipe must not reuse an old build.
    digest = hashlib.sha256(json.dumps(settings | {"builder": TINY_BUILDER}, sort_keys=True).encode())
    for text in texts:
        digest.update(text.encode())
    out = cache_dir() / f"tiny-{digest.hexdigest()[:16]}"
    if (out / "model.safetensors").is_file():
        return out
    tmp = out.with_name(out.name + f".tmp{os.getpid()}")
    _write_tiny(tmp, texts, settings)
    try:
        tmp.rename(out)
    except OSError:  # another process built it first
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)
    return out


TINY_BUILDER = "tiny.v2"  # bump when the vocabulary or weight recipe changes
SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def wordpiece_vocab(word_counts: Counter, size: int) -> list[str]:
    """A WordPiece vocabulary of ``size`` pieces, the same for the same word counts on every run.

    Every character, alone and as a continuation (``##x``), so any word can be spelled; then
    word-initial pieces and ``##`` continuations of 2 to 6 characters, most frequent first
    (weighted by length), ties broken alphabetically. (The tokenizers library's WordPiece
    trainer breaks ties by hash order, which changes from run to run.)
    """
    chars = sorted({c for w in word_counts for c in w})
    counts: Counter = Counter()
    for word, n_word in word_counts.items():
        for n in range(2, min(len(word), 6) + 1):
            counts[word[:n]] += n_word
            if n < len(word):
                counts["##" + word[-n:]] += n_word
    vocab = SPECIAL_TOKENS + chars + ["##" + c for c in chars]
    ranked = sorted(counts, key=lambda piece: (-counts[piece] * len(piece.removeprefix("##")), piece))
    return vocab + ranked[: max(0, size - len(vocab))]


def _splitter():
    from tokenizers import normalizers, pre_tokenizers

    return normalizers.NFC(), pre_tokenizers.BertPreTokenizer()


def count_words(texts) -> Counter:
    """How often each word occurs in ``texts``, split as the WordPiece tokenizer splits them."""
    normalizer, splitter = _splitter()
    counts: Counter = Counter()
    for text in texts:
        counts.update(w for w, _ in splitter.pre_tokenize_str(normalizer.normalize_str(text)))
    return counts


def build_wordpiece_tokenizer(word_counts: Counter, vocab_size: int, model_max_length: int = 512):
    """A fast BERT tokenizer over ``wordpiece_vocab(word_counts, vocab_size)``."""
    from tokenizers import Tokenizer, models
    from tokenizers.processors import TemplateProcessing
    from transformers import PreTrainedTokenizerFast

    vocab = wordpiece_vocab(word_counts, vocab_size)
    core = Tokenizer(models.WordPiece({piece: i for i, piece in enumerate(vocab)}, unk_token="[UNK]"))
    core.normalizer, core.pre_tokenizer = _splitter()
    core.post_processor = TemplateProcessing(
        single="[CLS] $A [SEP]",
        pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", core.token_to_id("[CLS]")), ("[SEP]", core.token_to_id("[SEP]"))],
    )
    return PreTrainedTokenizerFast(
        tokenizer_object=core,
        unk_token="[UNK]",
        pad_token="[PAD]",
        model_max_length=model_max_length,
        cls_token="[CLS]",
        sep_token="[SEP]",
        mask_token="[MASK]",
    )


def _write_tiny(out: Path, texts: list[str], settings: dict) -> None:
    import torch
    from transformers import BertConfig, BertModel

    tokenizer = build_wordpiece_tokenizer(count_words(texts), settings["vocab_size"])
    config = BertConfig(**{k: v for k, v in settings.items() if k != "seed"} | {"vocab_size": len(tokenizer)})
    with torch.random.fork_rng(devices=[]):  # seeding here must not move the caller's seeded stream
        torch.manual_seed(settings["seed"])
        model = BertModel(config)
    out.mkdir(parents=True, exist_ok=True)
    tokenizer.save_pretrained(out)
    with quiet_loading():
        model.save_pretrained(out)
    atomic_write_text(out / "tiny.json", json.dumps(settings, indent=2))
