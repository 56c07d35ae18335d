"""The canonical JSON Lines format of FORMAT.md: one document a line."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from hadath.documents import Document, Problems, check_unique_ids, parse_document
from hadath.io.atomic import atomic_write_text
from hadath.schema import Schema, load_schema


def read_jsonl(path: str | Path, schema: Schema | None = None) -> list[Document]:
    """Read and validate every document of ``path``.

    Raises AnnotationError listing every violation (file, line, document, span)
    if any rule of FORMAT.md is broken; returns nothing partial.
    """
    schema = schema or load_schema()
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"annotation file not found: {path}")
    problems = Problems()
    located: list[tuple[str, Document]] = []
    for where, _, raw in json_lines(path, problems, bom_allowed=False):
        doc = parse_document(raw, schema, where, problems)
        if doc is not None:
            located.append((where, doc))
    check_unique_ids(located, problems)
    problems.raise_if_any()
    return [doc for _, doc in located]


def json_lines(path: Path, problems: Problems, bom_allowed: bool) -> Iterator[tuple[str, int, Any]]:
    """``(where, line number, decoded value)`` for each non-blank line of ``path``.

    A line that is not JSON is added to ``problems`` and skipped. A byte-order mark is
    stripped; unless ``bom_allowed`` (tool exports often carry one) it is also reported.
    """
    with path.open(encoding="utf-8") as f:
        for lineno, line in enumerate(f, start=1):
            where = f"{path}:{lineno}"
            if lineno == 1 and line.startswith("\ufeff"):
                if not bom_allowed:
                    problems.add(where, "file starts with a byte-order mark; save as UTF-8 without BOM")
                line = line.lstrip("\ufeff")
            if not line.strip():
                continue
            try:
                yield where, lineno, json.loads(line)
            except json.JSONDecodeError as err:
                problems.add(where, f"invalid JSON: {err.msg} at column {err.colno}")


def write_jsonl(docs: Iterable[Document], path: str | Path) -> None:
    """Write documents atomically (the file appears complete or not at all)."""
    lines = (json.dumps(doc.to_dict(), ensure_ascii=False) + "\n" for doc in docs)
    atomic_write_text(Path(path), "".join(lines))
