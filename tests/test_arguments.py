"""Trigger marking for the argument tagger, and role decoding that respects the schema."""

import json

import pytest
import torch

from hadath.arguments import CLOSE_MARKER, ArgumentSettings, argument_input, mark_trigger, open_marker, unmark
from hadath.documents import Span
from hadath.errors import UserError
from hadath.features import Preprocessing
from hadath.inference import Extractor
from hadath.modeling import build_tiny, load_tokenizer


def test_marking_and_unmarking_keep_word_positions():
    words = ["استهدفت", "خلايا", "داعش", "بسيارة", "مفخخة"]
    marked = mark_trigger(words, 0, 0, "Attack")
    assert marked == ["[T:Attack]", "استهدفت", "[/T]", "خلايا", "داعش", "بسيارة", "مفخخة"]
    assert unmark(marked, 0, 0) == words
    marked = mark_trigger(words, 2, 3, "Bombing")
    assert marked[2] == open_marker("Bombing") and marked[5] == CLOSE_MARKER
    assert unmark(marked, 2, 3) == words


ROLE_LABELS = ["O", "B-Agent", "I-Agent", "B-Victim", "I-Victim", "B-Place", "I-Place", "B-Instrument", "I-Instrument"]


class FixedTagger:
    """Stands in for the argument model: probability 0.9 for each word's given label, the rest spread."""

    def __init__(self, tokenizer, labels_by_word):
        self.tokenizer, self.prep, self.labels_by_word = tokenizer, Preprocessing.from_train_config(), labels_by_word
        self.labels = ROLE_LABELS
        self.seen = []

    def distributions(self, word_lists):
        self.seen += word_lists
        out = []
        for words in word_lists:
            probs = torch.full((len(words), len(self.labels)), 0.1 / (len(self.labels) - 1))
            for i, word in enumerate(words):
                probs[i, self.labels.index(self.labels_by_word.get(word, "O"))] = 0.9
            out.append(probs)
        return out


@pytest.fixture(scope="module")
def tokenizer(_tiny_cache, mini):
    texts = [json.loads(line)["text"] for line in mini.read_text(encoding="utf-8").splitlines()]
    return load_tokenizer(str(build_tiny(texts, vocab_size=300)))


def test_roles_not_allowed_for_the_type_are_dropped_and_counted(tokenizer, schema):
    text = "استهدفت خلايا داعش حاجزاً في قرية الشحيل، ما أدى لمقتل جندي."
    fake = FixedTagger(
        tokenizer, {"خلايا": "B-Agent", "داعش": "I-Agent", "جندي": "B-Victim", "قرية": "B-Place", "الشحيل": "I-Place"}
    )
    extractor = Extractor(triggers=None, schema=schema, arguments=fake)
    [(args, window)] = extractor.tag_arguments(text, [(Span(0, 7, "استهدفت"), "Attack")])
    assert [(a.role, a.span.text) for a in args] == [("Agent", "خلايا داعش"), ("Place", "قرية الشحيل")]
    assert window["dropped"] == 1  # Victim is not a role of Attack
    assert fake.seen[0][:3] == ["[T:Attack]", "استهدفت", "[/T]"]
    assert all(text[a.span.start : a.span.end] == a.span.text for a in args)


def test_the_same_phrase_may_fill_roles_in_two_events(tokenizer, schema):
    text = "استهدفت خلايا داعش حاجزاً، ما أدى لمقتل جندي."
    fake = FixedTagger(tokenizer, {"خلايا": "B-Agent", "داعش": "I-Agent"})
    extractor = Extractor(triggers=None, schema=schema, arguments=fake)
    attack, killing = extractor.predict_arguments(
        text,
        [(Span(0, 7, "استهدفت"), "Attack"), (Span(text.index("لمقتل"), text.index("لمقتل") + 5, "لمقتل"), "Killing")],
    )
    assert attack[0].span == killing[0].span and attack[0].role == killing[0].role == "Agent"


def test_a_trigger_word_is_never_its_own_argument(tokenizer, schema):
    text = "قصفت طائرة مسيرة القرية."
    fake = FixedTagger(tokenizer, {"قصفت": "B-Agent", "طائرة": "B-Instrument", "مسيرة": "I-Instrument"})
    extractor = Extractor(triggers=None, schema=schema, arguments=fake)
    [args] = extractor.predict_arguments(text, [(Span(0, 4, "قصفت"), "Shelling")])
    assert [(a.role, a.span.text) for a in args] == [("Instrument", "طائرة مسيرة")]


@pytest.mark.parametrize("normalizer", ["hadath", "arabert-v02"])
def test_training_and_prediction_give_the_argument_tagger_the_same_window(tokenizer, schema, normalizer):
    """A sentence long enough for several overlapping windows: a trigger late in the first window is
    owned by the next one, and both training rows and prediction read that one, word for word, the
    trigger markers untouched by the normaliser (AraBERT's would space out "[T:Attack]")."""
    from hadath.data import argument_rows
    from hadath.documents import Argument, Document, Event
    from hadath.features import AlignmentStats

    filler = " ".join(["وقالت المصادر المحلية في المدينة"] * 12)
    text = f"{filler} واستهدفت خلايا داعش حاجزاً للشرطة {filler}."
    start = text.index("واستهدفت")
    trigger = Span(start, start + len("واستهدفت"), "واستهدفت")
    agent = Span(text.index("خلايا"), text.index("خلايا") + len("خلايا داعش"), "خلايا داعش")
    prep = Preprocessing.from_train_config(max_length=48, stride=8, normalizer=normalizer)
    fake = FixedTagger(tokenizer, {"خلايا": "B-Agent", "داعش": "I-Agent"})
    fake.prep = prep
    [(args, window)] = Extractor(triggers=None, schema=schema, arguments=fake).tag_arguments(
        text, [(trigger, "Attack")]
    )
    doc = Document("long", text, (Event("E1", "Attack", trigger, (Argument("Agent", agent),)),))
    label2id = {label: i for i, label in enumerate(["O", "B-Agent", "I-Agent"])}
    settings = ArgumentSettings.from_meta({})
    [row] = list(argument_rows([doc], tokenizer, prep, label2id, AlignmentStats(), schema, settings))
    # the same marked window, word for word: both normalise the text's words, then mark the trigger
    assert row["words"] == fake.seen[0]
    assert fake.seen[0].index("[T:Attack]") > 2  # context on the left: not the first window cut at the trigger
    assert [(a.role, a.span.text) for a in args] == [("Agent", "خلايا داعش")]


def viterbi(**changes):
    return ArgumentSettings.from_meta({"arguments": {"decoding": "viterbi", **changes}})


def test_viterbi_decoding_keeps_only_the_types_roles_inside_decoding(tokenizer, schema):
    text = "استهدفت خلايا داعش حاجزاً في قرية الشحيل، ما أدى لمقتل جندي."
    fake = FixedTagger(
        tokenizer, {"خلايا": "I-Agent", "داعش": "I-Agent", "جندي": "B-Victim", "قرية": "B-Place", "الشحيل": "I-Place"}
    )
    extractor = Extractor(triggers=None, schema=schema, arguments=fake, settings=viterbi())
    [(args, window)] = extractor.tag_arguments(text, [(Span(0, 7, "استهدفت"), "Attack")])
    # an Agent that starts with I- comes out whole; Victim (not a role of Attack) is never decoded
    assert [(a.role, a.span.text) for a in args] == [("Agent", "خلايا داعش"), ("Place", "قرية الشحيل")]
    assert window["dropped"] == 0
    assert all(text[a.span.start : a.span.end] == a.span.text for a in args)


def test_the_prompt_follows_the_window_and_is_never_labelled(tokenizer, schema):
    from hadath.data import argument_rows
    from hadath.documents import Argument, Document, Event
    from hadath.features import AlignmentStats

    text = "استهدفت خلايا داعش حاجزاً للشرطة."
    trigger, agent = Span(0, 7, "استهدفت"), Span(8, 18, "خلايا داعش")
    settings = ArgumentSettings.from_meta({"arguments": {"prompt": True}})
    words = argument_input(text[:-1].split(), 0, 0, "Attack", schema, settings, tokenizer)
    assert words[-2:] == [tokenizer.sep_token, schema.trigger_examples["Attack"][0]]
    assert unmark(words, 0, 0, n_words=5) == text[:-1].split()
    prep = Preprocessing.from_train_config()
    doc = Document("d", text, (Event("E1", "Attack", trigger, (Argument("Agent", agent),)),))
    label2id = {label: i for i, label in enumerate(ROLE_LABELS)}
    [row] = list(argument_rows([doc], tokenizer, prep, label2id, AlignmentStats(), schema, settings))
    assert row["words"][-2:] == words[-2:] and row["word_labels"][-2:] == [-100, -100]
    fake = FixedTagger(tokenizer, {"خلايا": "B-Agent", "داعش": "I-Agent", "هجوم": "B-Place"})
    extractor = Extractor(triggers=None, schema=schema, arguments=fake, settings=settings)
    [(args, window)] = extractor.tag_arguments(text, [(trigger, "Attack")])
    assert fake.seen[0] == row["words"]  # the normalised window, marked, then the prompt, as in training
    assert [(a.role, a.span.text) for a in args] == [("Agent", "خلايا داعش")]  # nothing found in the prompt
    assert len(window["labels"]) == len(window["words"])


def test_unknown_argument_settings_are_refused_with_the_known_ones():
    with pytest.raises(UserError, match="arguments.decoding='crf' is not one of argmax, viterbi"):
        ArgumentSettings.from_meta({"arguments": {"decoding": "crf"}})


def test_negative_rows_mark_trigger_words_that_are_no_trigger_in_context(tokenizer, schema):
    """arguments.negatives: a word annotated as a trigger in one document and not in another gives,
    in the other, a row with that word marked by its usual type and every word O."""
    from hadath.data import argument_rows
    from hadath.documents import Argument, Document, Event
    from hadath.features import AlignmentStats

    attack = "هاجم مسلحون حاجزا للجيش."
    other = "تحدث الوزير عن وقف إطلاق النار وقال إن الجيش هاجم الفساد."
    trigger, agent = Span(0, 4, "هاجم"), Span(5, 11, "مسلحون")
    docs = [
        Document("a", attack, (Event("E1", "Attack", trigger, (Argument("Agent", agent),)),)),
        Document("b", other),
    ]
    label2id = {label: i for i, label in enumerate(ROLE_LABELS)}
    prep = Preprocessing.from_train_config()
    settings = ArgumentSettings.from_meta({"arguments": {"negatives": True}})
    plain = list(argument_rows(docs, tokenizer, prep, label2id, AlignmentStats(), schema, settings))
    rows = list(argument_rows(docs, tokenizer, prep, label2id, AlignmentStats(), schema, settings, negatives=True))
    assert len(plain) == 1 and rows[0] == plain[0]  # the gold event's row is unchanged, and never a negative
    [negative] = rows[1:]  # "هاجم" in the second document, not the one in the first
    words = other[:-1].split() + ["."]
    marked = words.index("هاجم") + 1
    assert negative["words"][marked - 1 : marked + 2] == ["[T:Attack]", "هاجم", "[/T]"]
    assert [x for x in negative["word_labels"] if x != -100] == [label2id["O"]] * len(words)
    assert ArgumentSettings.from_meta({}).negatives is False  # older checkpoints: none
