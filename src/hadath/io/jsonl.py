"""The canonical JSON Lines format of FORMAT.md: one document a line."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from hadath.documents import Document, Problems, check_unique_ids, parse_document
from hadath.errors import UserError
from hadath.io.atomic import atomic_write_text
from hadath.schema import Schema, load_schema


class Documents(list):
    """The documents read, and (``on_error=skip``) ``skipped``: one line per violation left out."""

    skipped: list[str]

    def __init__(self, docs=(), skipped: list[str] | None = None):
        super().__init__(docs)
        self.skipped = list(skipped or [])


ON_ERROR = ("raise", "skip")


def read_jsonl(path: str | Path, schema: Schema | None = None, on_error: str = "raise") -> Documents:
    """Read and validate every document of ``path``.

    ``on_error=raise`` (the default) raises AnnotationError listing every violation (file, line,
    document, span) if any rule of FORMAT.md is broken, and returns nothing partial.
    ``on_error=skip`` leaves out each line with a violation and returns the rest; what it left
    out, and why, is the result's ``skipped`` (training writes it to ``skipped.txt``). Never
    the default: a skipped document is gold silently lost unless someone reads that report.
    """
    if on_error not in ON_ERROR:
        raise UserError(f"on_error={on_error!r} is not one of {', '.join(ON_ERROR)}")
    schema = schema or load_schema()
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"annotation file not found: {path}")
    problems = Problems()
    located: list[tuple[str, Document]] = []
    bad: set[str] = set()  # lines with a violation
    lines = 0
    for where, _, raw in json_lines(path, problems, bom_allowed=False):
        lines += 1
        before = problems.total
        doc = parse_document(raw, schema, where, problems)
        if doc is not None and problems.total == before:
            located.append((where, doc))
        else:
            bad.add(where)
    if not lines and not problems.total:
        problems.add(str(path), "empty file: no documents (one JSON object a line; see FORMAT.md)")
    duplicates = Problems()
    check_unique_ids(located, duplicates)
    for line in duplicates.lines:
        problems.add(*line.split(": ", 1))
    if on_error == "raise" or not located:
        problems.raise_if_any()
    kept = [
        doc
        for where, doc in located
        if where not in bad and not any(x.startswith(f"{where}: ") for x in duplicates.lines)
    ]
    return Documents(kept, problems.lines)


def json_lines(path: Path, problems: Problems, bom_allowed: bool) -> Iterator[tuple[str, int, Any]]:
    """``(where, line number, decoded value)`` for each non-blank line of ``path``.

    A line that is not JSON, or not UTF-8, is added to ``problems`` and skipped. A byte-order
    mark is stripped; unless ``bom_allowed`` (tool exports often carry one) it is also reported.
    """
    with path.open("rb") as f:
        for lineno, raw_line in enumerate(f, start=1):
            where = f"{path}:{lineno}"
            try:
                line = raw_line.decode("utf-8")
            except UnicodeDecodeError as err:
                problems.add(where, f"not UTF-8 (byte {err.start} of the line); save the file as UTF-8")
                continue
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
