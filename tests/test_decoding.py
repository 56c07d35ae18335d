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


LABELS = ["O", "B-Agent", "I-Agent", "B-Place", "I-Place"]


def well_formed(labels):
    return all(
        not tag.startswith("I-") or (i and labels[i - 1] in (f"B-{tag[2:]}", tag)) for i, tag in enumerate(labels)
    ) and not (labels and labels[0].startswith("I-"))


def test_viterbi_gives_well_formed_iob2_on_ill_formed_probabilities():
    import numpy as np

    from hadath.decoding import viterbi_bio

    rng = np.random.default_rng(0)
    for _ in range(200):
        probs = rng.dirichlet(np.ones(len(LABELS)) * 0.3, size=int(rng.integers(1, 12)))
        probs[:, [2, 4]] *= 3  # I- labels most likely: argmax would be ill-formed almost everywhere
        labels = viterbi_bio(probs / probs.sum(1, keepdims=True), LABELS)
        assert well_formed(labels), labels
    # allowed names and forced-outside words hold whatever the probabilities
    probs = rng.dirichlet(np.ones(len(LABELS)), size=8)
    labels = viterbi_bio(probs, LABELS, allowed={"Place"}, outside={0, 3})
    assert well_formed(labels) and not any("Agent" in x for x in labels) and labels[0] == labels[3] == "O"


def test_viterbi_closes_a_weak_gap_that_argmax_cuts_in_two():
    from hadath.decoding import viterbi_bio

    # "30 شخصا على الأقل": argmax says B O I (two pieces, one of them orphaned); the best sequence is one span
    probs = [[0.1, 0.8, 0.1, 0, 0], [0.55, 0.0, 0.45, 0, 0], [0.2, 0.0, 0.8, 0, 0]]
    argmax = [LABELS[max(range(5), key=row.__getitem__)] for row in probs]
    assert names(bio_to_spans(argmax)) == [(0, 0, "Agent"), (2, 2, "Agent")]
    assert viterbi_bio(probs, LABELS) == ["B-Agent", "I-Agent", "I-Agent"]
