"""Text handling that keeps character offsets into the original article."""

from hadath.text.normalize import MappedText, normalize_text, normalize_word
from hadath.text.sentences import split_sentences
from hadath.text.windows import Window, make_windows, sentence_words
from hadath.text.words import word_spans

__all__ = [
    "MappedText",
    "Window",
    "make_windows",
    "normalize_text",
    "normalize_word",
    "sentence_words",
    "split_sentences",
    "word_spans",
]
