"""The checkpoint format: one home for its file names, its metadata and the checks on loading.

A checkpoint is a folder that describes itself:

    checkpoint/
      model.safetensors config.json tokenizer*   the trigger tagger (loads in pipeline("token-classification"))
      hadath.json        format version, stages, schema, preprocessing, data format, labels
      config.yaml        the resolved training config
      dev_report.json    the full evaluation of the best model on the dev split
      arguments/         the argument tagger, same layout, when ``stages`` lists "arguments"

Loading refuses anything that would silently give a model other than the one trained:
weights that are not safetensors (a pickle can run code and may hold no weights at all),
weights with missing or unexpected tensors, and a classifier head whose size is not the
label count of ``hadath.json``. Each refusal is one line naming the file and the fault.
"""

from __future__ import annotations

import json
from pathlib import Path

from hadath.errors import UserError

META_FILE = "hadath.json"
WEIGHTS_FILE = "model.safetensors"
ARGUMENTS_DIR = "arguments"
FORMAT_VERSION = 2
# Version 1 had no ``arguments`` settings in arguments/hadath.json: it reads as argmax decoding, no prompt.
READABLE_VERSIONS = (1, 2)
STAGES = ("triggers", "arguments")
# Files a checkpoint must never carry: pickles (transformers' Trainer writes training_args.bin).
PICKLES = ("training_args.bin", "pytorch_model.bin", "optimizer.pt", "scheduler.pt", "rng_state.pth")


class CheckpointError(UserError):
    """A folder that is not a usable hadath checkpoint; the message names the file and the fault."""


def read_meta(checkpoint: str | Path) -> dict:
    """``hadath.json`` of a checkpoint (or of its ``arguments/`` stage), its format version checked."""
    path = Path(checkpoint) / META_FILE
    if not path.is_file():
        what = "no such directory" if not Path(checkpoint).is_dir() else f"no {META_FILE} in it"
        raise CheckpointError(
            f"{checkpoint} is not a hadath checkpoint ({what}); pass the 'checkpoint' folder of a training run"
        )
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise CheckpointError(f"{path}: not valid JSON ({err})") from None
    version = meta.get("format_version") if isinstance(meta, dict) else None
    if version not in READABLE_VERSIONS:
        raise CheckpointError(
            f"{path}: checkpoint format version {version!r}, but this hadath reads versions "
            f"{', '.join(map(str, READABLE_VERSIONS))}; "
            "retrain it, or use the hadath version that wrote it"
        )
    return meta


def write_meta(out: Path, meta: dict) -> None:
    """Write a stage's ``hadath.json`` (atomically), stamped with the format version."""
    from hadath.io.atomic import atomic_write_text

    atomic_write_text(
        out / META_FILE, json.dumps({"format_version": FORMAT_VERSION, **meta}, ensure_ascii=False, indent=2)
    )


def stages(checkpoint: str | Path) -> list[str]:
    """The stages a checkpoint holds, from ``stages`` in its ``hadath.json``; each stage's folder must be there."""
    checkpoint = Path(checkpoint)
    meta = read_meta(checkpoint)
    listed = meta.get("stages", ["triggers"])
    unknown = [s for s in listed if s not in STAGES]
    if unknown or "triggers" not in listed:
        raise CheckpointError(f"{checkpoint / META_FILE}: stages {listed} must include 'triggers' and only {STAGES}")
    if "arguments" in listed:
        read_meta(checkpoint / ARGUMENTS_DIR)
    return list(listed)


def stage_dir(checkpoint: str | Path, stage: str) -> Path:
    return Path(checkpoint) if stage == "triggers" else Path(checkpoint) / ARGUMENTS_DIR


def remove_pickles(stage_folder: Path) -> None:
    """Drop what the Trainer saves beside the model that a checkpoint must not ship (pickles)."""
    for name in PICKLES:
        (stage_folder / name).unlink(missing_ok=True)


def require_safetensors(stage_folder: Path) -> Path:
    """The stage's safetensors weights; refused, before anything is unpickled, when they are absent."""
    weights = stage_folder / WEIGHTS_FILE
    if not weights.is_file():
        pickles = [name for name in PICKLES if (stage_folder / name).exists()]
        found = f" (found {', '.join(pickles)}: pickle weights are never loaded)" if pickles else ""
        raise CheckpointError(f"{weights}: missing{found}; a checkpoint holds its weights as safetensors")
    return weights


def verify_weights(stage_folder: Path, model, labels: list[str]) -> None:
    """Refuse a loaded model whose weights file does not fill it exactly, or whose head has the wrong size."""
    from safetensors import SafetensorError, safe_open

    weights = require_safetensors(stage_folder)
    try:
        with safe_open(str(weights), framework="pt") as f:
            shapes = {key: tuple(f.get_slice(key).get_shape()) for key in f.keys()}
    except (SafetensorError, OSError) as err:
        raise CheckpointError(f"{weights}: unreadable safetensors file ({err})") from None
    expected = {key: tuple(t.shape) for key, t in model.state_dict().items()}
    # Tied or buffer entries transformers itself leaves out of the file (e.g. position ids) are fine.
    optional = set(getattr(model, "_keys_to_ignore_on_load_missing", None) or [])
    missing = sorted(k for k in expected if k not in shapes and not _ignored(k, optional) and not _tied(model, k))
    unexpected = sorted(k for k in shapes if k not in expected)
    if missing or unexpected:
        parts = []
        if missing:
            parts.append(f"{len(missing)} missing tensor(s), e.g. {missing[0]}")
        if unexpected:
            parts.append(f"{len(unexpected)} unexpected tensor(s), e.g. {unexpected[0]}")
        raise CheckpointError(f"{weights}: {'; '.join(parts)}; the weights do not belong to this model")
    wrong = [k for k in shapes if shapes[k] != expected[k]]
    if wrong:
        k = wrong[0]
        raise CheckpointError(
            f"{weights}: tensor {k} has shape {list(shapes[k])}, the model expects {list(expected[k])}"
        )
    head = getattr(model, "num_labels", None)
    if head != len(labels):
        raise CheckpointError(
            f"{stage_folder / 'config.json'}: a head of {head} labels, but {META_FILE} lists {len(labels)}"
        )


def _ignored(key: str, patterns: set[str]) -> bool:
    import re

    return any(re.search(p, key) for p in patterns)


def _tied(model, key: str) -> bool:
    tied = getattr(model, "all_tied_weights_keys", None) or getattr(model, "_tied_weights_keys", None) or {}
    return key in tied
