"""hadath.corpus: check finds each kind of annotation problem on Arabic fixtures; stats counts them."""

import json

from hadath.corpus import check_documents, corpus_stats, main
from hadath.documents import Argument, Document, Event, Span
from hadath.schema import load_schema

# Each article shows one problem; CLEAN has none.
CLEAN = (
    "c1",
    "قصفت طائرات حربية قرية الشحيل فجر اليوم، ما أدى لمقتل مدنيين.",
    [
        ("Shelling", "قصفت", [("Agent", "طائرات حربية"), ("Place", "قرية الشحيل"), ("Time", "فجر اليوم")]),
        ("Killing", "لمقتل", [("Victim", "مدنيين")]),
    ],
)
DENIED = (
    "c2",
    "نفى مصدر عسكري أن طائرات قصفت المدينة. وشن مسلحون هجوما على حاجز أمني.",
    [("Attack", "هجوما", [("Agent", "مسلحون"), ("Target", "حاجز أمني")])],
)
OTHER_TYPE = (
    "c3",
    "نفذ انتحاري هجوما بحزام ناسف في السوق.",
    [("Bombing", "هجوما", [("Agent", "انتحاري"), ("Instrument", "بحزام ناسف"), ("Place", "السوق")])],
)
CROSSING = (
    "c4",
    "اعتقلت القوات الأمنية شابا في مدينة الرقة. وأفاد ناشطون بأن الحملة مستمرة.",
    [("Arrest", "اعتقلت", [("Agent", "القوات الأمنية"), ("Person", "شابا"), ("Place", "مدينة الرقة. وأفاد ناشطون")])],
)
ELSEWHERE = (
    "c5",
    "نزحت عشرات العائلات أمس. وكانت العائلات تقيم في منبج.",
    [("Displacement", "نزحت", [("Person", "عشرات العائلات"), ("Time", "أمس"), ("Place", "منبج")])],
)
EDGES = (
    "c6",
    "اختطف مسلحون مجهولون طبيبا في بلدة الصور، شرقي دير الزور.",
    [("Abduction", "اختطف", [("Agent", "مسلحون مجهول"), ("Person", "طبيبا"), ("Place", "بلدة الصور،")])],
)


def span(text: str, fragment: str) -> dict:
    start = text.index(fragment)
    return {"start": start, "end": start + len(fragment), "text": fragment}


def raw_doc(doc_id: str, text: str, events: list, split: str | None = None) -> dict:
    return {
        "id": doc_id,
        "text": text,
        "meta": {"split": split} if split else {},
        "events": [
            {
                "id": f"E{i}",
                "type": t,
                "trigger": span(text, trig),
                "arguments": [{"role": r, **span(text, a)} for r, a in args],
            }
            for i, (t, trig, args) in enumerate(events, start=1)
        ],
    }


def write(path, *docs, split=None):
    path.write_text(
        "".join(json.dumps(raw_doc(*d, split=split), ensure_ascii=False) + "\n" for d in docs), encoding="utf-8"
    )
    return str(path)


def run_check(tmp_path, capsys, files, allow=""):
    (tmp_path / "allow.txt").write_text(allow, encoding="utf-8")
    code = main(["check", *files, "--allow", str(tmp_path / "allow.txt")])
    return code, capsys.readouterr().out.splitlines()


def lines_of(kind, lines):
    return [line for line in lines if f" {kind}: " in line]


def test_clean_file_passes(tmp_path, capsys):
    code, lines = run_check(tmp_path, capsys, [write(tmp_path / "a.jsonl", CLEAN)])
    assert code == 0
    assert lines == ["0 error(s), 0 warning(s) in 1 documents from 1 file(s); 0 justified cases allowed"]


def test_check_finds_each_kind(tmp_path, capsys):
    train = write(tmp_path / "train.jsonl", CLEAN, DENIED, CROSSING)
    test = write(tmp_path / "test.jsonl", OTHER_TYPE, ELSEWHERE, EDGES)
    code, lines = run_check(tmp_path, capsys, [train, test])
    assert code == 1
    assert lines_of("unannotated", lines) == [
        f'{train}: c2 [25:29] error unannotated: "قصفت" is a Shelling trigger elsewhere (first: c1 [0:4]) '
        "but not annotated here"
    ]
    assert lines_of("type-conflict", lines) == [
        f'{test}: c3 [12:17] error type-conflict: "هجوما" is Bombing here but Attack in 1 other place(s) '
        "(first: c2 [50:55])"
    ]
    assert lines_of("crosses-sentence", lines) == [
        f'{train}: c4 [30:55] error crosses-sentence: "مدينة الرقة. وأفاد ناشطون" crosses a sentence boundary '
        "(sentences [0:42] and [43:74])"
    ]
    assert lines_of("outside-sentence", lines) == [
        f'{test}: c5 [48:52] warning outside-sentence: "منبج" is not in the sentence of its trigger "نزحت" [0:4]'
    ]
    assert lines_of("word-boundary", lines) == [
        f'{test}: c6 [6:18] error word-boundary: "مسلحون مجهول" ends inside a word'
    ]
    assert lines_of("punctuation", lines) == [
        f'{test}: c6 [30:41] error punctuation: "بلدة الصور،" begins or ends with punctuation ،'
    ]
    assert [line.split(": ")[1].split()[0] for line in lines[:-1]] == ["c2", "c4", "c3", "c5", "c6", "c6"]
    assert lines[-1] == "5 error(s), 1 warning(s) in 6 documents from 2 file(s); 0 justified cases allowed"


def test_allow_list_silences_justified_cases(tmp_path, capsys):
    files = [write(tmp_path / "a.jsonl", CLEAN, DENIED)]
    code, lines = run_check(
        tmp_path, capsys, files, allow="# denied events stay unannotated\nc2\t25\tunannotated\tnegated: نفى\n"
    )
    assert code == 0
    assert lines == ["0 error(s), 0 warning(s) in 2 documents from 1 file(s); 1 justified cases allowed"]


def test_allow_list_needs_doc_start_and_kind(tmp_path, capsys):
    files = [write(tmp_path / "a.jsonl", CLEAN, DENIED)]
    allow = "c2\t26\tunannotated\twrong offset\nc2\t25\tmissing\tunknown kind\nc2\t25\tunannotated\n"
    code, lines = run_check(tmp_path, capsys, files, allow=allow)
    assert code == 1
    assert len(lines_of("unannotated", lines)) == 1
    assert len(lines_of("allow-list", lines)) == 2  # unknown kind; no reason
    assert lines[-1].endswith("0 justified cases allowed; 1 allow-list entries matched nothing")


def test_role_not_allowed_for_type_is_reported():
    text = "هاجم مسلحون حاجزا أمنيا."
    doc = Document(
        "r1", text, (Event("E1", "Attack", Span(0, 4, "هاجم"), (Argument("Victim", Span(5, 11, "مسلحون")),)),)
    )
    [finding] = check_documents([("mem", doc)], load_schema())
    assert (finding.kind, finding.text) == ("role", "مسلحون")
    assert finding.line() == 'mem: r1 [5:11] error role: "مسلحون" is Victim, not a role of Attack (E1)'


def test_invalid_file_fails_with_reader_errors(tmp_path, capsys):
    bad = dict(raw_doc(*CLEAN))
    bad["events"][0]["arguments"][0]["role"] = "Victim"  # Shelling has no Victim
    (tmp_path / "bad.jsonl").write_text(json.dumps(bad, ensure_ascii=False) + "\n", encoding="utf-8")
    assert main(["check", str(tmp_path / "bad.jsonl")]) == 1
    assert "role 'Victim' is not allowed for Shelling" in capsys.readouterr().err


def test_stats_counts(tmp_path, capsys):
    train = write(tmp_path / "train.jsonl", CLEAN, DENIED)
    dev = write(tmp_path / "x.jsonl", ELSEWHERE, split="dev")
    assert main(["stats", train, dev, "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    # CLEAN: 13 words (the comma and the full stop count) in 1 sentence; DENIED: 15 words, 2 sentences.
    assert stats["splits"]["train"] == {
        "documents": 2,
        "words": 28,
        "sentences": 3,
        "events": 3,
        "arguments": 6,
        "max_words": 15,
    }
    assert stats["splits"]["dev"] == {
        "documents": 1,
        "words": 11,
        "sentences": 2,
        "events": 1,
        "arguments": 3,
        "max_words": 11,
    }
    assert stats["total"]["documents"] == 3 and stats["max_document_words"] == 15
    assert stats["event_types"]["Shelling"] == {"total": 1, "train": 1}
    assert stats["roles"]["Place"] == {"dev": 1, "total": 2, "train": 1}
    assert stats["trigger_forms"]["Displacement"] == {"distinct": 1, "forms": {"نزحت": 1}}
    assert main(["stats", train, dev]) == 0
    table = capsys.readouterr().out
    assert "longest document: 15 words" in table
    assert any(line.split() == ["train", "2", "28", "3", "3", "6", "15"] for line in table.splitlines())


def test_corpus_stats_uses_file_stem_without_split():
    doc = Document("s1", "هاجم مسلحون حاجزا.", ())
    assert list(corpus_stats([("data/test.jsonl", doc)])["splits"]) == ["test"]


def punctuation_findings(text: str, trigger: str, arguments: dict[str, tuple[int, int]]) -> list[str]:
    """The span texts the checker calls punctuation errors, for one event whose trigger opens ``text``."""
    from hadath.corpus import check_documents
    from hadath.documents import Argument, Document, Event, Span
    from hadath.schema import load_schema

    args = tuple(Argument(role, Span(s, e, text[s:e])) for role, (s, e) in arguments.items())
    event = Event("E1", "Attack", Span(0, len(trigger), trigger), args)
    findings = check_documents([("f.jsonl", Document("d", text, (event,)))], load_schema())
    return [f.text for f in findings if f.kind == "punctuation"]


def test_quotes_and_brackets_closing_inside_a_span_are_part_of_it(tmp_path):
    text = "هاجمت مجموعة من فصيل «فرقة الحمزة» قرية (تل طويل)، وقصفت «القرية»."
    agent = text.index("مجموعة"), text.index("» ") + 1
    place = text.index("(تل"), text.index(")") + 1
    wrong = text.index("«القرية"), text.index("«القرية") + len("«القرية")
    found = punctuation_findings(text, "هاجمت", {"Agent": agent, "Place": place, "Target": wrong})
    assert found == ["«القرية"]


def test_straight_quotes_at_a_span_edge_are_part_of_the_phrase_when_paired():
    text = 'هاجم مسلحو تنظيم "داعش" حاجزا، وقصفوا "القرية.'
    agent = text.index("مسلحو"), text.index('" ') + 1
    wrong = text.index('"القرية'), text.index('"القرية') + len('"القرية')
    assert punctuation_findings(text, "هاجم", {"Agent": agent, "Target": wrong}) == ['"القرية']
