"""Words, sentences and windows keep exact character offsets into the original text."""

import pytest

from hadath.text import make_windows, normalize_word, split_sentences, word_spans


def texts(text, spans):
    return [text[s:e] for s, e in spans]


def test_words_split_punctuation_but_keep_clitics():
    text = "وأصيب 7 آخرون «بسيارة مفخخة»، (قسد)."
    assert texts(text, word_spans(text)) == [
        "وأصيب",
        "7",
        "آخرون",
        "«",
        "بسيارة",
        "مفخخة",
        "»",
        "،",
        "(",
        "قسد",
        ")",
        ".",
    ]


def test_words_keep_inner_punctuation_and_treat_direction_marks_as_space():
    text = "في 4/6/2024 قُتل\u200f 3.5 عين-عيسى"
    assert texts(text, word_spans(text)) == ["في", "4/6/2024", "قُتل", "3.5", "عين-عيسى"]


def test_a_separator_glued_between_arabic_words_splits_them_but_not_abbreviations():
    text = "شمالي الكاميرون.وأصيب 11 في دمشق،حلب نقلاً عن أ.ف.ب و www.x.com في «القرية».وذكر"
    assert texts(text, word_spans(text)) == [
        "شمالي", "الكاميرون", ".", "وأصيب", "11", "في", "دمشق", "،", "حلب",
        "نقلاً", "عن", "أ.ف.ب", "و", "www.x.com", "في", "«", "القرية", "»", ".", "وذكر",
    ]  # fmt: skip
    assert texts(text, split_sentences(text)) == [
        "شمالي الكاميرون.",
        "وأصيب 11 في دمشق،حلب نقلاً عن أ.ف.ب و www.x.com في «القرية».",
        "وذكر",
    ]


def test_sentences_end_at_arabic_and_latin_terminators_and_line_breaks():
    text = "قصفت القوات القرية. هل انتهى الهجوم؟ نعم؛ استمر\nسطر جديد!"
    assert texts(text, split_sentences(text)) == [
        "قصفت القوات القرية.",
        "هل انتهى الهجوم؟",
        "نعم؛",
        "استمر",
        "سطر جديد!",
    ]


def test_sentences_ignore_dots_in_numbers_dates_and_abbreviations():
    text = "أصيب 3.5 بالمئة في 4.6.2024 وقال د. سامر الحلبي إن الوضع مستقر. انتهى."
    assert texts(text, split_sentences(text)) == [
        "أصيب 3.5 بالمئة في 4.6.2024 وقال د. سامر الحلبي إن الوضع مستقر.",
        "انتهى.",
    ]


def test_sentences_keep_closing_quote_and_handle_crlf():
    text = "قال: «انتهت العملية.»\r\nوأضاف أن ٣ مقاتلين أصيبوا."
    spans = split_sentences(text)
    assert texts(text, spans) == ["قال: «انتهت العملية.»", "وأضاف أن ٣ مقاتلين أصيبوا."]
    assert spans[1][0] == text.index("وأضاف")


def test_windows_hold_whole_sentences_and_pack_when_asked():
    text = "جملة أولى هنا. جملة ثانية هنا. ثالثة."
    assert [len(w.words) for w in make_windows(text, max_tokens=10)] == [4, 4, 2]
    assert [len(w.words) for w in make_windows(text, max_tokens=9, pack=True)] == [8, 2]


@pytest.mark.parametrize("budget,stride", [(8, 3), (5, 0), (7, 6), (3, 1)])
def test_long_sentence_windows_own_every_word_exactly_once(budget, stride):
    text = " ".join(f"كلمة{i}" for i in range(31)) + "."
    windows = make_windows(text, max_tokens=budget, stride=stride)
    assert all(len(w.words) <= budget for w in windows)
    assert [span for w in windows for span in w.owned] == word_spans(text)
    assert windows[0].continues is False and all(w.continues for w in windows[1:])


def test_window_budget_counts_subword_costs():
    text = "قصف عنيف جدا على القرية."
    cost = {span: 3 for span in word_spans(text)}
    windows = make_windows(text, max_tokens=7, stride=1, cost=lambda w: cost[w])
    assert all(sum(cost[w] for w in win.words) <= 7 for win in windows)
    assert [s for w in windows for s in w.owned] == word_spans(text)


def test_normalisation_strips_tatweel_and_diacritics_only_from_the_model_view():
    assert normalize_word("قـــصف") == "قصف"
    assert normalize_word("قُتِلَ") == "قتل"
    assert normalize_word("٣", latin_digits=True) == "3"
    assert normalize_word("٣") == "٣"
