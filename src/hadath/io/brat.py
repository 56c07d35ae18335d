"""brat standoff (``X.txt`` + ``X.ann``) in and out; the document id is the file stem.

In: a folder of ``.ann`` files (each with its ``.txt``) or one ``.ann``/``.txt``
path. ``T`` lines are spans (``T1<TAB>Attack 10 17<TAB>text``), ``E`` lines are
events (``E1<TAB>Attack:T1 Agent:T2 Place2:T3``; brat numbers repeated roles,
so a trailing digit is stripped). ``A``/``R``/``#``/``N``/``*`` lines are
ignored. Offsets count code points of the ``.txt`` read as UTF-8 with line
endings untouched (CRLF stays two characters). Out: one ``.txt``/``.ann`` pair a
document; triggers are labelled with the event type, arguments with the role.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

from hadath.documents import Document, Event, Problems, check_unique_ids, parse_document
from hadath.errors import UserError
from hadath.io.atomic import atomic_write_text
from hadath.schema import Schema, load_schema

IGNORED = ("A", "R", "#", "N", "M", "*")
_SPAN = re.compile(r"(\S+) (\d+) (\d+)")
_EVENT_ID = re.compile(r"E\d+")
_SAFE_ID = re.compile(r"[^/\\\x00]+")


class _TSpan(NamedTuple):
    label: str
    start: int
    end: int
    text: str
    line: int

    def to_dict(self) -> dict:
        return {"start": self.start, "end": self.end, "text": self.text}


def read_brat(path_or_dir: str | Path, schema: Schema | None = None) -> list[Document]:
    """Read and validate brat documents; AnnotationError names file:line, document and span of each problem."""
    schema = schema or load_schema()
    problems = Problems()
    located = []
    for ann in _ann_files(Path(path_or_dir)):
        doc = _read_pair(ann, schema, problems)
        if doc is not None:
            located.append((str(ann), doc))
    check_unique_ids(located, problems)
    problems.raise_if_any()
    return [doc for _, doc in located]


def _ann_files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(path.glob("*.ann"))
    ann = path.with_suffix(".ann") if path.suffix in (".txt", ".ann") else Path(f"{path}.ann")
    if not ann.is_file():
        raise FileNotFoundError(f"brat annotation file not found: {ann}")
    return [ann]


def _read_pair(ann: Path, schema: Schema, problems: Problems) -> Document | None:
    txt, doc_id = ann.with_suffix(".txt"), ann.stem
    if not txt.is_file():
        problems.add(str(ann), f"document {doc_id}: the text file {txt.name} is missing")
        return None
    with txt.open(encoding="utf-8", newline="") as f:  # newline="": brat offsets count "\r\n" as two
        text = f.read()
    if text.startswith("\ufeff"):
        problems.add(f"{txt}:1: document {doc_id}", "file starts with a byte-order mark; save as UTF-8 without BOM")
        return None
    spans, events = _parse_ann(ann, doc_id, text, problems)
    parsed: list[tuple[int, Event]] = []
    for lineno, raw in events:
        resolved = _resolve_event(raw, spans, f"{ann}:{lineno}: document {doc_id}", problems)
        if resolved is None:
            continue
        # One event at a time so each problem names the E line it comes from.
        one = parse_document({"id": doc_id, "text": text, "events": [resolved]}, schema, f"{ann}:{lineno}", problems)
        if one is not None and one.events:
            parsed.append((lineno, one.events[0]))
    _check_trigger_overlaps(parsed, str(ann), doc_id, problems)
    return Document(doc_id, text, tuple(e for _, e in parsed), {"source": str(txt)})


def _parse_ann(ann: Path, doc_id: str, text: str, problems: Problems) -> tuple[dict, list]:
    """T spans by id (None for a T line already reported as broken) and ``(line, raw E)`` pairs."""
    spans: dict[str, _TSpan | None] = {}
    events: list[tuple[int, dict]] = []
    seen: dict[str, int] = {}
    with ann.open(encoding="utf-8") as f:
        for lineno, line in enumerate(f, start=1):
            line = line.rstrip("\r\n")
            if not line.strip() or line.startswith(IGNORED):
                continue
            where = f"{ann}:{lineno}: document {doc_id}"
            ann_id = line.split("\t", 1)[0]
            if ann_id in seen:
                problems.add(where, f"annotation id {ann_id} already used at line {seen[ann_id]}")
                continue
            seen[ann_id] = lineno
            if line.startswith("T"):
                span = _parse_span_line(line, text, where, problems)
                spans[ann_id] = _TSpan(*span, text[span[1] : span[2]], lineno) if span else None
            elif line.startswith("E"):
                events.append((lineno, _parse_event_line(line)))
            else:
                problems.add(where, f"unknown annotation line {line[:40]!r} (expected T, E, A, R, #, N or *)")
    return spans, events


def _parse_span_line(line: str, text: str, where: str, problems: Problems) -> tuple[str, int, int] | None:
    fields = line.split("\t")
    ann_id, body, span_text = (fields + ["", ""])[:3]
    where = f"{where}: {ann_id} {body!r}"
    if ";" in body:
        problems.add(where, "discontinuous span is not supported; split it into separate annotations")
        return None
    match = _SPAN.fullmatch(body)
    if not match:
        problems.add(where, "expected 'TYPE START END' between tabs")
        return None
    label, start, end = match.group(1), int(match.group(2)), int(match.group(3))
    if not 0 <= start < end <= len(text):
        problems.add(where, f"offsets out of range: need 0 <= start < end <= {len(text)}")
        return None
    # brat writes a span's line breaks as spaces on the one-line .ann entry.
    if text[start:end].replace("\r", " ").replace("\n", " ") != span_text:
        problems.add(where, f"text[{start}:{end}] is {text[start:end]!r}, not {span_text!r}")
        return None
    return label, start, end


def _parse_event_line(line: str) -> dict:
    ann_id, _, body = line.partition("\t")
    parts = [p.partition(":") for p in body.split()]
    (event_type, _, trigger), args = (parts[0] if parts else ("", "", "")), parts[1:]
    return {
        "id": ann_id,
        "type": event_type,
        "trigger": trigger,
        "arguments": [(re.sub(r"\d+$", "", role), ref) for role, _, ref in args],
    }


def _resolve_event(raw: dict, spans: dict, where: str, problems: Problems) -> dict | None:
    """Replace T references by spans; a missing or mistyped reference is reported."""
    here = f"{where}: event {raw['id']}"
    refs = [raw["trigger"]] + [ref for _, ref in raw["arguments"]]
    missing = [ref for ref in refs if ref not in spans]
    if not missing and any(spans[ref] is None for ref in refs):
        return None  # its broken T line is reported already
    if missing:
        problems.add(
            here,
            f"refers to {', '.join(map(repr, missing))}, not a T span of this file "
            "(events as arguments are not supported)",
        )
        return None
    trigger = spans[raw["trigger"]]
    if trigger.label != raw["type"]:
        problems.add(
            here,
            f"is typed {raw['type']!r} but its trigger {raw['trigger']} (line {trigger.line}) "
            f"is labelled {trigger.label!r}",
        )
        return None
    return {
        **raw,
        "trigger": trigger.to_dict(),
        "arguments": [{"role": role, **spans[ref].to_dict()} for role, ref in raw["arguments"]],
    }


def _check_trigger_overlaps(parsed: list[tuple[int, Event]], ann: str, doc_id: str, problems: Problems) -> None:
    for i, (_, first) in enumerate(parsed):
        for lineno, other in parsed[i + 1 :]:
            if first.trigger.overlaps(other.trigger):
                t = other.trigger
                problems.add(
                    f"{ann}:{lineno}: document {doc_id}: event {other.id} trigger [{t.start}:{t.end}] {t.text!r}",
                    f"overlaps the trigger of event {first.id} [{first.trigger.start}:{first.trigger.end}]",
                )


def write_brat(docs: Iterable[Document], out_dir: str | Path) -> None:
    """Write ``<id>.txt`` and ``<id>.ann`` for each document, each file atomically.

    Scores are not kept (brat has none). Event ids that are not ``E<n>`` are renumbered.
    """
    docs, out_dir = list(docs), Path(out_dir)
    bad = [d.id for d in docs if not _SAFE_ID.fullmatch(d.id) or d.id in (".", "..")]
    dupes = {d.id for d in docs if [x.id for x in docs].count(d.id) > 1}
    if bad or dupes:  # checked before anything is written
        raise UserError(f"document ids unusable as brat file names: {sorted(set(bad) | dupes)}")
    for doc in docs:
        atomic_write_text(out_dir / f"{doc.id}.txt", doc.text)
        atomic_write_text(out_dir / f"{doc.id}.ann", ann_text(doc))


def ann_text(doc: Document) -> str:
    """The ``.ann`` content of one document: T lines first, then E lines."""
    t_ids: dict[tuple[str, int, int], str] = {}
    t_lines: list[str] = []
    e_lines: list[str] = []

    def t_ref(label: str, span) -> str:
        key = (label, span.start, span.end)
        if key not in t_ids:
            t_ids[key] = f"T{len(t_ids) + 1}"
            flat = span.text.replace("\r", " ").replace("\n", " ")
            t_lines.append(f"{t_ids[key]}\t{label} {span.start} {span.end}\t{flat}")
        return t_ids[key]

    renumber = not all(_EVENT_ID.fullmatch(e.id) for e in doc.events)
    for n, event in enumerate(doc.events, start=1):
        parts = [f"{event.type}:{t_ref(event.type, event.trigger)}"]
        counts: dict[str, int] = {}
        for arg in event.arguments:
            counts[arg.role] = counts.get(arg.role, 0) + 1
            suffix = str(counts[arg.role]) if counts[arg.role] > 1 else ""  # brat's Place, Place2, …
            parts.append(f"{arg.role}{suffix}:{t_ref(arg.role, arg.span)}")
        e_lines.append(f"{f'E{n}' if renumber else event.id}\t{' '.join(parts)}")
    return "".join(line + "\n" for line in t_lines + e_lines)
