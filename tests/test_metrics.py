"""Event-level TI/TC/AI/AC on hand-made documents whose scores are worked out by hand."""

import json

import pytest

from hadath.documents import Argument, Document, Event, Span
from hadath.errors import UserError
from hadath.metrics import format_event_table, score_events, seqeval_report

TEXT = (
    "استهدفت خلايا داعش بسيارة مفخخة نقطة عسكرية في الشحيل، ما أدى لإصابة مقاتل. وهاجم مسلحون حاجزا أمنيا قرب البصيرة."
)


def span(fragment: str) -> Span:
    start = TEXT.index(fragment)
    return Span(start, start + len(fragment), fragment)


def event(event_type: str, trigger: str, *args: tuple[str, str], eid: str = "E") -> Event:
    return Event(eid, event_type, span(trigger), tuple(Argument(role, span(text)) for role, text in args))


def doc(*events: Event, doc_id: str = "d1") -> Document:
    return Document(doc_id, TEXT, tuple(events))


ATTACK = event("Attack", "استهدفت", ("Agent", "خلايا داعش"), ("Instrument", "بسيارة مفخخة"), ("Target", "نقطة عسكرية"))
INJURY = event("Injury", "لإصابة", ("Victim", "مقاتل"), ("Agent", "خلايا داعش"))
GOLD = [doc(ATTACK, INJURY)]


def counts(block: dict) -> tuple[int, int, int]:
    return block["tp"], block["n_pred"], block["n_gold"]


def test_perfect_prediction_scores_one_everywhere():
    scores = score_events(GOLD, GOLD)
    for level in ("TI", "TC", "AI", "AC"):
        assert scores[level]["precision"] == scores[level]["recall"] == scores[level]["f1"] == 1.0
        assert scores["macro"][level] == 1.0
    assert counts(scores["AC"]) == (5, 5, 5)
    assert all(b["f1"] == 1.0 for t in scores["per_type"].values() for b in t.values())
    assert all(b["f1"] == 1.0 for r in scores["per_role"].values() for b in r.values())
    json.dumps(scores)  # JSON-serialisable


def test_missed_trigger_loses_its_arguments():
    scores = score_events(GOLD, [doc(ATTACK)])
    assert counts(scores["TI"]) == (1, 1, 2)
    assert counts(scores["AI"]) == (3, 3, 5)  # the Injury's 2 arguments are missed with it
    assert counts(scores["AC"]) == (3, 3, 5)
    assert scores["AC"]["precision"] == 1.0 and scores["AC"]["recall"] == pytest.approx(3 / 5)


def test_missing_predicted_document_counts_as_all_missed():
    gold = GOLD + [doc(ATTACK, doc_id="d2")]
    scores = score_events(gold, GOLD)
    assert counts(scores["TC"]) == (2, 2, 3)
    assert counts(scores["AC"]) == (5, 5, 8)


def test_wrong_type_passes_ti_fails_tc_and_its_arguments_fail_ai():
    killing = event("Killing", "لإصابة", ("Victim", "مقاتل"), ("Agent", "خلايا داعش"))
    scores = score_events(GOLD, [doc(ATTACK, killing)])
    assert counts(scores["TI"]) == (2, 2, 2) and scores["TI"]["f1"] == 1.0
    assert counts(scores["TC"]) == (1, 2, 2) and scores["TC"]["f1"] == 0.5
    assert counts(scores["AI"]) == (3, 5, 5) and scores["AI"]["f1"] == pytest.approx(0.6)
    assert counts(scores["AC"]) == (3, 5, 5)
    per_type = scores["per_type"]
    # TI per type credits the prediction to the gold type it identified.
    assert counts(per_type["Injury"]["TI"]) == (1, 1, 1)
    assert counts(per_type["Killing"]["TI"]) == (0, 0, 0)
    assert counts(per_type["Injury"]["TC"]) == (0, 0, 1)
    assert counts(per_type["Killing"]["TC"]) == (0, 1, 0)
    assert counts(per_type["Killing"]["AI"]) == (0, 2, 0)
    assert scores["macro"]["TI"] == 1.0  # Attack and Injury; Killing has no TI item
    assert scores["macro"]["TC"] == pytest.approx(1 / 3)  # Attack 1, Injury 0, Killing 0


def test_right_span_wrong_role_passes_ai_fails_ac():
    swapped = event("Injury", "لإصابة", ("Victim", "مقاتل"), ("Victim", "خلايا داعش"))
    scores = score_events(GOLD, [doc(ATTACK, swapped)])
    assert counts(scores["AI"]) == (5, 5, 5)
    assert counts(scores["AC"]) == (4, 5, 5) and scores["AC"]["f1"] == pytest.approx(0.8)
    roles = scores["per_role"]
    # AI per role credits the matched prediction to the gold role; AC counts it under Victim.
    assert counts(roles["Agent"]["AI"]) == (2, 2, 2)
    assert counts(roles["Agent"]["AC"]) == (1, 1, 2)
    assert counts(roles["Victim"]["AC"]) == (1, 2, 1)
    assert roles["Victim"]["AC"]["precision"] == 0.5 and roles["Victim"]["AC"]["recall"] == 1.0


def test_spurious_trigger_lowers_ti_precision():
    extra = event("Attack", "وهاجم", ("Agent", "مسلحون"))
    scores = score_events(GOLD, [doc(ATTACK, INJURY, extra)])
    assert counts(scores["TI"]) == (2, 3, 2)
    assert scores["TI"]["precision"] == pytest.approx(2 / 3) and scores["TI"]["recall"] == 1.0
    assert counts(scores["AI"]) == (5, 6, 5)


def test_argument_on_the_wrong_trigger_fails():
    # "مقاتل" is the Injury's Victim; predicted under the Attack it is wrong even with the same role.
    attack = event("Attack", "استهدفت", *[(a.role, a.span.text) for a in ATTACK.arguments], ("Victim", "مقاتل"))
    injury = event("Injury", "لإصابة", ("Agent", "خلايا داعش"))
    scores = score_events(GOLD, [doc(attack, injury)])
    assert counts(scores["AI"]) == (4, 5, 5)
    assert counts(scores["AC"]) == (4, 5, 5)


def test_duplicate_predictions_are_not_double_counted():
    scores = score_events(GOLD, [doc(ATTACK, INJURY, ATTACK, INJURY)])
    assert counts(scores["TI"]) == (2, 4, 2) and scores["TI"]["precision"] == 0.5
    assert counts(scores["AC"]) == (5, 10, 5)
    repeated = event("Injury", "لإصابة", ("Victim", "مقاتل"), ("Victim", "مقاتل"), ("Agent", "خلايا داعش"))
    assert counts(score_events(GOLD, [doc(ATTACK, repeated)])["AC"]) == (5, 6, 5)


def test_macro_average_over_two_types_by_hand():
    attack2 = event("Attack", "وهاجم", ("Agent", "مسلحون"))
    gold = [doc(ATTACK, INJURY, attack2)]
    # Attack: 1 of 2 found (P 1, R 1/2, F1 2/3). Injury: found, plus 2 spurious (P 1/3, R 1, F1 1/2).
    pred = [doc(ATTACK, INJURY, event("Injury", "مقاتل"), event("Injury", "البصيرة"))]
    scores = score_events(gold, pred)
    assert scores["per_type"]["Attack"]["TC"]["f1"] == pytest.approx(2 / 3)
    assert scores["per_type"]["Injury"]["TC"]["f1"] == pytest.approx(1 / 2)
    assert scores["macro"]["TC"] == pytest.approx((2 / 3 + 1 / 2) / 2)
    # micro: tp 2, pred 4, gold 3 -> P 1/2, R 2/3, F1 4/7
    assert scores["TC"]["f1"] == pytest.approx(4 / 7)
    # Arguments: Attack 3 of 4 gold (F1 6/7), Injury 2 of 2 (F1 1).
    assert scores["macro"]["AC"] == pytest.approx((6 / 7 + 1) / 2)
    assert set(scores["per_role"]) == {"Agent", "Instrument", "Target", "Victim"}
    assert scores["macro_role"]["AC"] == pytest.approx((2 * 2 / 3 / (1 + 2 / 3) + 1 + 1 + 1) / 4)


def test_zero_division_is_zero():
    scores = score_events([doc()], [doc()])
    assert scores["TI"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "tp": 0, "n_pred": 0, "n_gold": 0}
    assert scores["macro"]["AC"] == 0.0 and scores["per_type"] == {}


def test_unknown_predicted_document_is_an_error():
    with pytest.raises(UserError, match="'ghost'"):
        score_events(GOLD, [doc(doc_id="ghost")])


def test_table_lists_levels_and_types():
    table = format_event_table(score_events(GOLD, [doc(ATTACK)]))
    lines = table.splitlines()
    assert lines[0].split() == ["level", "precision", "recall", "f1", "gold", "pred", "tp"]
    assert lines[1].split() == ["TI", "1.000", "0.500", "0.667", "2", "1", "1"]
    assert any(line.split()[:3] == ["Injury", "0.000", "0.000"] for line in lines)
    assert lines[-1].startswith("macro avg")


def test_unattached_argument_scores_ignore_the_trigger_the_argument_hangs_on():
    text = "قصفت طائرات القرية وقتل مدني فيها."
    plane = Span(text.index("طائرات"), text.index("طائرات") + 6, "طائرات")
    shelling = Span(0, 4, "قصفت")
    killing = Span(text.index("وقتل"), text.index("وقتل") + 4, "وقتل")
    gold = Document("d", text, (Event("E1", "Shelling", shelling, (Argument("Instrument", plane),)),))
    pred = Document("d", text, (Event("E1", "Killing", killing, (Argument("Instrument", plane),)),))
    scores = score_events([gold], [pred])
    assert scores["AC"]["tp"] == 0  # attached: the argument hangs on a wrong trigger
    assert scores["AC_unattached"]["f1"] == 1.0 and scores["AI_unattached"]["tp"] == 1
    assert "AC_unattached" in format_event_table(scores)


def test_overlap_ac_forgives_boundaries_but_not_roles_and_never_counts_a_gold_twice():
    text = "قتل 30 شخصا على الأقل في منطقة بغداد الجديدة شرقي العاصمة."

    def span(phrase):
        start = text.index(phrase)
        return Span(start, start + len(phrase), phrase)

    trigger = span("قتل")
    gold_args = (
        Argument("Victim", span("30 شخصا على الأقل")),
        Argument("Place", span("منطقة بغداد الجديدة شرقي العاصمة")),
    )
    gold = Document("d", text, (Event("E1", "Killing", trigger, gold_args),))
    pred_args = (
        Argument("Victim", span("30 شخصا")),  # cut short: overlaps the gold Victim
        Argument("Victim", span("الأقل")),  # a second piece of the same gold Victim: no second match
        Argument("Agent", span("بغداد الجديدة")),  # overlaps the Place, with the wrong role
    )
    pred = Document("d", text, (Event("E1", "Killing", trigger, pred_args),))
    scores = score_events([gold], [pred])
    assert scores["AC"]["tp"] == 0
    assert (scores["AC_overlap"]["tp"], scores["AC_overlap"]["n_pred"], scores["AC_overlap"]["n_gold"]) == (1, 3, 2)
    assert round(scores["AC_overlap"]["f1"], 3) == 0.4
    assert "AC_overlap" in format_event_table(scores)


def test_strict_and_conlleval_modes_agree_on_well_formed_labels_and_differ_on_orphans():
    from hadath.intervals import f1, label_counts
    from hadath.metrics import MODES

    gold = [["B-Attack", "I-Attack", "O", "B-Killing"], ["O", "B-Arrest", "I-Arrest"]]
    well_formed = [["B-Attack", "I-Attack", "O", "O"], ["O", "B-Arrest", "O"]]
    assert seqeval_report(gold, well_formed, "strict") == seqeval_report(gold, well_formed, "conlleval")
    orphan = [["I-Attack", "I-Attack", "O", "B-Killing"], ["O", "B-Arrest", "I-Arrest"]]
    strict, lenient = seqeval_report(gold, orphan, "strict"), seqeval_report(gold, orphan, "conlleval")
    assert strict["per_label"]["Attack"]["f1"] == 0.0  # an entity must open with B- in strict IOB2
    assert lenient["per_label"]["Attack"]["f1"] == 1.0  # conlleval opens one at the orphan I-
    for mode, report in (("strict", strict), ("conlleval", lenient)):  # the intervals count as the report does
        assert f1(label_counts(gold, orphan, mode)["micro"]) == pytest.approx(report["micro"]["f1"])
    assert set(MODES) == {"strict", "conlleval"}
    with pytest.raises(UserError, match="mode='loose' is not one of strict, conlleval"):
        seqeval_report(gold, orphan, "loose")
