"""Turn annotation drafts that name spans by their text into canonical JSONL with offsets.

Annotators writing by hand find character offsets error-prone. A draft names
each span by its text; this script finds it in the article and writes the
canonical format of FORMAT.md.

Draft: one JSON object per line:
    {"id": "doc-1", "meta": {...}, "text": "...",
     "events": [{"type": "Attack", "trigger": "استهدفت",
                 "arguments": [["Agent", "خلايا داعش"], ["Place", "منطقة العزبة"]]}]}

A span text matches only at word boundaries (see hadath.text.words). A trigger
that occurs more than once is written "text#n" (the n-th occurrence in the
article, counting from 1). An argument is looked up in the trigger's sentence;
write "text#n" to pick the n-th occurrence in the whole article instead.

    python scripts/anchor_spans.py DRAFT.jsonl [...] -o OUT.jsonl
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from hadath.schema import load_schema
from hadath.text import split_sentences, word_spans


class DraftError(ValueError):
    pass


def aligned_occurrences(text: str, needle: str, starts: set[int], ends: set[int]) -> list[int]:
    found, i = [], text.find(needle)
    while i >= 0:
        if i in starts and i + len(needle) in ends:
            found.append(i)
        i = text.find(needle, i + 1)
    return found


def split_ref(ref: str) -> tuple[str, int | None]:
    if "#" in ref:
        body, _, n = ref.rpartition("#")
        if n.isdigit():
            return body, int(n)
    return ref, None


def context(text: str, start: int, end: int) -> str:
    return text[max(0, start - 25) : end + 25].replace("\n", " ")


def resolve(doc: dict, schema) -> dict:
    text = doc["text"]
    words = word_spans(text)
    starts, ends = {s for s, _ in words}, {e for _, e in words}
    sentences = split_sentences(text)
    events, taken = [], []
    for k, draft in enumerate(doc.get("events", []), start=1):
        etype = draft["type"]
        if etype not in schema.event_types:
            raise DraftError(f"event {k}: unknown type {etype!r}")
        trig_text, nth = split_ref(draft["trigger"])
        occ = aligned_occurrences(text, trig_text, starts, ends)
        if not occ:
            raise DraftError(f"event {k}: trigger {trig_text!r} not found at word boundaries")
        if nth is None and len(occ) > 1:
            raise DraftError(
                f"event {k}: trigger {trig_text!r} occurs {len(occ)} times; write {trig_text}#n: "
                + " | ".join(f"#{i + 1}: …{context(text, o, o + len(trig_text))}…" for i, o in enumerate(occ))
            )
        if nth is not None and not 1 <= nth <= len(occ):
            raise DraftError(f"event {k}: trigger {trig_text!r} has only {len(occ)} occurrences, not #{nth}")
        t_start = occ[(nth or 1) - 1]
        t_end = t_start + len(trig_text)
        for s, e in taken:
            if s < t_end and t_start < e:
                raise DraftError(f"event {k}: trigger {trig_text!r} overlaps another trigger")
        taken.append((t_start, t_end))
        sent = next((s for s in sentences if s[0] <= t_start < s[1]), (0, len(text)))
        args = []
        for role, ref in draft.get("arguments", []):
            if not schema.allows(etype, role):
                raise DraftError(f"event {k} ({etype}): role {role!r} not allowed; allowed {schema.event_types[etype]}")
            a_text, a_nth = split_ref(ref)
            occ = aligned_occurrences(text, a_text, starts, ends)
            if a_nth is not None:
                if not 1 <= a_nth <= len(occ):
                    raise DraftError(f"event {k}: argument {a_text!r} has {len(occ)} aligned occurrences, not #{a_nth}")
                a_start = occ[a_nth - 1]
            else:
                local = [o for o in occ if sent[0] <= o and o + len(a_text) <= sent[1]]
                if len(local) != 1:
                    where = ", ".join(f"#{occ.index(o) + 1}" for o in local) if local else "none"
                    raise DraftError(
                        f"event {k} ({etype} {trig_text!r}): argument {role} {a_text!r} found {len(local)} times at word "
                        f"boundaries in the trigger's sentence ({where}); whole-article occurrences: {len(occ)}; write text#n"
                    )
                a_start = local[0]
            a_end = a_start + len(a_text)
            if a_start < t_end and t_start < a_end:
                raise DraftError(f"event {k}: argument {a_text!r} overlaps its own trigger")
            args.append({"role": role, "start": a_start, "end": a_end, "text": a_text})
        events.append(
            {
                "id": f"E{k}",
                "type": etype,
                "trigger": {"start": t_start, "end": t_end, "text": trig_text},
                "arguments": args,
            }
        )
    return {"id": doc["id"], "text": text, "meta": doc.get("meta", {}), "events": events}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("drafts", nargs="+", type=Path)
    parser.add_argument("-o", "--output", type=Path, required=True)
    parser.add_argument("--schema", default="conflict-v1")
    parser.add_argument(
        "--allow-repeated-sentences",
        action="store_true",
        help="published articles may share agency boilerplate: do not refuse a sentence seen in another draft",
    )
    args = parser.parse_args(argv)
    schema = load_schema(args.schema)
    out, errors, seen_ids, seen_sentences = [], [], set(), {}
    for path in args.drafts:
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            doc = None
            try:
                doc = json.loads(line)
                if doc["id"] in seen_ids:
                    raise DraftError(f"duplicate document id {doc['id']!r}")
                seen_ids.add(doc["id"])
                n_words = len(doc["text"].split())
                if not 120 <= n_words <= 600:
                    print(f"warning: {path}:{lineno} ({doc['id']}): {n_words} words", file=sys.stderr)
                for s, e in split_sentences(doc["text"]):
                    sentence = doc["text"][s:e]
                    if len(sentence) > 20 and sentence in seen_sentences and not args.allow_repeated_sentences:
                        raise DraftError(f"sentence repeated from {seen_sentences[sentence]}: {sentence[:60]}…")
                    seen_sentences.setdefault(sentence, doc["id"])
                out.append(resolve(doc, schema))
            except (DraftError, KeyError, json.JSONDecodeError) as err:
                errors.append(f"{path}:{lineno} ({doc.get('id', '?') if isinstance(doc, dict) else '?'}): {err}")
    for e in errors:
        print(e, file=sys.stderr)
    if errors:
        print(f"{len(errors)} error(s); nothing written", file=sys.stderr)
        return 1
    tmp = args.output.with_suffix(args.output.suffix + ".tmp")
    tmp.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in out), encoding="utf-8")
    tmp.replace(args.output)
    n_events = sum(len(d["events"]) for d in out)
    print(f"wrote {len(out)} documents, {n_events} events to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
