"""What the argument tagger reads: one home for its input, shared by training and prediction.

For each trigger the argument tagger reads one window of the article (the window that owns
the trigger's first character, so the trigger has context on both sides) with the trigger's
words wrapped in a typed open marker and a close marker:

    ... قال مسؤول إن [T:Attack] هاجم [/T] مسلحون مجهولون حاجزاً ...

The two markers are added to the tokenizer as special tokens and take two of the window's
token budget (``RESERVED``). Training rows (``hadath.data.argument_rows``) and prediction
(``hadath.inference.Extractor.tag_arguments``) both build their input with these functions,
so the tagger never sees at prediction a window it was not trained on.
"""

from __future__ import annotations

from hadath.documents import Span
from hadath.errors import UserError
from hadath.schema import Schema
from hadath.text import Window

CLOSE_MARKER = "[/T]"
RESERVED = 2  # tokens of each window kept for the two markers


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


def unmark(values: list, first: int, last: int) -> list:
    """Inverse of ``mark_trigger`` on per-word values: drops the two marker positions."""
    return values[:first] + values[first + 1 : last + 2] + values[last + 3 :]
