"""The canonical JSON Lines format of FORMAT.md: one document a line."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
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


def read_jsonl(
    path: str | Path, schema: Schema | None = None, on_error: str = "raise", stored: bool = False
) -> Documents | StoredDocuments:
    """Read and validate every document of ``path``.

    ``on_error=raise`` (the default) raises AnnotationError listing every violation (file, line,
    document, span) if any rule of FORMAT.md is broken, and returns nothing partial.
    ``on_error=skip`` leaves out each line with a violation and returns the rest; what it left
    out, and why, is the result's ``skipped`` (training writes it to ``skipped.txt``). Never
    the default: a skipped document is gold silently lost unless someone reads that report.
    ``stored=True`` validates the same way but keeps only where each document's line starts:
    a ``StoredDocuments`` that reads them again on every pass, for corpora too large to hold.
    """
    if on_error not in ON_ERROR:
        raise UserError(f"on_error={on_error!r} is not one of {', '.join(ON_ERROR)}")
    schema = schema or load_schema()
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"annotation file not found: {path}")
    problems = Problems()
    located: list[tuple[str, Document | _Stored]] = []
    bad: set[str] = set()  # lines with a violation
    lines = 0
    for where, lineno, raw in json_lines(path, problems, bom_allowed=False, positions=stored):
        lines += 1
        before = problems.total
        doc = parse_document(raw, schema, where, problems)
        if doc is not None and problems.total == before:
            located.append((where, _Stored(doc.id, lineno) if stored else doc))
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
    if stored:
        return StoredDocuments(schema, [(path, d.position) for d in kept], [d.id for d in kept], problems.lines)
    return Documents(kept, problems.lines)


@dataclass(frozen=True)
class _Stored:
    """A validated document's id and where its line starts (a byte offset), in place of the document."""

    id: str
    position: int


class StoredDocuments(Sequence):
    """Validated documents of JSON-lines files, read again from them on every pass and held in memory
    one at a time: what ``read_jsonl(..., stored=True)`` returns (``+`` joins two). The files must
    not change while in use; a change is caught and named."""

    def __init__(self, schema: Schema, entries: list[tuple[Path, int]], ids: list[str], skipped: list[str]):
        self.schema, self.entries, self.ids, self.skipped = schema, entries, ids, list(skipped)
        self.sizes = {path: path.stat().st_size for path, _ in entries}

    def __add__(self, other: StoredDocuments) -> StoredDocuments:
        return StoredDocuments(
            self.schema, self.entries + other.entries, self.ids + other.ids, self.skipped + other.skipped
        )

    def __len__(self) -> int:
        return len(self.entries)

    def digest(self) -> str:
        """A hash of the documents' lines as stored, without parsing them (a fingerprint for caches)."""
        import hashlib

        digest = hashlib.sha256()
        for path, position in self.entries:
            with path.open("rb") as f:
                f.seek(position)
                digest.update(f.readline())
        return digest.hexdigest()

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        path, position = self.entries[index]
        with path.open("rb") as f:
            return self._read(f, path, position)

    def __iter__(self) -> Iterator[Document]:
        f, opened = None, None
        try:
            for path, position in self.entries:
                if path != opened:
                    if f is not None:
                        f.close()
                    f, opened = path.open("rb"), path
                yield self._read(f, path, position)
        finally:
            if f is not None:
                f.close()

    def _read(self, f, path: Path, position: int) -> Document:
        if path.stat().st_size != self.sizes[path]:
            raise UserError(f"{path} changed while it was being read for training; start the run again")
        f.seek(position)
        raw = json.loads(f.readline().decode("utf-8").lstrip("\ufeff"))
        doc = parse_document(raw, self.schema, str(path), Problems())
        if doc is None:
            raise UserError(f"{path} changed while it was being read for training; start the run again")
        return doc


def json_lines(
    path: Path, problems: Problems, bom_allowed: bool, positions: bool = False
) -> Iterator[tuple[str, int, Any]]:
    """``(where, line number, decoded value)`` for each non-blank line of ``path``; with ``positions``,
    the byte offset where the line starts in place of its number.

    A line that is not JSON, or not UTF-8, is added to ``problems`` and skipped. A byte-order
    mark is stripped; unless ``bom_allowed`` (tool exports often carry one) it is also reported.
    """
    with path.open("rb") as f:
        start = 0
        for lineno, raw_line in enumerate(f, start=1):
            position, start = start, start + len(raw_line)
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
                yield where, position if positions else lineno, json.loads(line)
            except json.JSONDecodeError as err:
                problems.add(where, f"invalid JSON: {err.msg} at column {err.colno}")


def write_jsonl(docs: Iterable[Document], path: str | Path) -> None:
    """Write documents atomically (the file appears complete or not at all)."""
    lines = (json.dumps(doc.to_dict(), ensure_ascii=False) + "\n" for doc in docs)
    atomic_write_text(Path(path), "".join(lines))
