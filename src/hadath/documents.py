"""Document, Event and Span: the canonical annotation model of FORMAT.md, and its validation.

Validation never stops at the first problem: it collects every violation in a
file (up to a cap) so an annotator can fix them in one pass. Each violation is
one line naming the file, the line, the document and the offending span.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from hadath.errors import UserError
from hadath.schema import Schema

MAX_REPORTED = 50


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text}


@dataclass(frozen=True)
class Argument:
    role: str
    span: Span
    score: float | None = None

    def to_dict(self) -> dict[str, Any]:
        out = {"role": self.role, **self.span.to_dict()}
        if self.score is not None:
            out["score"] = round(self.score, 4)
        return out


@dataclass(frozen=True)
class Event:
    id: str
    type: str
    trigger: Span
    arguments: tuple[Argument, ...] = ()
    score: float | None = None

    def to_dict(self) -> dict[str, Any]:
        trigger = self.trigger.to_dict()
        if self.score is not None:
            trigger["score"] = round(self.score, 4)
        return {
            "id": self.id,
            "type": self.type,
            "trigger": trigger,
            "arguments": [a.to_dict() for a in self.arguments],
        }


@dataclass(frozen=True)
class Document:
    id: str
    text: str
    events: tuple[Event, ...] = ()
    meta: dict[str, Any] = field(default_factory=dict, compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "text": self.text, "meta": dict(self.meta), "events": [e.to_dict() for e in self.events]}


class AnnotationError(UserError):
    """One or more annotation rules are broken; ``violations`` holds one line each."""

    def __init__(self, violations: list[str], total: int | None = None):
        self.violations = violations
        total = len(violations) if total is None else total
        more = f"\n… and {total - len(violations)} more" if total > len(violations) else ""
        super().__init__(f"{total} annotation error(s):\n" + "\n".join(violations) + more)


class Problems:
    """Collects violations with their location prefix; keeps the first MAX_REPORTED."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.total = 0

    def add(self, where: str, message: str) -> None:
        self.total += 1
        if len(self.lines) < MAX_REPORTED:
            self.lines.append(f"{where}: {message}")

    def raise_if_any(self) -> None:
        if self.total:
            raise AnnotationError(self.lines, self.total)


def parse_document(raw: Any, schema: Schema, where: str, problems: Problems) -> Document | None:
    """Build a Document from a decoded JSON object, adding every violation to ``problems``."""
    if not isinstance(raw, dict):
        problems.add(where, f"expected a JSON object, got {type(raw).__name__}")
        return None
    doc_id, text = raw.get("id"), raw.get("text")
    if not isinstance(doc_id, str) or not doc_id:
        problems.add(where, "missing or empty string field 'id'")
        return None
    where = f"{where}: document {doc_id}"
    if not isinstance(text, str):
        problems.add(where, "missing string field 'text'")
        return None
    raw_events = raw.get("events", [])
    if not isinstance(raw_events, list):
        problems.add(where, "'events' must be a list")
        return None
    events = [e for e in (_parse_event(r, text, schema, where, problems) for r in raw_events) if e]
    _check_events(events, where, problems)
    meta = raw.get("meta") or {}
    return Document(doc_id, text, tuple(events), meta if isinstance(meta, dict) else {"meta": meta})


def _parse_event(raw: Any, text: str, schema: Schema, where: str, problems: Problems) -> Event | None:
    if not isinstance(raw, dict):
        problems.add(where, "an event must be a JSON object")
        return None
    event_id, event_type = str(raw.get("id", "?")), raw.get("type")
    here = f"{where}: event {event_id}"
    ok = True
    if event_type not in schema.event_types:
        problems.add(
            here, f"unknown event type {event_type!r} (schema {schema.id} has {', '.join(schema.event_types)})"
        )
        ok = False
    trigger = _parse_span(raw.get("trigger"), text, f"{here}: trigger", problems)
    arguments = []
    for arg in raw.get("arguments", []) or []:
        role = arg.get("role") if isinstance(arg, dict) else None
        span = _parse_span(arg, text, f"{here}: argument {role}", problems)
        if event_type in schema.event_types and not schema.allows(event_type, role):
            problems.add(
                f"{here}: argument {role} {_show(arg)}",
                f"role {role!r} is not allowed for {event_type} (allowed: {', '.join(schema.event_types[event_type])})",
            )
            ok = False
        if span:
            arguments.append(Argument(str(role), span))
    if not (ok and trigger) or len(arguments) != len(raw.get("arguments", []) or []):
        return None
    return Event(event_id, event_type, trigger, tuple(arguments))


def _parse_span(raw: Any, text: str, where: str, problems: Problems) -> Span | None:
    if not isinstance(raw, dict) or not all(k in raw for k in ("start", "end", "text")):
        problems.add(where, "a span needs 'start', 'end' and 'text'")
        return None
    start, end, span_text = raw["start"], raw["end"], raw["text"]
    if not (isinstance(start, int) and isinstance(end, int) and isinstance(span_text, str)):
        problems.add(f"{where} {_show(raw)}", "start and end must be integers and text a string")
        return None
    if not 0 <= start < end <= len(text):
        problems.add(f"{where} {_show(raw)}", f"offsets out of range: need 0 <= start < end <= {len(text)}")
        return None
    if text[start:end] != span_text:
        problems.add(f"{where} {_show(raw)}", f"text[{start}:{end}] is {text[start:end]!r}, not {span_text!r}")
        return None
    return Span(start, end, span_text)


def _check_events(events: list[Event], where: str, problems: Problems) -> None:
    seen: set[str] = set()
    for i, event in enumerate(events):
        if event.id in seen:
            problems.add(where, f"event id {event.id!r} is used twice")
        seen.add(event.id)
        for other in events[i + 1 :]:
            if event.trigger.overlaps(other.trigger):
                problems.add(
                    f"{where}: event {event.id} trigger {_show(event.trigger)}",
                    f"overlaps the trigger of event {other.id} {_show(other.trigger)}",
                )
        for arg in event.arguments:
            if arg.span.overlaps(event.trigger):
                problems.add(
                    f"{where}: event {event.id} argument {arg.role} {_show(arg.span)}", "overlaps its own trigger"
                )


def check_unique_ids(docs: Iterable[tuple[str, Document]], problems: Problems) -> set[str]:
    """Document ids must be unique within a corpus; ``docs`` pairs each with its location.
    Returns the locations of the repeats."""
    first: dict[str, str] = {}
    repeats = set()
    for where, doc in docs:
        if doc.id in first:
            problems.add(where, f"document id {doc.id!r} already used at {first[doc.id]}")
            repeats.add(where)
        first.setdefault(doc.id, where)
    return repeats


def _show(span: Any) -> str:
    if isinstance(span, Span):
        return f"[{span.start}:{span.end}] {span.text!r}"
    if isinstance(span, dict):
        return f"[{span.get('start')}:{span.get('end')}] {span.get('text')!r}"
    return repr(span)
