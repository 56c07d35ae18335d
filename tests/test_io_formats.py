"""Importers and exporters: every format gives the same validated Documents, and names its problems precisely."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from hadath.convert import main as convert
from hadath.decoding import bio_to_spans
from hadath.documents import AnnotationError, Argument, Document, Event, Span
from hadath.errors import UserError
from hadath.io import (
    AQMAR_TAG_MAP,
    read_any,
    read_brat,
    read_conll,
    read_doccano,
    read_jsonl,
    read_labelstudio,
    write_brat,
    write_conll,
    write_jsonl,
)
from hadath.io.conll import AQMAR_LABELS, AQMAR_MAPPED_LABELS

AQMAR = Path(__file__).resolve().parents[1] / "annotations" / "external" / "aqmar"
TEXT = "استهدفت خلايا داعش بسيارة مفخخة نقطة عسكرية في منبج، وأصيب 7 آخرون."


def span(text: str, phrase: str, after: int = 0) -> Span:
    start = text.index(phrase, after)
    return Span(start, start + len(phrase), phrase)


def expected_doc(doc_id: str = "d1", text: str = TEXT) -> Document:
    """An Attack with three arguments and an Injury triggered by the clitic word وأصيب."""
    attack = Event(
        "E1",
        "Attack",
        span(text, "استهدفت"),
        (
            Argument("Agent", span(text, "خلايا داعش")),
            Argument("Instrument", span(text, "بسيارة مفخخة")),
            Argument("Place", span(text, "منبج")),
        ),
    )
    injury = Event(
        "E2",
        "Injury",
        span(text, "وأصيب"),
        (Argument("Victim", span(text, "7 آخرون")), Argument("Place", span(text, "منبج"))),
    )
    return Document(doc_id, text, (attack, injury))


def brat_pair(folder: Path, stem: str, text: str, ann: str) -> Path:
    folder.mkdir(exist_ok=True)
    (folder / f"{stem}.txt").write_bytes(text.encode("utf-8"))
    (folder / f"{stem}.ann").write_text(ann, encoding="utf-8")
    return folder


def t_line(tid: str, label: str, text: str, phrase: str, after: int = 0) -> str:
    s = span(text, phrase, after)
    return f"{tid}\t{label} {s.start} {s.end}\t{phrase}\n"


def violations(call) -> list[str]:
    with pytest.raises(AnnotationError) as info:
        call()
    return info.value.violations


# --- round trips -----------------------------------------------------------------------------------------


def test_jsonl_round_trip(tmp_path, mini):
    docs = read_jsonl(mini)
    write_jsonl(docs, tmp_path / "out.jsonl")
    assert read_jsonl(tmp_path / "out.jsonl") == docs


def test_brat_round_trip_keeps_every_event_and_argument(tmp_path, mini):
    docs = read_jsonl(mini) + [expected_doc()]
    write_brat(docs, tmp_path / "brat")
    assert read_brat(tmp_path / "brat") == sorted(docs, key=lambda d: d.id)


def test_brat_numbers_repeated_roles_and_shares_argument_spans(tmp_path):
    doc = expected_doc()
    two_victims = Event(
        "E3",
        "Killing",
        span(TEXT, "نقطة"),
        (Argument("Victim", span(TEXT, "عسكرية")), Argument("Victim", span(TEXT, "آخرون"))),
    )
    doc = Document("d1", TEXT, doc.events + (two_victims,))
    write_brat([doc], tmp_path)
    ann = (tmp_path / "d1.ann").read_text(encoding="utf-8")
    assert "Victim2:" in ann and ann.count("\tPlace ") == 1  # منبج is one T shared by two events
    assert read_brat(tmp_path / "d1.ann") == [doc]


def test_conll_round_trip_with_docstart(tmp_path):
    path = tmp_path / "news.conll"
    path.write_text(
        "-DOCSTART- O\n\nاستهدفت B-Attack\nخلايا O\nداعش O\n\nوأصيب B-Injury\n7 O\n\n"
        "-DOCSTART- O\n\nقصف B-Shelling\nمدفعي I-Shelling\nعلى O\nالقرية O\n",
        encoding="utf-8",
    )
    corpus = read_conll(path)
    assert [d.id for d in corpus.documents] == ["news-1", "news-2"]
    (tmp_path / "out").mkdir()
    write_conll(corpus.documents, tmp_path / "out" / "news.conll")
    again = read_conll(tmp_path / "out" / "news.conll")
    assert again.documents == corpus.documents
    assert [d.meta["tokens"] for d in again.documents] == [d.meta["tokens"] for d in corpus.documents]


# --- brat --------------------------------------------------------------------------------------------------


def test_brat_reads_arabic_events_and_strips_role_digits(tmp_path):
    ann = (
        t_line("T1", "Attack", TEXT, "استهدفت")
        + t_line("T2", "Agent", TEXT, "خلايا داعش")
        + t_line("T3", "Instrument", TEXT, "بسيارة مفخخة")
        + t_line("T4", "Place", TEXT, "منبج")
        + t_line("T5", "Injury", TEXT, "وأصيب")
        + t_line("T6", "Victim", TEXT, "7 آخرون")
        + "E1\tAttack:T1 Agent:T2 Instrument:T3 Place:T4\nE2\tInjury:T5 Victim:T6 Place2:T4\n"
        + "A1\tNegation E1\n#1\tAnnotatorNotes T1\tcheck\nR1\tLocated Arg1:T2 Arg2:T4\n"
    )
    assert read_brat(brat_pair(tmp_path / "b", "d1", TEXT, ann)) == [expected_doc()]


def test_brat_counts_crlf_as_two_characters_and_writes_it_back(tmp_path):
    text = "قصف مدفعي على القرية.\r\nوأصيب 3 مدنيين."
    ann = t_line("T1", "Injury", text, "وأصيب") + t_line("T2", "Victim", text, "3 مدنيين") + "E1\tInjury:T1 Victim:T2\n"
    docs = read_brat(brat_pair(tmp_path / "in", "crlf", text, ann))
    assert docs[0].text == text and docs[0].events[0].trigger == Span(23, 28, "وأصيب")
    write_brat(docs, tmp_path / "out")
    assert (tmp_path / "out" / "crlf.txt").read_bytes() == text.encode("utf-8")


def test_brat_discontinuous_span_names_file_and_line(tmp_path):
    ann = "T1\tAttack 0 7\tاستهدفت\nT2\tAgent 8 13;14 18\tخلايا داعش\nE1\tAttack:T1 Agent:T2\n"
    problems = violations(lambda: read_brat(brat_pair(tmp_path, "d1", TEXT, ann)))
    assert any(f"{tmp_path / 'd1.ann'}:2: document d1: T2" in v and "discontinuous" in v for v in problems)


def test_brat_reports_every_problem_of_a_file_with_its_line(tmp_path):
    ann = (
        "T1\tAttack 0 7\tاستهدف\n"  # wrong text
        + t_line("T2", "Killing", TEXT, "وأصيب")
        + "E1\tKilling:T2 Weapon:T2\n"
    )  # role not allowed
    problems = violations(lambda: read_brat(brat_pair(tmp_path, "d1", TEXT, ann)))
    assert len(problems) == 2
    assert problems[0].startswith(f"{tmp_path / 'd1.ann'}:1: document d1: T1")
    assert problems[1].startswith(f"{tmp_path / 'd1.ann'}:3: document d1: event E1")


# --- Label Studio and doccano ------------------------------------------------------------------------------


def ls_result(rid: str, text: str, phrase: str, label: str) -> dict:
    s = span(text, phrase)
    return {
        "id": rid,
        "type": "labels",
        "from_name": "label",
        "to_name": "text",
        "value": {"start": s.start, "end": s.end, "text": phrase, "labels": [label]},
    }


def ls_task(relations: list[tuple[str, str, str]]) -> dict:
    spans = [
        ("a", "استهدفت", "Attack"),
        ("b", "خلايا داعش", "Agent"),
        ("c", "بسيارة مفخخة", "Instrument"),
        ("d", "منبج", "Place"),
        ("e", "وأصيب", "Injury"),
        ("f", "7 آخرون", "Victim"),
    ]
    result = [ls_result(rid, TEXT, phrase, label) for rid, phrase, label in spans]
    result += [
        {"type": "relation", "from_id": f, "to_id": t, "direction": "right", "labels": [role]}
        for f, t, role in relations
    ]
    return {"id": 41, "data": {"text": TEXT, "id": "d1"}, "annotations": [{"result": result}]}


LS_RELATIONS = [
    ("a", "b", "Agent"),
    ("a", "c", "Instrument"),
    ("a", "d", "Place"),
    ("e", "f", "Victim"),
    ("e", "d", "Place"),
]


def test_labelstudio_reads_spans_and_relations(tmp_path):
    path = tmp_path / "export.json"
    unannotated = {"id": 42, "data": {"text": "لا شيء"}, "annotations": []}
    path.write_text(json.dumps([ls_task(LS_RELATIONS), unannotated], ensure_ascii=False), encoding="utf-8")
    assert read_labelstudio(path) == [expected_doc()]


def test_labelstudio_relation_to_missing_id_names_file_and_task(tmp_path):
    path = tmp_path / "export.json"
    path.write_text(json.dumps([ls_task(LS_RELATIONS + [("a", "zz", "Target")])]), encoding="utf-8")
    problems = violations(lambda: read_labelstudio(path))
    assert problems == [
        f"{path}: task 0 (id 41): document d1: relation a -> zz 'Target': "
        "points to 'zz', which is not a labelled span here"
    ]


def test_labelstudio_converts_utf16_offsets_and_left_arrows(tmp_path):
    text = "🔥 قصف مدفعي على القرية"  # the emoji is two UTF-16 units, one code point
    trigger = {"start": 3, "end": 6, "text": "قصف", "labels": ["Shelling"]}  # Label Studio's (JavaScript) offsets
    place = {"start": 17, "end": 23, "text": "القرية", "labels": ["Place"]}
    result = [
        {"id": "t", "type": "labels", "value": trigger},
        {"id": "p", "type": "labels", "value": place},
        {"type": "relation", "from_id": "p", "to_id": "t", "direction": "left", "labels": ["Place"]},
    ]
    path = tmp_path / "export.json"
    path.write_text(json.dumps([{"id": 5, "data": {"text": text}, "annotations": [{"result": result}]}]), "utf-8")
    (doc,) = read_labelstudio(path)
    assert doc.id == "5" and doc.events == (
        Event("E1", "Shelling", span(text, "قصف"), (Argument("Place", span(text, "القرية")),)),
    )


def doccano_line(entities: list[tuple[int, str, str]], relations: list[tuple[int, int, str]]) -> str:
    ents = [
        {"id": i, "label": label, "start_offset": span(TEXT, p).start, "end_offset": span(TEXT, p).end}
        for i, p, label in entities
    ]
    rels = [{"id": n, "from_id": f, "to_id": t, "type": role} for n, (f, t, role) in enumerate(relations)]
    return json.dumps({"id": "d1", "text": TEXT, "entities": ents, "relations": rels}, ensure_ascii=False)


DOCCANO_ENTITIES = [
    (1, "استهدفت", "Attack"),
    (2, "خلايا داعش", "ORG"),
    (3, "بسيارة مفخخة", "WEAPON"),
    (4, "منبج", "LOC"),
    (5, "وأصيب", "Injury"),
    (6, "7 آخرون", "PER"),
]
DOCCANO_RELATIONS = [(1, 2, "Agent"), (1, 3, "Instrument"), (1, 4, "Place"), (5, 6, "Victim"), (5, 4, "Place")]


def test_doccano_reads_entities_and_relations(tmp_path):
    path = tmp_path / "doccano.jsonl"
    path.write_text(doccano_line(DOCCANO_ENTITIES, DOCCANO_RELATIONS) + "\n", encoding="utf-8")
    assert read_doccano(path) == [expected_doc()]
    assert read_any(path) == [expected_doc()]  # detected as doccano, not canonical jsonl


def test_doccano_bad_offsets_name_file_line_and_entity(tmp_path):
    raw = json.loads(doccano_line(DOCCANO_ENTITIES, DOCCANO_RELATIONS))
    raw["entities"][1]["end_offset"] = 500
    path = tmp_path / "doccano.jsonl"
    path.write_text("\n" + json.dumps(raw, ensure_ascii=False) + "\n", encoding="utf-8")
    problems = violations(lambda: read_doccano(path))
    assert problems[0].startswith(f"{path}:2: document d1: entity 2 'ORG' [8:500]: offsets out of range")
    assert len(problems) == 1  # not again for the relation that points to it


# --- CoNLL -------------------------------------------------------------------------------------------------


def test_conll_builds_text_tokens_events_and_schema(tmp_path):
    path = tmp_path / "tiny.txt"
    path.write_text("وأصيب B-Injury\n7 O\nآخرون O\n\nبسيارة B-Instrument\nمفخخة I-Instrument\n", encoding="utf-8")
    corpus = read_conll(path)
    (doc,) = corpus.documents
    assert doc.id == "tiny" and doc.text == "وأصيب 7 آخرون\nبسيارة مفخخة"
    assert doc.meta["tokens"] == [[0, 5], [6, 7], [8, 13], [14, 20], [21, 26]]
    assert [(e.type, e.trigger.text) for e in doc.events] == [("Injury", "وأصيب"), ("Instrument", "بسيارة مفخخة")]
    assert corpus.schema.name == "conll-tiny" and list(corpus.schema.event_types) == ["Injury", "Instrument"]


def decode_entities(tags):
    return [(s.first, s.last + 1, s.name, s.orphan) for s in bio_to_spans(tags)]


def test_conll_bilou_and_orphan_inside_tags():
    assert decode_entities(["U-PER", "B-LOC", "I-LOC", "L-LOC", "O", "B-ORG", "L-ORG"]) == [
        (0, 1, "PER", False),
        (1, 4, "LOC", False),
        (5, 7, "ORG", False),
    ]
    assert decode_entities(["O", "I-LOC", "I-LOC", "B-PER", "I-ORG"]) == [
        (1, 3, "LOC", True),
        (3, 4, "PER", False),
        (4, 5, "ORG", True),
    ]


def test_conll_inside_without_begin_starts_an_entity_with_a_warning(tmp_path):
    path = tmp_path / "o.conll"
    path.write_text("في O\nمدينة I-LOC\nمنبج I-LOC\n", encoding="utf-8")
    corpus = read_conll(path)
    assert [e.trigger.text for e in corpus.documents[0].events] == ["مدينة منبج"]
    assert corpus.warnings == [
        f"{path}:2: document o: token 'مدينة': I-LOC without a preceding B-LOC; read as the start of an entity"
    ]


MALFORMED = "قصف O\nالقوات B-ORG\nالتركية I--ORG\nلقرية OO\nتل B-LOC\nتمر I-LOC\n"


def test_conll_malformed_tags_are_all_reported_with_file_and_line(tmp_path):
    path = tmp_path / "bad.conll"
    path.write_text(MALFORMED, encoding="utf-8")
    problems = violations(lambda: read_conll(path))
    assert [v.split(": token")[0] for v in problems] == [f"{path}:3: document bad", f"{path}:4: document bad"]
    assert "'I--ORG'" in problems[0] and "'OO'" in problems[1]


def test_conll_map_option_fixes_listed_tags_and_fails_on_others(tmp_path):
    path = tmp_path / "bad.conll"
    path.write_text(MALFORMED, encoding="utf-8")
    corpus = read_conll(path, malformed="map", tag_map={"I--ORG": "I-ORG", "OO": "O"})
    assert [e.trigger.text for e in corpus.documents[0].events] == ["القوات التركية", "تل تمر"]
    assert len(corpus.warnings) == 2 and "mapped to 'I-ORG'" in corpus.warnings[0]
    problems = violations(lambda: read_conll(path, malformed="map", tag_map={"OO": "O"}))
    assert len(problems) == 1 and problems[0].startswith(f"{path}:3:")


def test_conll_drop_option_reads_malformed_tags_as_o(tmp_path):
    path = tmp_path / "bad.conll"
    path.write_text(MALFORMED, encoding="utf-8")
    corpus = read_conll(path, malformed="drop")
    assert [e.trigger.text for e in corpus.documents[0].events] == ["القوات", "تل تمر"]
    assert [w.split(": token")[0] for w in corpus.warnings] == [f"{path}:3: document bad", f"{path}:4: document bad"]


def test_write_conll_tags_clitic_words_and_reports_misaligned_triggers(tmp_path):
    doc = expected_doc()
    broken = Document("d2", TEXT, (Event("E1", "Attack", Span(0, 5, TEXT[:5])),))
    warnings = write_conll([doc, broken], tmp_path / "out.conll", scheme="BILOU")
    lines = (tmp_path / "out.conll").read_text(encoding="utf-8").splitlines()
    assert "وأصيب U-Injury" in lines and "، O" in lines and "منبج O" in lines
    assert len(warnings) == 1 and "d2" in warnings[0] and "not on word boundaries" in warnings[0]


# --- dispatch and CLI --------------------------------------------------------------------------------------


def test_read_any_detects_formats(tmp_path):
    write_brat([expected_doc()], tmp_path / "brat")
    write_jsonl([expected_doc()], tmp_path / "c.jsonl")
    (tmp_path / "tags.txt").write_text("قصف B-Shelling\nمدفعي O\n", encoding="utf-8")
    assert read_any(tmp_path / "brat") == read_any(tmp_path / "c.jsonl") == [expected_doc()]
    assert [e.type for e in read_any(tmp_path / "tags.txt")[0].events] == ["Shelling"]
    with pytest.raises(UserError, match="unknown format"):
        read_any(tmp_path / "c.jsonl", fmt="xml")


def test_convert_brat_to_jsonl_and_errors(tmp_path, capsys):
    write_brat([expected_doc()], tmp_path / "brat")
    assert convert(["--from", "brat", str(tmp_path / "brat"), "--to", "jsonl", str(tmp_path / "o.jsonl")]) == 0
    assert "wrote 1 documents, 2 events" in capsys.readouterr().out
    assert read_jsonl(tmp_path / "o.jsonl") == [expected_doc()]
    (tmp_path / "brat" / "d1.ann").write_text("T1\tAttack 0 5;6 7\tx\n", encoding="utf-8")
    assert convert(["--from", "brat", str(tmp_path / "brat"), "--to", "jsonl", str(tmp_path / "x.jsonl")]) == 1
    assert "d1.ann:1: document d1: T1" in capsys.readouterr().err and not (tmp_path / "x.jsonl").exists()
    assert convert(["--from", "jsonl", str(tmp_path / "missing.jsonl"), "--to", "brat", str(tmp_path)]) == 1
    assert capsys.readouterr().err.startswith("error: annotation file not found")


def test_convert_runs_as_a_module(tmp_path):
    (tmp_path / "bad.conll").write_text(MALFORMED, encoding="utf-8")
    cmd = [
        sys.executable,
        "-m",
        "hadath.convert",
        "--from",
        "conll",
        str(tmp_path / "bad.conll"),
        "--to",
        "brat",
        str(tmp_path / "brat"),
        "--malformed",
        "drop",
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("wrote 1 documents, 2 events") and done.stderr.count("warning:") == 2
    assert (tmp_path / "brat" / "bad.ann").is_file()


# --- the real AQMAR corpus ---------------------------------------------------------------------------------


def test_aqmar_malformed_tags_are_reported_with_file_and_line():
    problems = violations(lambda: read_conll(AQMAR, labels=AQMAR_LABELS))
    assert len(problems) == 15
    assert f"{AQMAR / 'Football.txt'}:1855: document Football: token '16': malformed tag 'OO'" in problems[4]
    for tag in ("'OO'", "'IO'", "'I--ORG'", "'B-MIS1`'", "'B-MIS-2'", "'B-SPANISH'", "'B-ENGLISH'", "'B-MISS1'"):
        assert any(tag in v for v in problems), tag


def test_aqmar_loads_with_the_default_map():
    corpus = read_conll(AQMAR, malformed="map", tag_map=AQMAR_TAG_MAP, labels=AQMAR_MAPPED_LABELS)
    assert len(corpus.documents) == 28
    assert set(corpus.schema.event_types) == {"PER", "LOC", "ORG", "MIS"}
    assert sum(len(d.events) for d in corpus.documents) > 5000
    assert all(".txt:" in w for w in corpus.warnings)
    assert read_any(AQMAR, malformed="drop") == read_conll(AQMAR, malformed="drop").documents  # detected as conll
