"""Word labels and sub-token alignment on Arabic cases: clitics, tatweel, diacritics, digits."""

import json

import pytest

from hadath.features import (
    IGNORE,
    AlignmentStats,
    Layout,
    Preprocessing,
    align_labels,
    b_to_i_map,
    bio_word_labels,
    document_windows,
    tokenize_and_align,
)
from hadath.modeling import build_tiny, load_tokenizer
from hadath.text import word_spans


@pytest.fixture(scope="module")
def tokenizer(_tiny_cache, mini):
    texts = [json.loads(line)["text"] for line in mini.read_text(encoding="utf-8").splitlines()]
    return load_tokenizer(str(build_tiny(texts, vocab_size=300)))


def labels_for(text, spans, **kw):
    stats = AlignmentStats()
    words = word_spans(text)
    return [text[s:e] for s, e in words], bio_word_labels(words, spans, stats, "d", text, **kw), stats


def span(text, sub, name):
    start = text.index(sub)
    return (start, start + len(sub), name)


def test_clitic_words_take_the_whole_word():
    text = "وأصيب 7 آخرون بسيارة مفخخة."
    words, labels, stats = labels_for(text, [span(text, "وأصيب", "Injury"), span(text, "بسيارة مفخخة", "Instrument")])
    assert list(zip(words, labels)) == [
        ("وأصيب", "B-Injury"),
        ("7", "O"),
        ("آخرون", "O"),
        ("بسيارة", "B-Instrument"),
        ("مفخخة", "I-Instrument"),
        (".", "O"),
    ]
    assert stats.total == 0


def test_span_inside_a_word_is_counted_and_ignored_not_dropped():
    text = "وأصيب 7 آخرون."
    words, labels, stats = labels_for(text, [span(text, "أصيب", "Injury")])
    assert labels[0] is None  # ignored by the loss, not silently labelled O
    assert stats.counts["not on word boundaries"] == 1
    assert "d [1:5] 'أصيب'" in stats.examples[0]
    assert "1 span(s) not usable" in stats.summary()


def test_misaligned_gold_span_is_scored_on_the_words_it_touches():
    text = "وأصيب 7 آخرون."
    _, labels, stats = labels_for(text, [span(text, "أصيب", "Injury")], expand=True)
    assert labels[:2] == ["B-Injury", "O"] and stats.total == 1


def test_overlapping_spans_are_counted():
    text = "نقطة عسكرية في منطقة العزبة"
    _, labels, stats = labels_for(
        text, [span(text, "نقطة عسكرية في منطقة العزبة", "Target"), span(text, "منطقة العزبة", "Place")]
    )
    assert labels[0] == "B-Target" and labels[-1] == "I-Target"
    assert stats.counts["overlaps another span"] == 1


@pytest.mark.parametrize(
    "text,sub,name",
    [
        ("وقع قـــصف على القرية", "قـــصف", "Shelling"),  # tatweel stays in the span
        ("قُتِلَ شاب في الحي", "قُتِلَ", "Killing"),  # diacritics stay in the span
        ("اعتقلت القوات ٣ أشخاص", "٣ أشخاص", "Person"),  # Arabic-Indic digits
        ("اعتقلت القوات 3 أشخاص", "3 أشخاص", "Person"),  # Latin digits
    ],
)
def test_marks_and_digits_keep_original_offsets(text, sub, name):
    words, labels, stats = labels_for(text, [span(text, sub, name)])
    first = labels.index(f"B-{name}")
    assert words[first] == sub.split()[0] and stats.total == 0


def test_first_subtoken_is_labelled_and_continuations_ignored():
    assert align_labels([None, 0, 0, 1, None], [3, 4], False, {3: 4}) == [IGNORE, 3, IGNORE, 4, IGNORE]


def test_label_all_tokens_turns_b_into_i_on_continuations():
    assert align_labels([None, 0, 0, 0, 1], [3, 0], True, {3: 4}) == [IGNORE, 3, 4, 4, 0]


def test_tokenize_and_align_with_a_real_fast_tokenizer(tokenizer):
    prep = Preprocessing.from_train_config()
    words = ["وأصيب", "ومستودعاتهم", "قـــصف"]
    label2id = {"O": 0, "B-Injury": 1, "I-Injury": 2}
    enc = tokenize_and_align(
        {"words": [[prep.normalize(w) for w in words]], "word_labels": [[1, 0, 0]]},
        tokenizer,
        prep,
        b_to_i_map(label2id),
    )
    word_ids = enc.word_ids(0)
    labels = enc["labels"][0]
    assert word_ids.count(1) > 1, "the long word should split into several pieces"
    firsts = [i for i, w in enumerate(word_ids) if w is not None and (i == 0 or word_ids[i - 1] != w)]
    assert [labels[i] for i in firsts] == [1, 0, 0]
    assert sum(label != IGNORE for label in labels) == 3


def test_document_windows_fit_the_model_length(tokenizer):
    text = " ".join(["استهدفت خلايا داعش نقطة عسكرية بريف دير الزور"] * 40) + "."
    prep = Preprocessing.from_train_config(max_length=32, stride=4)
    windows = document_windows(text, tokenizer, prep)
    for window in windows:
        n = len(tokenizer([text[s:e] for s, e in window.words], is_split_into_words=True)["input_ids"])
        assert n <= 32
    assert [w for win in windows for w in win.owned] == word_spans(text)


def test_windows_fit_where_a_sentence_ends_inside_a_run_of_letters(tokenizer):
    # "مرات..جمهوريتنا": the sentence splitter cuts after "..", so the windows' words are "مرات", ".",
    # "." and "جمهوريتنا", not the one run the text's whole-word split sees. Each must be costed at its
    # real sub-token count, or the window can exceed the model's length and lose its last words.
    sentence = "وقال مثلما قلنا بوضوح عدة مرات..جمهوريتنا لا تطور ولا تنتج أسلحة"
    text = " ".join([sentence] * 6)
    prep = Preprocessing.from_train_config(max_length=24, stride=4)
    layout = Layout.of(text, tokenizer, prep)
    glued = text.index("جمهوريتنا")
    assert (glued, glued + len("جمهوريتنا")) in [w for s in layout.sentences for w in s]
    for s in layout.sentences:
        for start, end in s:
            pieces = tokenizer(prep.normalize(text[start:end]), add_special_tokens=False)["input_ids"]
            assert layout.costs[(start, end)] == len(pieces), text[start:end]
    for window in layout.windows(reserved=3):
        n = len(tokenizer(prep.model_words(text, window.words), is_split_into_words=True)["input_ids"])
        assert n <= 24 - 3
