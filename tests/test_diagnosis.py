"""errors.jsonl's records and the type confusion matrix, on hand-made predictions of known faults."""

from hadath.diagnosis import error_records, type_confusion
from hadath.documents import Argument, Document, Event, Span

TEXT = "هاجم مسلحون حاجزاً للجيش في قرية الشحيل. واعتقلت الشرطة ثلاثة أشخاص. وانفجرت عبوة في السوق."


def span(phrase: str) -> Span:
    start = TEXT.index(phrase)
    return Span(start, start + len(phrase), phrase)


GOLD = Document(
    "d1",
    TEXT,
    (
        Event(
            "E1",
            "Attack",
            span("هاجم"),
            (
                Argument("Agent", span("مسلحون")),
                Argument("Target", span("حاجزاً للجيش")),
                Argument("Place", span("قرية الشحيل")),
            ),
        ),
        Event("E2", "Arrest", span("واعتقلت"), (Argument("Person", span("ثلاثة أشخاص")),)),
        Event("E3", "Bombing", span("وانفجرت"), (Argument("Instrument", span("عبوة")),)),
    ),
)
PRED = Document(
    "d1",
    TEXT,
    (
        Event(
            "E1",
            "Attack",
            span("هاجم"),
            (
                Argument("Agent", span("مسلحون")),  # right
                Argument("Place", span("حاجزاً للجيش")),  # wrong role
                Argument("Place", span("الشحيل")),  # boundary
                Argument("Time", span("السوق")),  # spurious
            ),
        ),
        Event("E2", "Abduction", span("واعتقلت"), (Argument("Person", span("ثلاثة أشخاص")),)),  # wrong type
        Event("E3", "Killing", span("الشرطة"), ()),  # spurious trigger
    ),
)


def test_every_kind_of_error_is_recorded_once_with_exact_offsets():
    records = error_records([GOLD], [PRED])
    kinds = sorted((r["item"], r["kind"], r["text"]) for r in records)
    assert kinds == sorted(
        [
            ("argument", "wrong role", "حاجزاً للجيش"),
            ("argument", "boundary overlap", "الشحيل"),
            ("argument", "spurious", "السوق"),
            ("trigger", "wrong type", "واعتقلت"),
            ("argument", "argument of a missed trigger", "ثلاثة أشخاص"),  # gold E2: its trigger was mistyped
            ("argument", "argument of a spurious trigger", "ثلاثة أشخاص"),  # predicted E2's argument
            ("trigger", "spurious", "الشرطة"),
            ("trigger", "missed", "وانفجرت"),
            ("argument", "argument of a missed trigger", "عبوة"),
        ]
    )
    for r in records:
        assert TEXT[r["start"] : r["end"]] == r["text"] and r["doc"] == "d1"
        assert r["text"] in r["context"] and r["context"] in TEXT
    boundary = next(r for r in records if r["kind"] == "boundary overlap")
    assert boundary["gold"]["text"] == "قرية الشحيل" and boundary["trigger"]["text"] == "هاجم"
    wrong = next(r for r in records if r["kind"] == "wrong type")
    assert (wrong["gold_type"], wrong["predicted_type"]) == ("Arrest", "Abduction")


def test_perfect_predictions_have_no_errors_and_a_diagonal_confusion_matrix():
    assert error_records([GOLD], [GOLD]) == []
    confusion = type_confusion([GOLD], [GOLD])
    n = len(confusion["labels"])
    assert all(confusion["matrix"][i][j] == (1 if i == j < n - 1 else 0) for i in range(n) for j in range(n))


def test_confusion_counts_wrong_types_misses_and_spurious_triggers():
    confusion = type_confusion([GOLD], [PRED])
    labels, matrix = confusion["labels"], confusion["matrix"]
    cell = lambda g, p: matrix[labels.index(g)][labels.index(p)]  # noqa: E731
    assert labels[-1] == "none"
    assert cell("Attack", "Attack") == 1 and cell("Arrest", "Abduction") == 1
    assert cell("Bombing", "none") == 1 and cell("none", "Killing") == 1
    assert sum(map(sum, matrix)) == 4
