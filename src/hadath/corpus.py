"""Consistency checks and statistics for annotation files.

    python -m hadath.corpus check [FILES...] [--allow FILE ...]
    python -m hadath.corpus stats [FILES...] [--json]

FILES default to the whole corpus: the constructed articles (annotations/*.jsonl) and
real news (annotations/real/*.jsonl); ``check`` then checks each part on its own with
its own allow list (one summary line each). Both commands load the files with
read_jsonl, which validates them. ``check`` prints one line for each problem:
file, document id, [start:end], severity, kind and the exact text. Kinds:

- ``unannotated`` (error): a trigger surface form, exactly as written, stands
  elsewhere in the corpus at word boundaries and touches no trigger there.
- ``type-conflict`` (error): a surface form is annotated with another type than
  most of its other occurrences.
- ``crosses-sentence`` (error): a trigger or argument spans two sentences.
- ``outside-sentence`` (warning): an argument stands outside its trigger's sentence.
- ``word-boundary`` (error): a span starts or ends inside a word.
- ``punctuation`` (error): a span begins or ends with a punctuation mark, other than a quote
  or bracket whose partner is inside the span ("فصيل «فرقة الحمزة»" is one phrase).
- ``role`` / ``unknown-type`` (error): a role the schema does not allow for the type.

The allow lists (by default each part's check-allow.txt: annotations/ and annotations/real/)
hold one line for each justified case:
``doc_id<TAB>start<TAB>kind<TAB>reason``. Blank lines and lines starting with # are
skipped. Justified cases are counted but not printed. The exit code is 1 if any
problem is printed, warnings included, and 0 otherwise.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from hadath.config import ROOT
from hadath.documents import AnnotationError, Document, Span
from hadath.io.jsonl import read_jsonl
from hadath.schema import Schema, load_schema
from hadath.text import split_sentences, word_spans
from hadath.text.words import PUNCTUATION

ANNOTATIONS = ROOT / "annotations"
PARTS = (ANNOTATIONS, ANNOTATIONS / "real")  # the constructed corpus and real news
SEVERITY = {
    "unannotated": "error",
    "type-conflict": "error",
    "crosses-sentence": "error",
    "outside-sentence": "warning",
    "word-boundary": "error",
    "punctuation": "error",
    "role": "error",
    "unknown-type": "error",
    "allow-list": "error",
}
Located = list[tuple[str, Document]]  # (file name, document)


@dataclass(frozen=True, order=True)
class Finding:
    file: str
    doc_id: str
    start: int
    end: int
    kind: str
    text: str
    message: str

    @property
    def severity(self) -> str:
        return SEVERITY[self.kind]

    def line(self) -> str:
        return (
            f"{self.file}: {self.doc_id} [{self.start}:{self.end}] {self.severity} {self.kind}: "
            f'"{self.text}" {self.message}'
        )


def _finding(file: str, doc: Document, span: Span, kind: str, message: str) -> Finding:
    return Finding(file, doc.id, span.start, span.end, kind, doc.text[span.start : span.end], message)


def check_documents(located: Located, schema: Schema) -> list[Finding]:
    """Every problem in the documents, in reading order. ``located`` pairs each document with its file name."""
    found: set[Finding] = set()  # a set: an argument shared by two events is reported once
    for file, doc in located:
        found.update(_document_findings(file, doc, schema))
    found.update(_surface_findings(located))
    order = {(file, doc.id): i for i, (file, doc) in enumerate(located)}  # report in reading order
    return sorted(found, key=lambda f: (order.get((f.file, f.doc_id), -1), f.start, f.end, f.kind))


def _document_findings(file: str, doc: Document, schema: Schema) -> Iterator[Finding]:
    """Span-level problems of one document: boundaries, punctuation, sentences, roles."""
    sentences = split_sentences(doc.text)
    words = word_spans(doc.text)
    starts, ends = {s for s, _ in words}, {e for _, e in words}
    for event in doc.events:
        if event.type not in schema.event_types:
            yield _finding(file, doc, event.trigger, "unknown-type", f"has type {event.type!r}, not in {schema.id}")
        yield from _edge_findings(file, doc, event.trigger, starts, ends)
        yield from _sentence_findings(file, doc, event.trigger, None, sentences)
        home = _covering(sentences, event.trigger)
        for arg in event.arguments:
            if event.type in schema.event_types and not schema.allows(event.type, arg.role):
                yield _finding(file, doc, arg.span, "role", f"is {arg.role}, not a role of {event.type} ({event.id})")
            yield from _edge_findings(file, doc, arg.span, starts, ends)
            yield from _sentence_findings(file, doc, arg.span, home, sentences, event.trigger)


def _edge_findings(file: str, doc: Document, span: Span, starts: set[int], ends: set[int]) -> Iterator[Finding]:
    inside = [side for side, ok in (("starts", span.start in starts), ("ends", span.end in ends)) if not ok]
    if inside:
        yield _finding(file, doc, span, "word-boundary", f"{' and '.join(inside)} inside a word")
    marks = [
        doc.text[i]
        for i in sorted({span.start, span.end - 1})
        if doc.text[i] in PUNCTUATION and not _balanced(span.text, doc.text[i])
    ]
    if marks:
        yield _finding(file, doc, span, "punctuation", f"begins or ends with punctuation {' '.join(marks)}")


PAIRS = {"»": "«", ")": "(", "]": "[", "”": "“", "«": "»", "(": ")", "[": "]", "“": "”"}


def _balanced(text: str, mark: str) -> bool:
    """A quote or bracket at a span's edge is part of the phrase when its partner is inside the span."""
    if mark == '"':  # the straight quote is its own partner (common in real news: تنظيم "داعش")
        return text.count(mark) % 2 == 0
    partner = PAIRS.get(mark)
    return partner is not None and text.count(mark) == text.count(partner)


def _sentence_findings(
    file: str,
    doc: Document,
    span: Span,
    home: tuple[int, int] | None,
    sentences: list[tuple[int, int]],
    trigger: Span | None = None,
) -> Iterator[Finding]:
    """A span over two sentences; else, an argument outside its trigger's sentence ``home``."""
    touched = [s for s in sentences if s[0] < span.end and span.start < s[1]]
    if len(touched) > 1:
        edges = " and ".join(f"[{s}:{e}]" for s, e in touched)
        yield _finding(file, doc, span, "crosses-sentence", f"crosses a sentence boundary (sentences {edges})")
    elif trigger is not None and home is not None and not (home[0] <= span.start and span.end <= home[1]):
        yield _finding(
            file,
            doc,
            span,
            "outside-sentence",
            f'is not in the sentence of its trigger "{trigger.text}" [{trigger.start}:{trigger.end}]',
        )


def _covering(sentences: list[tuple[int, int]], span: Span) -> tuple[int, int] | None:
    return next((s for s in sentences if s[0] <= span.start and span.end <= s[1]), None)


def _surface_findings(located: Located) -> list[Finding]:
    """Trigger forms annotated with a minority type, or left unannotated somewhere."""
    forms: dict[str, list[tuple[str, Document, Span, str]]] = defaultdict(list)
    for file, doc in located:
        for event in doc.events:
            forms[doc.text[event.trigger.start : event.trigger.end]].append((file, doc, event.trigger, event.type))
    found = [f for seen in forms.values() for f in _type_conflicts(seen)]
    for file, doc in located:
        for span in _unannotated(doc, forms):
            _, first_doc, first, _ = forms[span.text][0]
            types = "/".join(Counter(t for *_, t in forms[span.text]))
            found.append(
                _finding(
                    file,
                    doc,
                    span,
                    "unannotated",
                    f"is a {types} trigger elsewhere "
                    f"(first: {first_doc.id} [{first.start}:{first.end}]) but not annotated here",
                )
            )
    return found


def _type_conflicts(seen: list[tuple[str, Document, Span, str]]) -> Iterator[Finding]:
    """The occurrences of one trigger form whose type is not its most frequent one."""
    types = Counter(t for *_, t in seen)
    usual = types.most_common(1)[0][0]  # ties: the type seen first
    _, first_doc, first, _ = next(s for s in seen if s[3] == usual)
    for file, doc, span, event_type in seen:
        if event_type != usual:
            yield _finding(
                file,
                doc,
                span,
                "type-conflict",
                f"is {event_type} here but {usual} in {types[usual]} "
                f"other place(s) (first: {first_doc.id} [{first.start}:{first.end}])",
            )


def _unannotated(doc: Document, forms: Iterable[str]) -> Iterator[Span]:
    """Occurrences of ``forms`` in ``doc`` at word boundaries that touch none of its triggers."""
    words = word_spans(doc.text)
    starts, ends = {s for s, _ in words}, {e for _, e in words}
    triggers = [e.trigger for e in doc.events]
    for form in forms:
        at = doc.text.find(form)
        while at >= 0:
            span = Span(at, at + len(form), form)
            if at in starts and span.end in ends and not any(span.overlaps(t) for t in triggers):
                yield span
            at = doc.text.find(form, at + 1)


def read_allow_list(path: Path) -> tuple[set[tuple[str, int, str]], list[Finding]]:
    """``(doc_id, start, kind)`` entries of the allow list, and a finding for each malformed line."""
    entries, bad = set(), []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t", 3)
        if len(fields) < 4 or not fields[1].strip().isdigit() or fields[2] not in SEVERITY or not fields[3].strip():
            bad.append(
                Finding(
                    f"{path}:{lineno}",
                    "-",
                    0,
                    0,
                    "allow-list",
                    line,
                    "needs doc_id<TAB>start<TAB>kind<TAB>reason with a known kind",
                )
            )
            continue
        entries.add((fields[0], int(fields[1]), fields[2]))
    return entries, bad


def run_check(located: Located, schema: Schema, allow_paths: list[Path]) -> int:
    """Print the unjustified findings and a summary line; 1 if any was printed, else 0."""
    entries, bad = set(), []
    for path in allow_paths:
        more, malformed = read_allow_list(path)
        entries |= more
        bad += malformed
    findings = check_documents(located, schema)
    allowed = [f for f in findings if (f.doc_id, f.start, f.kind) in entries]
    reported = [f for f in findings if (f.doc_id, f.start, f.kind) not in entries] + bad
    for finding in reported:
        print(finding.line())
    severities = Counter(f.severity for f in reported)
    unused = len(entries - {(f.doc_id, f.start, f.kind) for f in allowed})
    files = len({file for file, _ in located})
    print(
        f"{severities['error']} error(s), {severities['warning']} warning(s) in {len(located)} documents "
        f"from {files} file(s); {len(allowed)} justified cases allowed"
        + (f"; {unused} allow-list entries matched nothing" if unused else "")
    )
    return 1 if reported else 0


def corpus_stats(located: Located) -> dict:
    """Counts per split (meta["split"], else the file's stem; "real/…" for real news), per event type and per role.

    Words are those the taggers label (hadath.text.word_spans: a punctuation mark is a word).
    """
    splits: dict[str, Counter] = defaultdict(Counter)
    types: dict[str, Counter] = defaultdict(Counter)
    roles: dict[str, Counter] = defaultdict(Counter)
    forms: dict[str, Counter] = defaultdict(Counter)
    for file, doc in located:
        split = str(doc.meta.get("split") or Path(file).stem)
        if Path(file).resolve().parent in PARTS[1:]:  # real news: "real/train" beside the constructed "train"
            split = f"{Path(file).parent.name}/{split}"
        n_words = len(word_spans(doc.text))
        row = splits[split]
        row.update(
            documents=1,
            words=n_words,
            sentences=len(split_sentences(doc.text)),
            events=len(doc.events),
            arguments=sum(len(e.arguments) for e in doc.events),
        )
        row["max_words"] = max(row["max_words"], n_words)
        for event in doc.events:
            types[event.type].update([split, "total"])
            forms[event.type][doc.text[event.trigger.start : event.trigger.end]] += 1
            for arg in event.arguments:
                roles[arg.role].update([split, "total"])
    total = sum(splits.values(), Counter())
    total["max_words"] = max((r["max_words"] for r in splits.values()), default=0)
    fields = ("documents", "words", "sentences", "events", "arguments", "max_words")
    return {
        "splits": {s: {f: splits[s][f] for f in fields} for s in sorted(splits)},
        "total": {f: total[f] for f in fields},
        "event_types": {t: dict(sorted(c.items())) for t, c in sorted(types.items())},
        "roles": {r: dict(sorted(c.items())) for r, c in sorted(roles.items())},
        "trigger_forms": {t: {"distinct": len(c), "forms": dict(c.most_common())} for t, c in sorted(forms.items())},
        "max_document_words": total["max_words"],
    }


def format_stats(stats: dict) -> str:
    """Fixed-width tables of ``corpus_stats``: splits, event types (with distinct triggers), roles."""
    cols = ("documents", "words", "sentences", "events", "arguments", "max_words")
    lines = [f"{'split':<20}" + "".join(f"{c:>11}" for c in cols)]
    for name, row in [*stats["splits"].items(), ("total", stats["total"])]:
        lines.append(f"{name:<20}" + "".join(f"{row[c]:>11d}" for c in cols))
    splits = [*stats["splits"], "total"]
    for title, table, extra in (
        ("event type", stats["event_types"], "distinct triggers"),
        ("role", stats["roles"], ""),
    ):
        lines += ["", f"{title:<20}" + "".join(f"{s:>11}" for s in splits) + (f"{extra:>19}" if extra else "")]
        for name, counts in table.items():
            distinct = f"{stats['trigger_forms'][name]['distinct']:>19d}" if extra else ""
            lines.append(f"{name:<20}" + "".join(f"{counts.get(s, 0):>11d}" for s in splits) + distinct)
    lines += ["", f"longest document: {stats['max_document_words']} words"]
    return "\n".join(lines)


def load_located(files: Iterable[Path], schema: Schema) -> Located:
    """Read and validate each file; pairs each document with its file name."""
    return [(str(path), doc) for path in files for doc in read_jsonl(path, schema)]


def main(argv: list[str] | None = None) -> int:
    """The command line; returns the exit code."""
    parser = argparse.ArgumentParser(prog="python -m hadath.corpus", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="report annotation inconsistencies")
    stats = sub.add_parser("stats", help="count documents, words, events and arguments")
    for command in (check, stats):
        command.add_argument(
            "files", nargs="*", type=Path, help="JSONL files (default: annotations/*.jsonl, annotations/real/*.jsonl)"
        )
        command.add_argument("--schema", default="conflict-v1", help="schema name or YAML path")
    check.add_argument(
        "--allow",
        type=Path,
        nargs="+",
        default=None,
        help="allow lists of justified cases (default: each part's check-allow.txt, annotations/ and annotations/real/)",
    )
    stats.add_argument("--json", action="store_true", help="print JSON instead of tables")
    args = parser.parse_args(argv)
    # Without FILES: each part of the corpus (constructed, real) with its own allow list.
    given_allow = getattr(args, "allow", None)  # check only
    groups = [(args.files, given_allow or [])] if args.files else []
    if not args.files:
        groups = [(sorted(part.glob("*.jsonl")), given_allow or [part / "check-allow.txt"]) for part in PARTS]
        groups = [
            (files, allow if given_allow else [p for p in allow if p.is_file()]) for files, allow in groups if files
        ]
    if not groups:
        print(f"no files given and no {ANNOTATIONS}/*.jsonl", file=sys.stderr)
        return 2
    missing = [str(p) for _, allow in groups for p in allow if not p.is_file()]
    if args.command == "check" and missing:
        print(f"allow list not found: {', '.join(missing)}", file=sys.stderr)
        return 2
    schema = load_schema(args.schema)
    try:
        parts = [(load_located(files, schema), allow) for files, allow in groups]
    except (AnnotationError, FileNotFoundError) as err:
        print(err, file=sys.stderr)
        return 1
    if args.command == "check":
        return max(run_check(located, schema, allow) for located, allow in parts)
    located = [item for part, _ in parts for item in part]
    result = corpus_stats(located)
    print(json.dumps(result, ensure_ascii=False, indent=2) if args.json else format_stats(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
