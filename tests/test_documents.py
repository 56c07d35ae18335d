"""The JSONL reader enforces every rule of FORMAT.md with one precise line per violation."""

import json

import pytest

from hadath.documents import AnnotationError
from hadath.errors import UserError
from hadath.io import read_jsonl, write_jsonl

TEXT = "استهدفت خلايا داعش بسيارة مفخخة نقطة عسكرية، ما أدى لإصابة مقاتل."


def doc(**changes):
    base = {
        "id": "d1",
        "text": TEXT,
        "events": [
            {
                "id": "E1",
                "type": "Attack",
                "trigger": {"start": 0, "end": 7, "text": "استهدفت"},
                "arguments": [
                    {"role": "Agent", "start": 8, "end": 18, "text": "خلايا داعش"},
                    {"role": "Instrument", "start": 19, "end": 31, "text": "بسيارة مفخخة"},
                ],
            },
            {
                "id": "E2",
                "type": "Injury",
                "trigger": {"start": 52, "end": 58, "text": "لإصابة"},
                "arguments": [
                    {"role": "Victim", "start": 59, "end": 64, "text": "مقاتل"},
                    {"role": "Agent", "start": 8, "end": 18, "text": "خلايا داعش"},
                ],
            },
        ],
    }
    base.update(changes)
    return base


def write(tmp_path, *docs, raw_lines=()):
    path = tmp_path / "corpus.jsonl"
    lines = [json.dumps(d, ensure_ascii=False) for d in docs] + list(raw_lines)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def errors(tmp_path, *docs, raw_lines=()):
    path = write(tmp_path, *docs, raw_lines=raw_lines)
    with pytest.raises(AnnotationError) as info:
        read_jsonl(path)
    return info.value.violations


def test_valid_document_reads_with_shared_argument_spans(tmp_path):
    [d] = read_jsonl(write(tmp_path, doc()))
    assert [e.type for e in d.events] == ["Attack", "Injury"]
    injury = d.events[1]
    assert injury.arguments[1].span.text == "خلايا داعش"  # the same phrase in two events is allowed
    assert all(TEXT[a.span.start : a.span.end] == a.span.text for e in d.events for a in e.arguments)


def test_span_text_must_match_offsets(tmp_path):
    bad = doc()
    bad["events"][0]["trigger"] = {"start": 0, "end": 7, "text": "هاجمت"}
    [line] = errors(tmp_path, bad)
    assert "corpus.jsonl:1: document d1: event E1: trigger [0:7] 'هاجمت'" in line
    assert "text[0:7] is 'استهدفت', not 'هاجمت'" in line


@pytest.mark.parametrize("start,end", [(5, 5), (-1, 3), (60, 999)])
def test_offsets_out_of_range(tmp_path, start, end):
    bad = doc()
    bad["events"][0]["arguments"][0] = {"role": "Agent", "start": start, "end": end, "text": "x"}
    [line] = errors(tmp_path, bad)
    assert f"argument Agent [{start}:{end}]" in line and "offsets out of range" in line


def test_unknown_event_type(tmp_path):
    bad = doc()
    bad["events"][0]["type"] = "Riot"
    [line] = errors(tmp_path, bad)
    assert "event E1" in line and "unknown event type 'Riot'" in line


def test_role_not_allowed_for_type(tmp_path):
    bad = doc()
    bad["events"][1]["arguments"][0]["role"] = "Target"  # Injury has Victim, not Target
    [line] = errors(tmp_path, bad)
    assert "event E2: argument Target [59:64] 'مقاتل'" in line
    assert "role 'Target' is not allowed for Injury" in line


def test_event_ids_unique_within_document(tmp_path):
    bad = doc()
    bad["events"][1]["id"] = "E1"
    [line] = errors(tmp_path, bad)
    assert "document d1" in line and "event id 'E1' is used twice" in line


def test_document_ids_unique_within_corpus(tmp_path):
    [line] = errors(tmp_path, doc(), doc())
    assert line.startswith(f"{tmp_path / 'corpus.jsonl'}:2: document id 'd1' already used at")


def test_triggers_never_overlap(tmp_path):
    bad = doc()
    bad["events"][1]["trigger"] = {"start": 3, "end": 7, "text": "هدفت"}
    bad["events"][1]["arguments"] = []
    [line] = errors(tmp_path, bad)
    assert "event E1 trigger [0:7]" in line and "overlaps the trigger of event E2 [3:7]" in line


def test_argument_never_overlaps_its_trigger(tmp_path):
    bad = doc()
    bad["events"][0]["arguments"].append({"role": "Target", "start": 0, "end": 13, "text": TEXT[0:13]})
    [line] = errors(tmp_path, bad)
    assert "event E1 argument Target [0:13]" in line and "overlaps its own trigger" in line


def test_invalid_json_names_line(tmp_path):
    [line] = errors(tmp_path, doc(), raw_lines=['{"id": "d2", "text": '])
    assert line.startswith(f"{tmp_path / 'corpus.jsonl'}:2: invalid JSON")


def test_missing_text(tmp_path):
    [line] = errors(tmp_path, {"id": "d9", "events": []})
    assert "document d9: missing string field 'text'" in line


def test_all_violations_of_a_file_reported_together(tmp_path):
    first, second = doc(id="a"), doc(id="b")
    first["events"][0]["type"] = "Riot"
    second["events"][1]["arguments"][0]["text"] = "جندي"
    lines = errors(tmp_path, first, second)
    assert len(lines) == 2
    assert ":1: document a" in lines[0] and ":2: document b" in lines[1]


def test_byte_order_mark_is_reported(tmp_path):
    path = write(tmp_path, doc())
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    with pytest.raises(AnnotationError, match="byte-order mark"):
        read_jsonl(path)


def test_missing_file_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope.jsonl"):
        read_jsonl(tmp_path / "nope.jsonl")


def test_write_jsonl_round_trips(tmp_path):
    docs = read_jsonl(write(tmp_path, doc()))
    out = tmp_path / "out.jsonl"
    write_jsonl(docs, out)
    assert read_jsonl(out) == docs
    assert not list(tmp_path.glob(".*.tmp"))  # the atomic write left no temporary file


def test_a_file_in_another_encoding_names_the_line(tmp_path):
    path = tmp_path / "cp1256.jsonl"
    path.write_bytes(json.dumps({"id": "d", "text": "قصف", "events": []}, ensure_ascii=False).encode("cp1256") + b"\n")
    with pytest.raises(AnnotationError) as info:
        read_jsonl(path)
    assert (
        str(info.value).splitlines()[1].strip() == f"{path}:1: not UTF-8 (byte 21 of the line); save the file as UTF-8"
    )


def test_an_empty_file_is_an_error(tmp_path):
    path = tmp_path / "empty.jsonl"
    path.write_text("\n\n")
    with pytest.raises(AnnotationError, match=r"empty\.jsonl: empty file: no documents"):
        read_jsonl(path)


def test_on_error_skip_keeps_the_good_documents_and_reports_the_rest(tmp_path):
    bad = doc(id="bad")
    bad["events"][0]["type"] = "Riot"
    path = write(tmp_path, doc(id="good"), bad, doc(id="good"), raw_lines=["{not json"])
    with pytest.raises(AnnotationError):
        read_jsonl(path)  # raising is the default
    docs = read_jsonl(path, on_error="skip")
    assert [d.id for d in docs] == ["good"]
    assert len(docs.skipped) == 3
    assert ":2: document bad" in docs.skipped[0] and "Riot" in docs.skipped[0]
    assert f"{path}:3: document id 'good' already used at {path}:1" in docs.skipped
    assert any(":4: invalid JSON" in line for line in docs.skipped)
    with pytest.raises(UserError, match="on_error='ignore' is not one of raise, skip"):
        read_jsonl(path, on_error="ignore")


def test_training_with_on_error_skip_writes_what_it_skipped(tmp_path, mini):
    from hadath.config import compose
    from hadath.training import load_splits

    bad = doc(id="bad")
    bad["events"][0]["type"] = "Riot"
    train = write(tmp_path, bad)
    train.write_text(train.read_text() + mini.read_text())
    cfg = compose(
        "train",
        [
            f"data.train={train}",
            f"data.dev={mini}",
            "+data.options.on_error=skip",
            f"paths.output_dir={tmp_path / 'run'}",
        ],
    )
    _, splits = load_splits(cfg)
    assert "bad" not in {d.id for d in splits["train"]} and len(splits["train"]) == len(read_jsonl(mini))
    assert "Riot" in (tmp_path / "run" / "skipped.txt").read_text()
