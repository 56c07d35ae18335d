"""What the argument tagger reads: one home for its input, shared by training and prediction.

For each trigger the argument tagger reads one window of the article (the window that owns
the trigger's first character, so the trigger has context on both sides) with the trigger's
words wrapped in a typed open marker and a close marker:

    ... قال مسؤول إن [T:Attack] هاجم [/T] مسلحون مجهولون حاجزاً ...

The two markers are added to the tokenizer as special tokens and take two of the window's
token budget (``RESERVED``). With ``arguments.prompt`` the event type's Arabic name (the
schema's first trigger example) follows the window after a separator, as a question
the tagger answers: ``... [/T] ... [SEP] هجوم``. Training rows (``hadath.data.argument_rows``) and prediction
(``hadath.inference.Extractor.tag_arguments``) both build their input with these functions,
so the tagger never sees at prediction a window it was not trained on.
"""

from __future__ import annotations

from dataclasses import dataclass

from hadath.documents import Span
from hadath.errors import UserError
from hadath.schema import Schema
from hadath.text import Window

CLOSE_MARKER = "[/T]"
RESERVED = 2  # tokens of each window kept for the two markers


@dataclass(frozen=True)
class ArgumentSettings:
    """How the argument tagger reads, learns and decodes; stored in the checkpoint's
    ``arguments/hadath.json``. Defaults and meanings have one home, the ``arguments`` block
    of ``configs/train.yaml``."""

    decoding: str  # argmax | viterbi
    prompt: bool  # the event type's name after the window
    marker_init: str  # random | triggers
    o_weight: float  # loss weight of the O label
    shared_encoder: bool  # one encoder for both taggers, trained jointly
    negatives: bool = False  # train also on trigger-words that are no trigger in context, all O

    def __post_init__(self):
        for key, value, known in (
            ("decoding", self.decoding, DECODINGS),
            ("marker_init", self.marker_init, MARKER_INITS),
        ):
            if value not in known:
                raise UserError(f"arguments.{key}={value!r} is not one of {', '.join(known)}")
        if not self.o_weight > 0:
            raise UserError(f"arguments.o_weight must be positive, got {self.o_weight}")

    @classmethod
    def from_meta(cls, meta: dict) -> ArgumentSettings:
        """A checkpoint's settings; one written before they existed read, marked and decoded as then."""
        return cls(**(LEGACY | meta.get("arguments", {})))


DECODINGS = ("argmax", "viterbi")
MARKER_INITS = ("random", "triggers")
LEGACY = {
    "decoding": "argmax",
    "prompt": False,
    "marker_init": "random",
    "o_weight": 1.0,
    "shared_encoder": False,
    "negatives": False,
}


def open_marker(event_type: str) -> str:
    return f"[T:{event_type}]"


def marker_tokens(schema: Schema) -> list[str]:
    return [open_marker(t) for t in schema.event_types] + [CLOSE_MARKER]


def trigger_window(windows: list[Window], trigger: Span) -> Window:
    """The window the argument tagger reads for ``trigger``: the one that owns its first character."""
    for window in windows:
        owned = window.owned
        if owned and owned[0][0] <= trigger.start < owned[-1][1]:
            return window
    for window in windows:  # a trigger starting in the space between two windows' words
        if window.start <= trigger.start < window.end:
            return window
    raise UserError(f"trigger [{trigger.start}:{trigger.end}] {trigger.text!r} lies outside every word of the text")


def trigger_words(words: list[tuple[int, int]], trigger: Span) -> tuple[int, int]:
    """Indices of the first and last of ``words`` that the trigger overlaps."""
    inside = [i for i, (s, e) in enumerate(words) if s < trigger.end and trigger.start < e]
    if not inside:
        raise UserError(f"trigger [{trigger.start}:{trigger.end}] {trigger.text!r} covers no word of its window")
    return inside[0], inside[-1]


def mark_trigger(words: list[str], first: int, last: int, event_type: str) -> list[str]:
    """Words with the type marker before the trigger's words and the close marker after them."""
    return words[:first] + [open_marker(event_type)] + words[first : last + 1] + [CLOSE_MARKER] + words[last + 1 :]


def prompt_words(schema: Schema, event_type: str, separator: str) -> list[str]:
    """What ``arguments.prompt`` appends: a separator, then the type's first trigger example (or its name)."""
    examples = schema.trigger_examples.get(event_type) or (event_type,)
    return [separator, *examples[0].split()]


def prompt_reserve(schema: Schema, tokenizer) -> int:
    """Tokens of the longest prompt, kept free in every window when prompts are on."""
    separator = tokenizer.sep_token or CLOSE_MARKER
    pieces = tokenizer(
        [prompt_words(schema, t, separator)[1:] for t in schema.event_types],
        is_split_into_words=True,
        add_special_tokens=False,
    )["input_ids"]
    return 1 + max(len(ids) for ids in pieces)


def reserve(schema: Schema, tokenizer, settings: ArgumentSettings) -> int:
    """Tokens of each window kept free for the markers and, when on, the prompt."""
    return RESERVED + (prompt_reserve(schema, tokenizer) if settings.prompt else 0)


def argument_input(
    texts: list[str], first: int, last: int, event_type: str, schema: Schema, settings: ArgumentSettings, tokenizer
) -> list[str]:
    """The words the argument tagger reads for one trigger: the window with the trigger marked,
    then the prompt when ``settings.prompt``. Per-word outputs map back with ``unmark``."""
    words = mark_trigger(texts, first, last, event_type)
    if settings.prompt:
        words += prompt_words(schema, event_type, tokenizer.sep_token or CLOSE_MARKER)
    return words


def unmark(values: list, first: int, last: int, n_words: int | None = None) -> list:
    """Inverse of ``argument_input`` on per-word values: drops the two marker positions (and the
    prompt, given the window's ``n_words``)."""
    if n_words is not None:
        values = values[: n_words + 2]
    return values[:first] + values[first + 1 : last + 2] + values[last + 3 :]
