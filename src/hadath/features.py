"""From documents to model inputs: word labels, windows, sub-token alignment.

The taggers label words (hadath.text.words). A window's words are normalised
one by one and handed to a fast tokenizer as pre-split words; the tokenizer's
offset mapping of each word gives ``word_ids``, which align sub-tokens back
to words. Labels go on the first sub-token of a word and ``-100`` on the rest
(or, with ``label_all_tokens``, the word's label with ``B-`` turned into
``I-``). Offsets never pass through the tokenizer: a predicted word maps back
to its span in the original text by index.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from hadath.decoding import LabelledSpan, mark_span
from hadath.errors import UserError
from hadath.text import Window, make_windows, normalize_word, sentence_words
from hadath.text.normalize import FAMILIES, normalize_text
from hadath.text.words import WordSpan

IGNORE = -100


@dataclass(frozen=True)
class Preprocessing:
    """Settings that turn text into model input; stored in every checkpoint.

    Their defaults and meanings have one home, the ``preprocessing`` block of
    ``configs/train.yaml``; a checkpoint's ``hadath.json`` holds the values it was trained with.
    """

    max_length: int
    stride: int
    pack_sentences: bool
    label_all_tokens: bool
    strip_tatweel: bool
    strip_diacritics: bool
    latin_digits: bool
    normalizer: str = "hadath"  # the model family's text preparation (hadath.text.normalize); older checkpoints: hadath

    def __post_init__(self) -> None:
        if self.normalizer not in FAMILIES:
            raise UserError(
                f"preprocessing.normalizer={self.normalizer!r} is not known; choose one of {', '.join(FAMILIES)}"
            )

    @classmethod
    def from_train_config(cls, model: str = "tiny", **changes) -> Preprocessing:
        """``train.yaml``'s settings for ``model`` (its ``max_length``), with ``changes``."""
        from omegaconf import OmegaConf

        from hadath.config import compose

        settings = OmegaConf.to_container(compose("train", [f"model={model}"]).preprocessing, resolve=True)
        return cls(**settings | changes)

    def normalize(self, word: str) -> str:
        """The form of one word the tokenizer sees (training and prediction both come through here)."""
        return _normalized(word, self.normalizer, self.strip_tatweel, self.strip_diacritics, self.latin_digits)

    def model_words(self, text: str, words: list[WordSpan] | tuple[WordSpan, ...]) -> list[str]:
        """The normalised words the model reads for the word spans ``words`` of ``text``."""
        return [self.normalize(text[s:e]) for s, e in words]


@lru_cache(maxsize=200_000)
def _normalized(word: str, normalizer: str, strip_tatweel: bool, strip_diacritics: bool, latin_digits: bool) -> str:
    if normalizer == "hadath":
        out = normalize_word(word, strip_tatweel, strip_diacritics, latin_digits)
    else:
        out = normalize_text(word, normalizer).text
        if normalizer == "arabert-v2" and out:
            from hadath.text.farasa import segment

            out = segment(out)
    return out or word  # a word the rules empty (only marks, an emoji) keeps its raw form rather than vanish


@dataclass
class AlignmentStats:
    """Spans that could not be put on word boundaries, counted by reason, with examples."""

    counts: Counter = field(default_factory=Counter)
    examples: list[str] = field(default_factory=list)

    def add(self, reason: str, doc_id: str, start: int, end: int, text: str) -> None:
        self.counts[reason] += 1
        if len(self.examples) < 20:
            self.examples.append(f"{doc_id} [{start}:{end}] {text!r}: {reason}")

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def summary(self) -> str:
        if not self.total:
            return "all spans align with word boundaries"
        parts = ", ".join(f"{n} {reason}" for reason, n in self.counts.most_common())
        return f"{self.total} span(s) not usable as labels ({parts}); their words are ignored by the loss"


def bio_word_labels(
    words: list[WordSpan],
    spans: list[tuple[int, int, str]],
    stats: AlignmentStats | None = None,
    doc_id: str = "",
    text: str = "",
    expand: bool = False,
) -> list[str | None]:
    """BIO label per word for ``spans`` given as (start, end, name).

    A span that starts or ends inside a word, or overlaps a span already
    labelled, cannot be expressed in word BIO: it is counted in ``stats`` and
    its words get ``None`` (ignored by the loss). With ``expand`` (for
    scoring) a misaligned span is labelled on the words it touches instead,
    so it still counts as gold.
    """
    labels: list[str | None] = ["O"] * len(words)
    starts = {s: i for i, (s, _) in enumerate(words)}
    ends = {e: i for i, (_, e) in enumerate(words)}
    for start, end, name in sorted(spans, key=lambda s: (s[0], -s[1])):
        inside = [i for i, (ws, we) in enumerate(words) if ws < end and start < we]
        if not inside:
            continue  # the span lies outside this window
        first, last = starts.get(start), ends.get(end)
        reason = None
        if start < words[0][0] or end > words[-1][1]:
            reason = "cut by a window edge (labelled in the window that holds it whole)"
        elif first is None or last is None:
            reason = "not on word boundaries"
        elif any(labels[i] != "O" for i in inside):
            reason = "overlaps another span"
        if reason == "not on word boundaries" and expand and all(labels[i] == "O" for i in inside):
            if stats is not None:
                stats.add(
                    "not on word boundaries (scored on the words it touches)", doc_id, start, end, text[start:end]
                )
            first, last, reason = inside[0], inside[-1], None
        if reason:
            if stats is not None:
                stats.add(reason, doc_id, start, end, text[start:end])
            for i in inside:
                labels[i] = None if labels[i] == "O" else labels[i]
            continue
        mark_span(labels, LabelledSpan(first, last, name))
    return labels


def token_costs(text: str, tokenizer, prep: Preprocessing, spans: list[WordSpan]) -> dict[WordSpan, int]:
    """Number of sub-tokens of each word span of ``text``, in one batched call."""
    if not spans:
        return {}
    model_words = prep.model_words(text, spans)
    # Words in runs of COST_RUN, each run one pre-split sequence: one encoding a run, not one a word.
    runs = [model_words[i : i + COST_RUN] for i in range(0, len(model_words), COST_RUN)]
    enc = tokenizer(runs, is_split_into_words=True, add_special_tokens=False)
    counts: Counter = Counter()
    for r in range(len(runs)):
        counts.update(r * COST_RUN + w for w in enc.word_ids(r) if w is not None)
    return {span: counts[i] for i, span in enumerate(spans)}


COST_RUN = 64  # words a sequence when counting sub-tokens: well under any model's length limit


@dataclass(frozen=True)
class Layout:
    """What an article's windows are cut from: its words sentence by sentence and their sub-token costs
    under one tokenizer and preprocessing. Built once, it serves every window budget of that tokenizer
    (the trigger tagger's windows and the argument tagger's, which reserve room for markers)."""

    text: str
    tokenizer: object
    prep: Preprocessing
    sentences: list[list[WordSpan]]
    costs: dict[WordSpan, int]

    @classmethod
    def of(cls, text: str, tokenizer, prep: Preprocessing, words: list[WordSpan] | None = None) -> Layout:
        """``words`` overrides the word split (token-level corpora carry their own tokens)."""
        sentences = sentence_words(text, words)
        costs = token_costs(text, tokenizer, prep, [w for sentence in sentences for w in sentence])
        return cls(text, tokenizer, prep, sentences, costs)

    def serves(self, tokenizer, prep: Preprocessing) -> bool:
        """Whether windows for this tokenizer and preprocessing can be cut from this layout."""
        return tokenizer is self.tokenizer and prep == self.prep

    def windows(self, reserved: int = 0) -> list[Window]:
        """Windows that fit ``prep.max_length`` sub-tokens with special tokens and ``reserved`` extra."""
        budget = self.prep.max_length - self.tokenizer.num_special_tokens_to_add() - reserved
        return make_windows(
            self.text,
            budget,
            self.prep.stride,
            cost=lambda w: self.costs.get(w, 1),
            pack=self.prep.pack_sentences,
            sentences=self.sentences,
        )


def document_windows(
    text: str, tokenizer, prep: Preprocessing, reserved: int = 0, words: list[WordSpan] | None = None
) -> list[Window]:
    """Windows of ``text`` that fit ``prep.max_length`` sub-tokens with special tokens and ``reserved`` extra.

    ``words`` overrides the word split (token-level corpora carry their own tokens).
    """
    return Layout.of(text, tokenizer, prep, words).windows(reserved)


def doc_words(doc) -> list[WordSpan] | None:
    """The document's own tokens when it brings them (CoNLL data), else None (split the text)."""
    tokens = doc.meta.get("tokens") if doc.meta else None
    return [tuple(t) for t in tokens] if tokens else None


def align_labels(
    word_ids: list[int | None], word_label_ids: list[int], label_all_tokens: bool, b_to_i: dict[int, int]
) -> list[int]:
    """Sub-token labels from word labels: first piece labelled, the rest IGNORE (or I- with label_all_tokens)."""
    out, previous = [], None
    for wid in word_ids:
        if wid is None:
            out.append(IGNORE)
        elif wid != previous:
            out.append(word_label_ids[wid])
        else:
            label = word_label_ids[wid]
            out.append(b_to_i.get(label, label) if label_all_tokens and label != IGNORE else IGNORE)
        previous = wid
    return out


def tokenize_and_align(batch: dict, tokenizer, prep: Preprocessing, b_to_i: dict[int, int]) -> dict:
    """``Dataset.map`` function (batched): ``words``/``word_labels`` columns to model inputs."""
    enc = tokenizer(batch["words"], is_split_into_words=True, truncation=True, max_length=prep.max_length)
    enc["labels"] = [
        align_labels(enc.word_ids(i), labels, prep.label_all_tokens, b_to_i)
        for i, labels in enumerate(batch["word_labels"])
    ]
    return enc


def b_to_i_map(label2id: dict[str, int]) -> dict[int, int]:
    return {i: label2id["I-" + name[2:]] for name, i in label2id.items() if name.startswith("B-")}
