"""The unlabelled corpus of pre-training: documents from JSON-lines, gzip'd JSON-lines and text files.

A source is a ``.jsonl`` / ``.jsonl.gz`` file (one JSON object a line, with a text field
and an id field), a ``.txt`` file (one document, its id the file name), a folder of those
(searched recursively, sorted), or a list of any of them. Documents are streamed, never all
held in memory. A held-out part is chosen by document (a stable hash of the id), so no
held-out article is ever seen in training; ``exclude`` keeps named documents out entirely,
and with ``exclude_stories`` (the default) every other report of their stories too.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from hadath.errors import UserError

SUFFIXES = (".jsonl", ".jsonl.gz", ".txt")


@dataclass(frozen=True)
class Document:
    id: str
    text: str


@dataclass
class CorpusStats:
    """What a scan of the corpus found; goes into the model card."""

    files: list[str] = field(default_factory=list)
    train_documents: int = 0
    heldout_documents: int = 0
    excluded_documents: int = 0
    empty_documents: int = 0
    train_words: int = 0


def corpus_files(sources: list[str]) -> list[Path]:
    """The files ``sources`` name, folders expanded (sorted); UserError for a missing or unknown source."""
    if isinstance(sources, str):
        sources = [sources]
    files: list[Path] = []
    for source in sources:
        path = Path(source).expanduser().resolve()
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.name.endswith(SUFFIXES))
            if not found:
                raise UserError(f"corpus: {path} holds no {', '.join(SUFFIXES)} files")
            files.extend(found)
        elif path.is_file():
            if not path.name.endswith(SUFFIXES):
                raise UserError(f"corpus: {path} is not one of {', '.join(SUFFIXES)}")
            files.append(path)
        else:
            raise UserError(f"corpus: no such file or folder: {path}")
    if not files:
        raise UserError("corpus.paths is empty: name at least one file or folder")
    return files


def json_records(path: Path, context: str = "") -> Iterator[tuple[int, object]]:
    """``(line number, decoded value)`` for each non-blank line of a ``.jsonl`` or ``.jsonl.gz`` file, streamed.

    A line that is not JSON stops the read with a UserError naming ``context``, file and line.
    """
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                yield number, json.loads(line)
            except json.JSONDecodeError as err:
                raise UserError(f"{context}{path}:{number}: not valid JSON ({err.msg})") from None


def read_file(path: Path, text_field: str = "text", id_field: str = "id") -> Iterator[Document]:
    """The documents of one file, in order; UserError naming file:line for a malformed record."""
    if path.name.endswith(".txt"):
        yield Document(path.stem, path.read_text(encoding="utf-8"))
        return
    for number, record in json_records(path):
        if not isinstance(record, dict) or not isinstance(record.get(text_field), str):
            raise UserError(f"{path}:{number}: no string field {text_field!r} (corpus.text_field)")
        yield Document(str(record.get(id_field, f"{path.name}:{number}")), record[text_field])


def interleave(files: list[Path], text_field: str, id_field: str) -> Iterator[Document]:
    """Documents of all files, taken in turn one from each, so every stretch of the stream mixes sources."""
    readers = [read_file(f, text_field, id_field) for f in files]
    while readers:
        for reader in list(readers):
            doc = next(reader, None)
            if doc is None:
                readers.remove(reader)
            else:
                yield doc


def text_key(text: str) -> str:
    """A document's identity by content, blind to spacing: annotated copies match their source."""
    return hashlib.sha1(" ".join(text.split()).encode()).hexdigest()


def load_exclusions(entries: list[str]) -> tuple[set[str], dict[str, str]]:
    """Document ids, and texts by their ``text_key``, to keep out of pre-training.

    An entry is a document id, or a file: a JSON-lines file of documents (annotated splits
    included; their ``id``, ``meta.id`` and text are all excluded) or a text file of ids, one a line.
    """
    ids: set[str] = set()
    texts: dict[str, str] = {}
    for entry in entries or []:
        path = Path(str(entry)).expanduser()
        if not path.is_file() and ("/" in str(entry) or path.suffix in (".jsonl", ".gz", ".txt")):
            raise UserError(f"corpus.exclude: no such file: {entry}")
        if not path.is_file():
            ids.add(str(entry))
        elif path.name.endswith((".jsonl", ".jsonl.gz")):
            for _, record in json_records(path, context="corpus.exclude: "):
                if not isinstance(record, dict):
                    continue
                meta = record.get("meta") if isinstance(record.get("meta"), dict) else {}
                ids.update(str(v) for v in (record.get("id"), meta.get("id")) if v is not None)
                if isinstance(record.get("text"), str):
                    texts[text_key(record["text"])] = record["text"]
        else:
            ids.update(line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    return ids, texts


def is_heldout(doc_id: str, fraction: float) -> bool:
    """A stable, seed-free choice by id: the same document is held out on every run and machine."""
    return zlib.crc32(doc_id.encode()) % 100_000 < fraction * 100_000


@dataclass
class Corpus:
    """The pre-training corpus as configured: which files, which documents are kept, held out or excluded."""

    paths: list[str]
    text_field: str = "text"
    id_field: str = "id"
    exclude: list[str] = field(default_factory=list)
    exclude_stories: bool = True
    heldout_fraction: float = 0.02
    max_documents: int | None = None

    def __post_init__(self) -> None:
        self.files = corpus_files(list(self.paths))
        self.excluded_ids, self.excluded_texts = load_exclusions(list(self.exclude or []))
        self._story_ids: set[str] | None = None

    def story_excluded(self, progress: bool = True) -> set[str]:
        """Ids of the documents that tell the story of an excluded annotated article (``hadath.stories``):
        another outlet's report of the same incident is kept out with it. Found once, then cached."""
        if self._story_ids is None:
            self._story_ids = set()
            if self.exclude_stories and self.excluded_texts:
                from tqdm.auto import tqdm

                from hadath.stories import story_partners

                docs = ((d.id, d.text) for d in self._read())
                docs = tqdm(docs, desc="stories of excluded articles", unit=" docs", disable=not progress)
                partners = story_partners(self.excluded_texts, docs)
                self._story_ids = set().union(*partners.values())
        return self._story_ids

    def documents(self, part: str) -> Iterator[Document]:
        """The non-empty documents of ``part`` ("train" or "heldout"), interleaved across files."""
        for doc in self._kept():
            if doc.text.strip() and (is_heldout(doc.id, self.heldout_fraction) == (part == "heldout")):
                yield doc

    def _read(self) -> Iterator[Document]:
        """Every document up to ``max_documents``, interleaved across files."""
        for number, doc in enumerate(interleave(self.files, self.text_field, self.id_field)):
            if self.max_documents is not None and number >= self.max_documents:
                return
            yield doc

    def _stream(self) -> Iterator[tuple[Document, bool]]:
        """Every document, with whether ``exclude`` names it or tells the story of one it names."""
        stories = self.story_excluded()
        for doc in self._read():
            excluded = (
                doc.id in self.excluded_ids
                or doc.id in stories
                or (bool(self.excluded_texts) and text_key(doc.text) in self.excluded_texts)
            )
            yield doc, excluded

    def _kept(self) -> Iterator[Document]:
        return (doc for doc, excluded in self._stream() if not excluded)

    def scan(self, progress: bool = True) -> CorpusStats:
        """Read everything once: validates every record and counts what training will see."""
        from tqdm.auto import tqdm

        stats = CorpusStats(files=[str(f) for f in self.files])
        for doc, excluded in tqdm(self._stream(), desc="scan corpus", unit=" docs", disable=not progress):
            if excluded:
                stats.excluded_documents += 1
            elif not doc.text.strip():
                stats.empty_documents += 1
            elif is_heldout(doc.id, self.heldout_fraction):
                stats.heldout_documents += 1
            else:
                stats.train_documents += 1
                stats.train_words += len(doc.text.split())
        if stats.train_documents == 0:
            raise UserError(f"corpus: no training documents in {', '.join(stats.files)}")
        if stats.heldout_documents == 0:
            raise UserError(
                "corpus: the held-out part is empty; raise corpus.heldout_fraction "
                f"(now {self.heldout_fraction}) or give more documents"
            )
        return stats
