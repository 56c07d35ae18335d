"""Readers and writers of annotation formats. Every reader returns validated Documents.

``read_any(path, fmt=None)`` picks the reader by format name or, without one,
by what ``path`` is: ``.jsonl`` (doccano when its first line has ``entities``),
``.json`` (Label Studio), ``.conll``/``.bio``/``.iob`` or a ``.txt`` of
``token TAG`` lines (CoNLL), a ``.ann`` or a folder with ``.ann`` files (brat),
a folder of CoNLL files (CoNLL).
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from hadath.documents import Document
from hadath.errors import UserError
from hadath.io.brat import read_brat, write_brat
from hadath.io.conll import AQMAR_TAG_MAP, ConllCorpus, read_conll, write_conll
from hadath.io.doccano import read_doccano
from hadath.io.jsonl import read_jsonl, write_jsonl
from hadath.io.labelstudio import read_labelstudio

__all__ = [
    "AQMAR_TAG_MAP",
    "ConllCorpus",
    "FORMATS",
    "detect_format",
    "read_any",
    "read_brat",
    "read_conll",
    "read_doccano",
    "read_jsonl",
    "read_labelstudio",
    "write_brat",
    "write_conll",
    "write_jsonl",
]

log = logging.getLogger(__name__)

FORMATS = ("jsonl", "brat", "labelstudio", "doccano", "conll")
_CONLL_SUFFIXES = (".conll", ".bio", ".iob", ".tsv")


def read_any(path: str | Path, fmt: str | None = None, **kw: Any) -> list[Document]:
    """Read ``path`` with the reader of ``fmt`` (or the detected format), passing ``kw`` on.

    CoNLL warnings are logged; call ``read_conll`` directly for them and the derived Schema.
    """
    fmt = fmt or detect_format(path)
    if fmt == "conll":
        corpus = read_conll(path, **kw)
        for warning in corpus.warnings:
            log.warning(warning)
        return corpus.documents
    readers = {"jsonl": read_jsonl, "brat": read_brat, "labelstudio": read_labelstudio, "doccano": read_doccano}
    if fmt not in readers:
        raise UserError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    return readers[fmt](path, **kw)


def detect_format(path: str | Path) -> str:
    """The format name of ``path`` judged by its suffix and, where ambiguous, its first line."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"annotation file not found: {path}")
    if path.is_dir():
        if any(path.glob("*.ann")):
            return "brat"
        if any(_looks_like_conll(p) for p in path.iterdir() if p.suffix in (*_CONLL_SUFFIXES, ".txt")):
            return "conll"
        raise UserError(f"{path}: a folder with neither brat .ann files nor CoNLL files")
    if path.suffix == ".jsonl":
        return "doccano" if _first_json_has(path, "entities") else "jsonl"
    if path.suffix == ".json":
        return "labelstudio"
    if path.suffix == ".ann" or (path.suffix == ".txt" and path.with_suffix(".ann").is_file()):
        return "brat"
    if path.suffix in _CONLL_SUFFIXES or (path.suffix == ".txt" and _looks_like_conll(path)):
        return "conll"
    raise UserError(f"{path}: cannot tell the format from the name; pass one of {', '.join(FORMATS)}")


def _first_line(path: Path) -> str:
    with path.open(encoding="utf-8-sig") as f:
        return next((line for line in f if line.strip()), "")


def _first_json_has(path: Path, key: str) -> bool:
    try:
        raw = json.loads(_first_line(path))
    except json.JSONDecodeError:
        return False
    return isinstance(raw, dict) and key in raw and "events" not in raw


def _looks_like_conll(path: Path) -> bool:
    cols = _first_line(path).split()
    return len(cols) >= 2 and (cols[-1] == "O" or cols[-1][1:2] == "-" or cols[0] == "-DOCSTART-")
