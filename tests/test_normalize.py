"""Model-family normalisation: AraBERT v0.2's rules with offset maps, Farasa's errors, and offsets
that survive normalise -> tokenise -> label -> decode -> map back on random text (hypothesis)."""

import json
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hadath.decoding import bio_to_spans, char_span
from hadath.errors import UserError
from hadath.features import IGNORE, Preprocessing, align_labels, bio_word_labels
from hadath.modeling import build_tiny, load_tokenizer
from hadath.text.normalize import FAMILIES, normalize_text, normalize_word
from hadath.text.words import word_spans

ROOT = Path(__file__).resolve().parents[1]
HOSTILE = (
    "قُتِلَ ثلاثةٌ &amp; أصيب ٣أشخاص في 12/3/2018 https://t.co/abc www.bbc.com user@x @user_1 "
    'هههههه 😀 <a href="x">رابط</a> <br /> ـــ ۳۴ café'
)


def real_texts(n: int | None = None) -> list[str]:
    texts = []
    for split in ("train", "dev", "test"):
        path = ROOT / "annotations" / "real" / f"{split}.jsonl"
        texts += [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines()]
    return texts[:n]


def test_arabert_v02_rules_one_by_one():
    out = normalize_text(HOSTILE, "arabert-v02").text
    assert out.startswith("قتل ثلاثة أصيب 3 أشخاص في 12 - 3 - 2018 [رابط] [رابط] [بريد] [مستخدم] هه")
    assert (
        "&" not in out and "😀" not in out and "<a" not in out and "ـ" not in out and "café" not in out and "caf" in out
    )
    assert "  " not in out and out == out.strip()


def test_every_token_maps_back_to_the_original_text():
    text = HOSTILE
    tokens = [(tok, text[s:e]) for tok, s, e in normalize_text(text, "arabert-v02").tokens()]
    assert tokens[:3] == [("قتل", "قُتِلَ"), ("ثلاثة", "ثلاثةٌ"), ("أصيب", "أصيب")]  # diacritics stay in the span
    assert ("[رابط]", "https://t.co/abc") in tokens and ("[رابط]", "www.bbc.com") in tokens
    assert ("3", "٣") in tokens and ("أشخاص", "أشخاص") in tokens  # ٣أشخاص: a digit and a word
    tokens = dict(tokens)
    assert tokens["[بريد]"] == "user@x"
    assert tokens["[مستخدم]"] == "@user_1"
    assert tokens["هه"] == "هههههه"
    quoted = normalize_text("قال &quot;مصدر&quot;", "arabert-v02")
    assert [(t, "قال &quot;مصدر&quot;"[s:e]) for t, s, e in quoted.tokens()] == [
        ("قال", "قال"),
        ('"', "&quot;"),
        ("مصدر", "مصدر"),
        ('"', "&quot;"),
    ]


def test_equals_the_arabert_package_on_real_news(arabert):
    """The normalised text is AraBERT's own preprocessing, character for character, on every real article."""
    reference = arabert
    texts = real_texts() + [HOSTILE]
    assert len(texts) > 200
    for text in texts:
        assert normalize_text(text, "arabert-v02").text == reference.preprocess(text)


# Characters that exercise every rule: letters, marks, tatweel, both digit sets, symbols, Latin,
# URL, e-mail and mention pieces, HTML pieces, emoji, zero-width and direction marks, spaces.
ALPHABET = "ابتثجحخدذرسشصضطظعغفقكلمنهويءآأإؤئةى" + "\u064b\u064e\u0650\u0651\u0652\u0640" + "0129٠٣٩۳"
ALPHABET += ".,،؛؟!:;/-_()[]«»\"'&#<>@+=%" + "abcwhtpsmoWX" + "😀é\u200f\u200b\ufe0f" + "   \n\t"
TEXTS = st.text(alphabet=ALPHABET, max_size=80)
PIECES = st.sampled_from(["https://a.b/c", "www.x.com", "a@b.com", "@ab", "&amp;", "&#1604;", "<p>", "<br />", "ـــ"])
HOSTILE_TEXTS = st.lists(st.one_of(TEXTS, PIECES), max_size=6).map("".join)


@pytest.fixture(scope="module")
def arabert():
    return pytest.importorskip("arabert.preprocess").ArabertPreprocessor("bert-base-arabertv02")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=HOSTILE_TEXTS)
def test_equals_the_arabert_package_on_random_text(arabert, text):
    assert normalize_text(text, "arabert-v02").text == arabert.preprocess(text)


@settings(max_examples=200, deadline=None)
@given(HOSTILE_TEXTS, st.sampled_from([f for f in FAMILIES if f != "arabert-v2"]))  # v2 = v02 + Farasa
def test_token_offsets_are_inside_the_text_and_in_order(text, family):
    tokens = normalize_text(text, family).tokens()
    for _token, start, end in tokens:
        assert 0 <= start < end <= len(text)
        assert not text[start].isspace() and not text[end - 1].isspace()
    assert [s for _, s, _ in tokens] == sorted(s for _, s, _ in tokens)


@settings(max_examples=200, deadline=None)
@given(HOSTILE_TEXTS, st.booleans(), st.booleans(), st.booleans())
def test_the_mapped_hadath_rules_equal_the_fast_word_normaliser(text, tatweel, diacritics, digits):
    """The hadath family has two forms (normalize_word on the hot path, the mapped rules for offsets): they agree."""
    flags = {"strip_tatweel": tatweel, "strip_diacritics": diacritics, "latin_digits": digits}
    assert normalize_text(text, "hadath", **flags).text == normalize_word(text, **flags)


@pytest.fixture(scope="module")
def tokenizer(_tiny_cache):
    return load_tokenizer(str(build_tiny(real_texts(40), vocab_size=400)))


WORD = st.text(alphabet=ALPHABET.replace(" ", "").replace("\n", "").replace("\t", ""), min_size=1, max_size=9)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(WORD, min_size=1, max_size=30),
    st.lists(st.tuples(st.integers(0, 29), st.integers(1, 3), st.sampled_from(["Agent", "Place"])), max_size=4),
    st.sampled_from(["hadath", "arabert-v02", "camelbert", "raw"]),
)
def test_spans_survive_normalise_tokenise_label_decode(tokenizer, words, picks, family):
    """Random Arabic-ish text and word-aligned spans: normalise each word, tokenise, put the labels on
    first sub-tokens, read them back, decode: the same spans, and text[start:end] is the span's text."""
    text = " ".join(words)
    spans_ = word_spans(text)
    gold, taken = set(), set()
    for first, length, role in picks:
        chosen = set(range(first, min(first + length, len(spans_))))
        if chosen and not chosen & taken:  # BIO cannot hold overlapping spans: keep the first of those
            taken |= chosen
            gold.add((spans_[min(chosen)][0], spans_[max(chosen)][1], role))
    labels = bio_word_labels(spans_, sorted(gold))
    prep = Preprocessing.from_train_config(normalizer=family)
    names = sorted(set(labels))
    enc = tokenizer(prep.model_words(text, spans_), is_split_into_words=True)
    sub = align_labels(enc.word_ids(), [names.index(x) for x in labels], False, {})
    read_back: dict[int, str] = {}
    for wid, label in zip(enc.word_ids(), sub):
        if wid is not None and label != IGNORE:
            read_back.setdefault(wid, names[label])
    assert sorted(read_back) == list(range(len(spans_)))  # every word has a first sub-token
    decoded = {char_span(text, spans_, s) for s in bio_to_spans([read_back[i] for i in range(len(spans_))])}
    assert {(s, e, text[s:e]) for s, e, _ in gold} == {(s, e, t) for s, e, t in decoded}


def test_training_and_prediction_read_the_same_words_for_every_family():
    text = "قُتِلَ ٣أشخاص https://t.co/x [T:Attack] «هجوم»"
    for family in ("hadath", "arabert-v02", "camelbert", "raw"):
        prep = Preprocessing.from_train_config(normalizer=family)
        words = word_spans(text)
        assert prep.model_words(text, words) == [prep.normalize(text[s:e]) for s, e in words]
        assert all(prep.model_words(text, words))  # no word vanishes: each keeps a position for its label


def test_an_unknown_normalizer_is_refused():
    with pytest.raises(UserError, match=r"preprocessing.normalizer='arabert' is not known; choose one of hadath"):
        Preprocessing.from_train_config(normalizer="arabert")


def test_checkpoints_from_before_normalizers_read_as_hadath():
    prep = Preprocessing.from_train_config()
    meta = {k: v for k, v in prep.__dict__.items() if k != "normalizer"}
    assert Preprocessing(**meta).normalizer == "hadath"


@pytest.mark.parametrize(
    "model,family",
    [("tiny", "hadath"), ("news-small", "hadath"), ("arabert-v02", "arabert-v02"), ("arabert-v2", "arabert-v2")]
    + [("camelbert-msa", "camelbert"), ("marbert-v2", "raw"), ("xlmr-base", "raw")],
)
def test_each_model_config_names_its_family(model, family):
    assert Preprocessing.from_train_config(model).normalizer == family


@pytest.fixture
def fresh_farasa(monkeypatch):
    from hadath.text import farasa

    farasa._segmenter.cache_clear()
    yield farasa
    farasa._segmenter.cache_clear()


def test_arabert_v2_without_farasapy_says_so(fresh_farasa, monkeypatch):
    monkeypatch.setitem(sys.modules, "farasa", None)
    monkeypatch.setitem(sys.modules, "farasa.segmenter", None)
    with pytest.raises(UserError, match=r"normalizer=arabert-v2 needs Farasa segmentation: the farasapy package"):
        Preprocessing.from_train_config("arabert-v2").normalize("والمكتب")


def test_arabert_v2_without_java_says_so(fresh_farasa, monkeypatch):
    pytest.importorskip("farasa.segmenter")
    monkeypatch.setattr(fresh_farasa.shutil, "which", lambda name: None)
    with pytest.raises(UserError, match=r"no Java runtime on PATH"):
        fresh_farasa.segment("والمكتب")


def test_arabert_v2_without_the_jar_says_so(fresh_farasa, monkeypatch, tmp_path):
    pytest.importorskip("farasa.segmenter")
    monkeypatch.setattr(fresh_farasa.shutil, "which", lambda name: "/usr/bin/java")
    monkeypatch.setenv("HADATH_FARASA_JAR", str(tmp_path / "FarasaSegmenterJar.jar"))
    with pytest.raises(UserError, match=r"HADATH_FARASA_JAR=.*FarasaSegmenterJar.jar is not a file"):
        fresh_farasa.segment("والمكتب")


def test_farasa_output_is_marked_as_arabert_v2_reads_it():
    from hadath.text.farasa import _mark

    assert _mark("و+ال+مكتب") == "و+ ال+ مكتب"
    assert _mark("ال+دراس+ات") == "ال+ دراس +ات"
    assert _mark("قتل") == "قتل"
