"""Label Studio's JSON export (a list of tasks) in, validated Documents out.

A task holds the article in ``task["data"]["text"]`` and its first submitted
annotation in ``task["annotations"]``: ``labels`` results are spans (``value``
has ``start``, ``end``, ``text``, ``labels``), ``relation`` results link a
trigger span (``from_id``, labelled with an event type) to an argument span
(``to_id``) with the role as ``labels[0]``. The document id is ``data["id"]`` if
present, else the task id. Tasks without an annotation are skipped with a
warning: an unannotated task is not a gold "no events" document.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from hadath.documents import Document, Problems, check_unique_ids, parse_document
from hadath.io.doccano import LabelledSpan, events_from_relations
from hadath.schema import Schema, load_schema
from hadath.text.units import utf16_offset

log = logging.getLogger(__name__)


def read_labelstudio(path: str | Path, schema: Schema | None = None) -> list[Document]:
    """Read and validate a Label Studio export; AnnotationError lists every violation (file, task)."""
    schema = schema or load_schema()
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"Label Studio export not found: {path}")
    problems = Problems()
    try:
        tasks = json.loads(path.read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as err:
        problems.add(f"{path}:{err.lineno}", f"invalid JSON: {err.msg} at column {err.colno}")
        problems.raise_if_any()
    if not isinstance(tasks, list):
        problems.add(str(path), "expected a JSON list of tasks (Label Studio 'JSON' export)")
        problems.raise_if_any()
    located = []
    for index, task in enumerate(tasks):
        where = f"{path}: task {index} (id {task.get('id') if isinstance(task, dict) else '?'})"
        doc = _parse_task(task, schema, where, problems)
        if doc is not None:
            located.append((where, doc))
    check_unique_ids(located, problems)
    problems.raise_if_any()
    return [doc for _, doc in located]


def _parse_task(task: Any, schema: Schema, where: str, problems: Problems) -> Document | None:
    data = task.get("data") if isinstance(task, dict) else None
    if not isinstance(data, dict) or not isinstance(data.get("text"), str):
        problems.add(where, "a task needs data.text (a string)")
        return None
    doc_id = str(data["id"]) if data.get("id") not in (None, "") else str(task.get("id", ""))
    results = _first_annotation(task)
    if results is None:
        log.warning("%s: no submitted annotation; task skipped", where)
        return None
    text, here = data["text"], f"{where}: document {doc_id}"
    spans = {}
    for result in results:
        if isinstance(result, dict) and result.get("type") == "labels":
            spans[str(result.get("id"))] = _result_span(result, text, here, problems)
    relations = [_relation(r) for r in results if isinstance(r, dict) and r.get("type") == "relation"]
    events = events_from_relations(spans, relations, schema, here, problems)
    return parse_document(
        {"id": doc_id, "text": text, "events": events, "meta": {"labelstudio_task": task.get("id")}},
        schema,
        where,
        problems,
    )


def _first_annotation(task: dict) -> list | None:
    # The first annotation that was not cancelled ("skipped" in the UI).
    for annotation in task.get("annotations") or []:
        if isinstance(annotation, dict) and not annotation.get("was_cancelled"):
            return list(annotation.get("result") or [])
    return None


def _relation(result: dict) -> tuple[str, str, str]:
    """(trigger id, argument id, role): the arrow starts at the trigger; "left" means it runs to_id -> from_id."""
    ends = str(result.get("from_id")), str(result.get("to_id"))
    trigger, argument = ends[::-1] if result.get("direction") == "left" else ends
    return trigger, argument, _first(result.get("labels"))


def _result_span(result: dict, text: str, where: str, problems: Problems) -> LabelledSpan | None:
    value = result.get("value") or {}
    start, end, span_text = value.get("start"), value.get("end"), value.get("text")
    here = f"{where}: result {result.get('id')} [{start}:{end}] {span_text!r}"
    if not (isinstance(start, int) and isinstance(end, int)):
        problems.add(here, "value.start and value.end must be integers")
        return None
    start, end = _code_points(text, start, end, span_text)
    if not 0 <= start < end <= len(text):
        problems.add(here, f"offsets out of range: need 0 <= start < end <= {len(text)}")
        return None
    if span_text is not None and text[start:end] != span_text:
        problems.add(here, f"text[{start}:{end}] is {text[start:end]!r}, not {span_text!r}")
        return None
    return LabelledSpan(str(result.get("id")), _first(value.get("labels")), start, end, text[start:end])


def _code_points(text: str, start: int, end: int, span_text: str | None) -> tuple[int, int]:
    """Label Studio counts offsets in UTF-16 units (JavaScript); Python counts code points.

    They differ only after a character outside the BMP (an emoji), so convert
    only when the code-point slice does not match and the UTF-16 one does.
    """
    if span_text is None or text[start:end] == span_text or text.isascii():
        return start, end
    units = text.encode("utf-16-le")
    if units[2 * start : 2 * end].decode("utf-16-le", errors="replace") != span_text:
        return start, end
    to_cp = len(units[: 2 * start].decode("utf-16-le", errors="replace"))
    return to_cp, to_cp + len(span_text)


def _first(labels: Any) -> str:
    return str(labels[0]) if isinstance(labels, list) and labels else ""


def labelstudio_tasks(docs: list[Document], model_version: str) -> list[dict]:
    """Documents as Label Studio import tasks carrying model predictions (pre-annotations).

    Each trigger is a ``labels`` result with its event type; each argument span a ``labels``
    result with its role, tied to its trigger by a ``relation`` result labelled with the role
    (the layout ``read_labelstudio`` reads back). Offsets are in UTF-16 units, as Label Studio
    counts them; each result keeps its score, and each task's prediction the mean score.
    """
    return [_task(doc, model_version) for doc in docs]


def _task(doc: Document, model_version: str) -> dict:
    results, ids, scores = [], {}, []

    def span_result(label: str, span, score) -> str:
        key = (label, span.start, span.end)
        if key not in ids:
            ids[key] = f"s{len(ids) + 1}"
            value = {
                "start": utf16_offset(doc.text, span.start),
                "end": utf16_offset(doc.text, span.end),
                "text": span.text,
                "labels": [label],
            }
            result = {"id": ids[key], "from_name": "label", "to_name": "text", "type": "labels", "value": value}
            if score is not None:
                result["score"] = round(score, 4)
                scores.append(score)
            results.append(result)
        return ids[key]

    relations = []
    for event in doc.events:
        trigger = span_result(event.type, event.trigger, event.score)
        for argument in event.arguments:
            target = span_result(argument.role, argument.span, argument.score)
            relation = {"from_id": trigger, "to_id": target, "type": "relation", "direction": "right"}
            relations.append(relation | {"labels": [argument.role]})
    prediction = {
        "model_version": model_version,
        "score": round(sum(scores) / len(scores), 4) if scores else 0.0,
        "result": results + relations,
    }
    return {"data": {"id": doc.id, "text": doc.text, "meta": dict(doc.meta)}, "predictions": [prediction]}
