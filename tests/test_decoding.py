"""BIO label sequences to spans, including ill-formed sequences, and back."""

from hadath.decoding import LabelledSpan, bio_to_spans, char_span, spans_to_bio


def names(spans):
    return [(s.first, s.last, s.name) for s in spans]


def test_well_formed_sequence():
    labels = ["B-Attack", "I-Attack", "O", "B-Killing", "B-Killing", "I-Killing"]
    assert names(bio_to_spans(labels)) == [(0, 1, "Attack"), (3, 3, "Killing"), (4, 5, "Killing")]


def test_i_without_b_starts_a_span():
    assert names(bio_to_spans(["O", "I-Attack", "I-Attack", "O"])) == [(1, 2, "Attack")]


def test_i_of_another_type_starts_a_new_span():
    assert names(bio_to_spans(["B-Attack", "I-Bombing", "I-Bombing"])) == [(0, 0, "Attack"), (1, 2, "Bombing")]


def test_span_at_the_end_and_scores_are_averaged():
    [span] = bio_to_spans(["O", "B-Place", "I-Place"], scores=[1.0, 0.9, 0.5])
    assert (span.first, span.last) == (1, 2) and abs(span.score - 0.7) < 1e-9


def test_spans_to_bio_repairs_ill_formed_sequences():
    raw = ["I-Attack", "I-Attack", "O", "I-Place"]
    assert spans_to_bio(bio_to_spans(raw), 4) == ["B-Attack", "I-Attack", "O", "B-Place"]


def test_char_span_cuts_from_the_original_text():
    text = "وأصيب ٣ مدنيين بـجروح"
    words = [(0, 5), (6, 7), (8, 14), (15, 21)]
    start, end, got = char_span(text, words, LabelledSpan(1, 2, "Victim"))
    assert (start, end, got) == (6, 14, "٣ مدنيين") and text[start:end] == got


def test_one_codec_round_trips_bio_and_bilou():
    spans = [LabelledSpan(0, 0, "PER"), LabelledSpan(2, 4, "LOC"), LabelledSpan(5, 6, "ORG")]
    bilou = spans_to_bio(spans, 8, scheme="BILOU")
    assert bilou == ["U-PER", "O", "B-LOC", "I-LOC", "L-LOC", "B-ORG", "L-ORG", "O"]
    assert bio_to_spans(bilou) == spans == bio_to_spans(spans_to_bio(spans, 8))
    orphan = bio_to_spans(["O", "I-LOC", "L-LOC"])
    assert orphan == [LabelledSpan(1, 2, "LOC")] and orphan[0].orphan
