"""Arabic normalisation applied to what the model sees, never to the stored text.

The taggers label words; each word is normalised on its own before
tokenisation, so character offsets always come from the original article.
"""

from __future__ import annotations

import re

TATWEEL = "\u0640"
# Harakat, tanween, shadda, sukun, superscript alef, Quranic marks.
DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")
ARABIC_INDIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


def normalize_word(
    word: str,
    strip_tatweel: bool = True,
    strip_diacritics: bool = True,
    latin_digits: bool = False,
) -> str:
    """The form of ``word`` the tokenizer sees. May return "" for a word of only marks."""
    if strip_tatweel:
        word = word.replace(TATWEEL, "")
    if strip_diacritics:
        word = DIACRITICS.sub("", word)
    if latin_digits:
        word = word.translate(ARABIC_INDIC_DIGITS)
    return word
