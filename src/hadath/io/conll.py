"""CoNLL-style token files (``token TAG`` a line) in and out.

In: a file, or a folder of them, with one token a line (whitespace-separated
columns, the first is the token, the last the tag), a blank line between
sentences and optional ``-DOCSTART-`` lines starting a new document. Each
document's text is its tokens joined by single spaces, sentences joined by
``"\\n"``; each entity (``B-X I-X…``, or BILOU ``U-X`` / ``B-X I-X L-X``) becomes
an Event of type X whose trigger is the entity span, with no arguments. The
token spans are kept in ``meta["tokens"]`` so a tagger can use exactly those
words. Out: a ``ConllCorpus`` (documents, a Schema of the labels found, warnings).

A well-formed tag is ``O`` or ``PREFIX-LABEL`` (``[BILUS]-[A-Za-z][A-Za-z0-9_]*``,
LABEL optionally restricted to ``labels``). ``tag_map`` is applied first; each tag
still malformed is reported with file and line, and ``malformed`` decides:
``"error"`` fails the read listing all of them, ``"drop"`` reads them as ``O``
(a warning each), ``"map"`` is ``"error"`` but insists on a ``tag_map``. An
``I-`` that starts an entity is read as its start, as seqeval does in
non-strict mode, and reported as a warning.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from hadath.decoding import LabelledSpan, bio_to_spans, mark_span
from hadath.documents import Document, Problems, Span, check_unique_ids, parse_document
from hadath.errors import UserError
from hadath.io.atomic import atomic_write_text
from hadath.schema import Schema
from hadath.text.sentences import line_spans, split_sentences
from hadath.text.words import word_spans

SUFFIXES = (".conll", ".txt", ".bio", ".iob", ".tsv")
DOCSTART = "-DOCSTART-"
_TAG = re.compile(r"([BILUS])-([A-Za-z][A-Za-z0-9_]*)")

# AQMAR (Mohit et al. 2012) as published: BIO over PER, LOC, ORG and MIS0-MIS3.
AQMAR_LABELS = ("PER", "LOC", "ORG", "MIS0", "MIS1", "MIS2", "MIS3")
# The default map for AQMAR. MIS0-MIS3 collapse into MIS: they are categories each annotator defined
# for their own article (MIS1 is a chemical element in one article, a football term in another), so
# only "MIS" means the same thing across files. The other entries fix every tag outside the published
# set found in annotations/external/aqmar (28 files, ~74k tokens), each decided from its context:
AQMAR_TAG_MAP = {f"{prefix}-MIS{n}": f"{prefix}-MIS" for prefix in "BI" for n in range(4)} | {
    "OO": "O",  # Football.txt:1855 "16", in a sentence of O tokens: a doubled O
    "IO": "O",  # Crusades.txt:2145 "الشمالي", after two O tokens: nothing to continue
    "I--ORG": "I-ORG",  # Enrico_Fermi.txt:2268 "الأمريكية", continues B-ORG "الحكومة"
    "B-MIS-1": "B-MIS",  # Linux.txt:2255, 2257 "لجنو / لينكس": stray hyphen
    "B-MIS-2": "B-MIS",  # Internet.txt:708 "DNS", X_window_system.txt:1274 "ICCCM": stray hyphen
    "B-MIS1`": "B-MIS",  # Summer_Olympics2004.txt:1110, before I-MIS1: stray backtick
    "B-MISS1": "B-MIS",  # Football.txt:1 "كرة", before I-MIS1 "القدم": typo
    # B-MIS (3x) and I-MIS (1x) lack the number but are already what the collapse produces.
    # These two mark the language of a Latin-script word, not an entity class; guessing a class
    # would invent an annotation, so they become O.
    "B-ENGLISH": "O",  # Periodic_Table.txt:2845 "O", the symbol of oxygen
    "B-SPANISH": "O",  # Real_Madrid.txt:1498 "O'Donnell"
}
AQMAR_MAPPED_LABELS = ("PER", "LOC", "ORG", "MIS")


@dataclass
class ConllCorpus:
    """Documents read from CoNLL files, the Schema of the labels found, and warnings (file:line each)."""

    documents: list[Document]
    schema: Schema
    warnings: list[str] = field(default_factory=list)


@dataclass
class _Token:
    text: str
    tag: str
    line: int


@dataclass
class _Block:
    """One document's sentences, before tags are fixed and entities decoded."""

    path: Path
    line: int
    sentences: list[list[_Token]] = field(default_factory=list)
    id: str = ""


def read_conll(
    path: str | Path,
    scheme: Literal["auto", "BIO", "BILOU"] = "auto",
    malformed: Literal["error", "drop", "map"] = "error",
    tag_map: dict[str, str] | None = None,
    labels: Collection[str] | None = None,
) -> ConllCorpus:
    """Read a CoNLL file or every CoNLL file of a folder (see the module docstring)."""
    if malformed not in ("error", "drop", "map") or scheme not in ("auto", "BIO", "BILOU"):
        raise UserError(f"unknown malformed={malformed!r} or scheme={scheme!r}")
    if malformed == "map" and not tag_map:
        raise UserError("malformed='map' needs a tag_map (raw tag -> fixed tag), e.g. AQMAR_TAG_MAP")
    path, problems, warnings = Path(path), Problems(), []
    blocks = [b for f in _conll_files(path) for b in _read_blocks(f, problems)]
    for block in blocks:
        _fix_tags(block, scheme, malformed == "drop", tag_map or {}, labels, problems, warnings)
    problems.raise_if_any()  # a malformed tag would otherwise decode into a bogus entity
    raws = [(f"{b.path}:{b.line}", _block_to_raw(b, warnings)) for b in blocks]
    types = sorted({e["type"] for _, raw in raws for e in raw["events"]})
    schema = Schema(name=f"conll-{path.stem}", version=1, roles={}, event_types={t: () for t in types})
    located = [(where, parse_document(raw, schema, where, problems)) for where, raw in raws]
    located = [(where, doc) for where, doc in located if doc is not None]
    check_unique_ids(located, problems)
    problems.raise_if_any()
    return ConllCorpus([doc for _, doc in located], schema, warnings)


def _conll_files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.suffix in SUFFIXES and p.is_file())
    if not path.is_file():
        raise FileNotFoundError(f"CoNLL file not found: {path}")
    return [path]


def _read_blocks(path: Path, problems: Problems) -> list[_Block]:
    blocks, sentence, docstart = [_Block(path, 1)], [], False
    with path.open(encoding="utf-8-sig") as f:
        for lineno, line in enumerate(f, start=1):
            cols = line.split()
            if not cols or cols[0] == DOCSTART:
                if sentence:
                    blocks[-1].sentences.append(sentence)
                sentence = []
                if cols:
                    blocks.append(_Block(path, lineno))
                    docstart = True
            elif len(cols) < 2:
                problems.add(f"{path}:{lineno}", f"expected 'TOKEN ... TAG', got {line.strip()!r}")
            else:
                sentence.append(_Token(cols[0], cols[-1], lineno))
    if sentence:
        blocks[-1].sentences.append(sentence)
    blocks = [b for b in blocks if b.sentences]
    for n, block in enumerate(blocks, start=1):
        block.id = f"{path.stem}-{n}" if docstart else path.stem
    return blocks


def _fix_tags(
    block: _Block,
    scheme: str,
    drop: bool,
    tag_map: dict[str, str],
    labels: Collection[str] | None,
    problems: Problems,
    warnings: list[str],
) -> None:
    """Map, check and (when ``drop``) blank each tag in place; every malformed one is reported."""
    for token in (t for sentence in block.sentences for t in sentence):
        token.tag, raw = tag_map.get(token.tag, token.tag), token.tag
        where = f"{block.path}:{token.line}: document {block.id}: token {token.text!r}"
        reason = _malformed(token.tag, scheme, labels)
        if reason and drop:
            warnings.append(f"{where}: {reason}; read as O")
            token.tag = "O"
        elif reason:
            problems.add(where, reason + ("" if raw == token.tag else f" (mapped from {raw!r})"))
        elif raw != token.tag and _malformed(raw, scheme, None):  # not the deliberate relabels
            warnings.append(f"{where}: malformed tag {raw!r} mapped to {token.tag!r}")


def _malformed(tag: str, scheme: str, labels: Collection[str] | None) -> str | None:
    """Why ``tag`` is malformed, or None."""
    if tag == "O":
        return None
    match = _TAG.fullmatch(tag)
    if not match:
        return f"malformed tag {tag!r} (expected O or B-/I-/L-/U-LABEL)"
    if scheme == "BIO" and match.group(1) not in "BI":
        return f"tag {tag!r} is not BIO (read with scheme='BILOU')"
    if labels is not None and match.group(2) not in labels:
        return f"tag {tag!r} has a label outside {', '.join(labels)}"
    return None


def _block_to_raw(block: _Block, warnings: list[str]) -> dict:
    """The document dict of a block: text, token spans, one event per entity."""
    text_parts, tokens, events, offset = [], [], [], 0
    for sentence in block.sentences:
        spans = []
        for token in sentence:
            spans.append([offset, offset + len(token.text)])
            offset += len(token.text) + 1  # the space (or the newline after the sentence)
        text_parts.append(" ".join(t.text for t in sentence))
        for entity in bio_to_spans([t.tag for t in sentence]):
            first, stop, label = entity.first, entity.last + 1, entity.name
            if entity.orphan:
                warnings.append(
                    f"{block.path}:{sentence[first].line}: document {block.id}: token "
                    f"{sentence[first].text!r}: {sentence[first].tag} without a preceding B-{label}; "
                    "read as the start of an entity"
                )
            events.append((label, spans[first][0], spans[stop - 1][1]))
        tokens += spans
    text = "\n".join(text_parts)
    return {
        "id": block.id,
        "text": text,
        "meta": {"tokens": tokens, "source": str(block.path)},
        "events": [
            {"id": f"E{n}", "type": label, "trigger": {"start": s, "end": e, "text": text[s:e]}}
            for n, (label, s, e) in enumerate(events, start=1)
        ],
    }


def write_conll(docs: Iterable[Document], path: str | Path, scheme: Literal["BIO", "BILOU"] = "BIO") -> list[str]:
    """Write each document's words with their trigger tags, ``token TAG`` a line; arguments are not kept.

    Words are ``meta["tokens"]`` when present (documents read from CoNLL), else
    ``word_spans``; sentences are the lines of a CoNLL-origin text, else
    ``split_sentences``. When there are several documents, each starts with a
    ``-DOCSTART-`` line. Returns one warning per trigger that does not line
    up with word boundaries (written as O rather than guessed).
    """
    docs, warnings = list(docs), []
    lines: list[str] = []
    for doc in docs:
        if len(docs) > 1:
            lines += [f"{DOCSTART} O", ""]
        lines += _document_lines(doc, scheme, f"{path}: document {doc.id}", warnings)
    atomic_write_text(Path(path), "\n".join(lines) + "\n")
    return warnings


def _document_lines(doc: Document, scheme: str, where: str, warnings: list[str]) -> list[str]:
    conll_origin = "tokens" in doc.meta
    words = [tuple(w) for w in doc.meta["tokens"]] if conll_origin else word_spans(doc.text)
    tags = encode_tags(words, [(e.type, e.trigger) for e in doc.events], scheme, where, warnings)
    if conll_origin:  # its sentences are its lines
        sentence_ends = [end for _, end in line_spans(doc.text)]
    else:
        sentence_ends = [end for _, end in split_sentences(doc.text)]
    lines: list[str] = []
    k = 0
    for (start, end), tag in zip(words, tags):
        while k < len(sentence_ends) - 1 and start >= sentence_ends[k]:
            k += 1  # a blank line between sentences, none for sentences without words
            if lines and lines[-1]:
                lines.append("")
        lines.append(f"{doc.text[start:end]} {tag}")
    return lines + [""]


def encode_tags(
    words: list[tuple[int, int]],
    spans: list[tuple[str, Span]],
    scheme: str = "BIO",
    where: str = "",
    warnings: list[str] | None = None,
) -> list[str]:
    """One tag a word for labelled spans; a span not on word boundaries is left O and warned about."""
    tags = ["O"] * len(words)
    starts = {s: i for i, (s, _) in enumerate(words)}
    ends = {e: i for i, (_, e) in enumerate(words)}
    for label, span in spans:
        first, last = starts.get(span.start), ends.get(span.end)
        if first is None or last is None or last < first:
            if warnings is not None:
                warnings.append(
                    f"{where}: span [{span.start}:{span.end}] {span.text!r} is not on word boundaries; written as O"
                )
            continue
        mark_span(tags, LabelledSpan(first, last, label), scheme)
    return tags
