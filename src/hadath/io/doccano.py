"""doccano's JSONL export (sequence labelling with relations) in, validated Documents out.

Each line is one document: ``{"id": 7, "text": "…", "entities": [{"id": 1, "label":
"Attack", "start_offset": 0, "end_offset": 7}, …], "relations": [{"from_id": 1,
"to_id": 2, "type": "Agent"}, …]}``. An entity whose label is an event type of the
schema is a trigger; each relation leaving a trigger adds the argument it points
to, with the relation type as the role. Other entities are ignored.

``events_from_relations`` is the span-plus-relation logic shared with the Label
Studio reader.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hadath.documents import Document, Problems, check_unique_ids, parse_document
from hadath.io.jsonl import json_lines
from hadath.schema import Schema, load_schema


@dataclass(frozen=True)
class LabelledSpan:
    """One labelled span of an annotation tool, offsets already checked against the text."""

    id: str
    label: str
    start: int
    end: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text}


def read_doccano(path: str | Path, schema: Schema | None = None) -> list[Document]:
    """Read and validate a doccano JSONL export; AnnotationError lists every violation (file:line)."""
    schema = schema or load_schema()
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"doccano file not found: {path}")
    problems = Problems()
    located: list[tuple[str, Document]] = []
    for where, lineno, raw in json_lines(path, problems, bom_allowed=True):
        doc = _parse_line(raw, f"{path.stem}-{lineno}", schema, where, problems)
        if doc is not None:
            located.append((where, doc))
    check_unique_ids(located, problems)
    problems.raise_if_any()
    return [doc for _, doc in located]


def _parse_line(raw: Any, default_id: str, schema: Schema, where: str, problems: Problems) -> Document | None:
    if not isinstance(raw, dict) or not isinstance(raw.get("text"), str):
        problems.add(where, "expected a JSON object with a string field 'text'")
        return None
    doc_id = str(raw["id"]) if raw.get("id") not in (None, "") else default_id
    here = f"{where}: document {doc_id}"
    spans = {}
    for entity in raw.get("entities") or []:
        span = _entity_span(entity, raw["text"], here, problems)
        spans[str(entity.get("id") if isinstance(entity, dict) else None)] = span
    relations = [
        (str(r.get("from_id")), str(r.get("to_id")), str(r.get("type") or ""))
        for r in raw.get("relations") or []
        if isinstance(r, dict)
    ]
    events = events_from_relations(spans, relations, schema, here, problems)
    return parse_document({"id": doc_id, "text": raw["text"], "events": events}, schema, where, problems)


def _entity_span(entity: Any, text: str, where: str, problems: Problems) -> LabelledSpan | None:
    if not isinstance(entity, dict):
        problems.add(where, "an entity must be a JSON object")
        return None
    start, end = entity.get("start_offset"), entity.get("end_offset")
    here = f"{where}: entity {entity.get('id')} {entity.get('label')!r} [{start}:{end}]"
    if not (isinstance(start, int) and isinstance(end, int)):
        problems.add(here, "start_offset and end_offset must be integers")
        return None
    if not 0 <= start < end <= len(text):
        problems.add(here, f"offsets out of range: need 0 <= start < end <= {len(text)}")
        return None
    return LabelledSpan(str(entity.get("id")), str(entity.get("label")), start, end, text[start:end])


def events_from_relations(
    spans: dict[str, LabelledSpan | None],
    relations: list[tuple[str, str, str]],
    schema: Schema,
    where: str,
    problems: Problems,
) -> list[dict[str, Any]]:
    """Raw events (dicts for ``parse_document``) from labelled spans and (from_id, to_id, role) relations.

    Spans labelled with an event type are triggers (events numbered E1… in text
    order); a relation's from side must be a trigger, its to side is the
    argument, and an empty role falls back to the argument span's label. A span
    given as None was invalid and is reported already: its relations are skipped.
    """
    triggers = sorted((s for s in spans.values() if s and s.label in schema.event_types), key=lambda s: s.start)
    events = {
        s.id: {"id": f"E{n}", "type": s.label, "trigger": s.to_dict(), "arguments": []}
        for n, s in enumerate(triggers, start=1)
    }
    for from_id, to_id, role in relations:
        here = f"{where}: relation {from_id} -> {to_id} {role!r}"
        missing = [i for i in (from_id, to_id) if i not in spans]
        if missing:
            problems.add(here, f"points to {', '.join(map(repr, missing))}, which is not a labelled span here")
        elif spans[from_id] is None or spans[to_id] is None:
            continue
        elif from_id not in events:
            problems.add(
                here,
                f"starts at span {spans[from_id].label!r} {_show(spans[from_id])}, "
                f"which is not an event type of schema {schema.id}",
            )
        else:
            argument = spans[to_id]
            events[from_id]["arguments"].append({"role": role or argument.label, **argument.to_dict()})
    return list(events.values())


def _show(span: LabelledSpan) -> str:
    return f"[{span.start}:{span.end}] {span.text!r}"
