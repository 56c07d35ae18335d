"""The bundled corpus: valid, consistent, split as the manifest says, and as large as promised."""

import json
from collections import Counter
from pathlib import Path

import pytest

from hadath.corpus import check_documents, load_located, read_allow_list
from hadath.text import split_sentences

ANNOTATIONS = Path(__file__).resolve().parents[1] / "annotations"
SPLITS = ("train", "dev", "test")


@pytest.fixture(scope="module")
def located(schema):
    return load_located([ANNOTATIONS / f"{s}.jsonl" for s in SPLITS], schema)  # validates every rule


def test_checker_finds_nothing_unjustified_and_every_allowance_is_used(located, schema):
    entries, bad = read_allow_list(ANNOTATIONS / "check-allow.txt")
    assert not bad
    findings = check_documents(located, schema)
    unjustified = [
        f"{f.doc_id} [{f.start}:{f.end}] {f.kind} {f.text!r}"
        for f in findings
        if (f.doc_id, f.start, f.kind) not in entries
    ]
    assert unjustified == []
    used = {(f.doc_id, f.start, f.kind) for f in findings}
    assert entries <= used, f"stale allow-list lines: {sorted(entries - used)[:5]}"


def test_split_files_follow_the_manifest(located):
    manifest = json.loads((ANNOTATIONS / "splits.json").read_text())
    for split in SPLITS:
        in_file = sorted(doc.id for file, doc in located if Path(file).stem == split)
        assert in_file == manifest[split]
        assert all(doc.meta["split"] == split for file, doc in located if Path(file).stem == split)


def test_size_targets(located):
    docs = [doc for _, doc in located]
    events = [e for d in docs for e in d.events]
    assert len(docs) >= 150 and len(events) >= 900
    per_type = Counter(e.type for e in events)
    forms = {t: {e.trigger.text for e in events if e.type == t} for t in per_type}
    assert len(per_type) == 11 and min(per_type.values()) >= 40 and min(map(len, forms.values())) >= 8
    roles = Counter(a.role for e in events for a in e.arguments)
    assert len(roles) == 8 and min(roles.values()) >= 60
    for split in ("dev", "test"):
        assert {e.type for f, d in located if Path(f).stem == split for e in d.events} == set(per_type)
    assert all(120 <= len(d.text.split()) <= 400 for d in docs)


def test_no_sentence_appears_twice(located):
    seen = Counter(doc.text[s:e] for _, doc in located for s, e in split_sentences(doc.text) if e - s > 20)
    assert [s for s, n in seen.items() if n > 1] == []
