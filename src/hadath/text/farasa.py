"""Farasa segmentation for the AraBERT v2 models (``preprocessing.normalizer=arabert-v2``).

AraBERT v2 was pre-trained on text cut into clitics by QCRI's Farasa segmenter
(``والمكتب`` is read as ``و+ ال+ مكتب``). Farasa is a Java program; the Python package
``farasapy`` runs it. hadath segments one word at a time, so a word's offsets are its own
span in the original text whatever the segmenter does inside it.

What is needed, and what hadath says when it is missing (it never falls back to unsegmented
text, which the model would read as a different language):

- ``pip install farasapy``;
- a Java runtime on PATH (``java -version``);
- the segmenter jar: farasapy downloads it on first use (network); without network, put
  ``FarasaSegmenterJar.jar`` somewhere and set ``HADATH_FARASA_JAR`` to its path.
"""

from __future__ import annotations

import os
import shutil
from functools import lru_cache
from pathlib import Path

from hadath.errors import UserError

# Clitics written with their "+" on the side that joins the stem, as AraBERT v2's vocabulary has them.
PREFIXES = {"ال", "و", "ف", "ب", "ك", "ل", "لل", "س"}
SUFFIXES = {
    "ه",
    "ها",
    "ك",
    "ي",
    "هما",
    "كما",
    "نا",
    "كم",
    "هم",
    "هن",
    "كن",
    "ا",
    "ان",
    "ين",
    "ون",
    "وا",
    "ات",
    "ت",
    "ن",
    "ة",
}


def segment(word: str) -> str:
    """``word`` cut into space-separated clitics marked with ``+`` (``و+ ال+ مكتب``)."""
    return _mark(_segmenter().segment(word).strip())


@lru_cache(maxsize=1)
def _segmenter():
    """farasapy's segmenter, started once; a ``UserError`` naming what is missing otherwise."""
    need = "preprocessing.normalizer=arabert-v2 needs Farasa segmentation"
    try:
        from farasa.segmenter import FarasaSegmenter
    except ImportError:
        raise UserError(f"{need}: the farasapy package is not installed (pip install farasapy)") from None
    if shutil.which("java") is None:
        raise UserError(f"{need}: no Java runtime on PATH (install Java 8 or newer; `java -version` must work)")
    jar = os.environ.get("HADATH_FARASA_JAR")
    if jar and not Path(jar).is_file():
        raise UserError(f"{need}: HADATH_FARASA_JAR={jar} is not a file")
    if not jar:
        import farasa

        bundled = Path(farasa.__file__).parent / "farasa_bin" / "lib" / "FarasaSegmenterJar.jar"
        if not bundled.is_file():
            raise UserError(
                f"{need}: the Farasa segmenter jar is missing ({bundled}); run farasapy once with network "
                "access to download it, or set HADATH_FARASA_JAR to a FarasaSegmenterJar.jar"
            )
        jar = str(bundled)
    return FarasaSegmenter(interactive=True, binary_path=jar)


def _mark(segmented: str) -> str:
    """Farasa's ``و+ال+مكتب`` as ``و+ ال+ مكتب``: prefixes before the stem end in ``+``, suffixes after it start with it."""
    out = []
    for token in segmented.split():
        pieces = [p for p in token.split("+") if p]
        if len(pieces) < 2:
            out.extend(pieces)
            continue
        stem = next((i for i, p in enumerate(pieces) if p not in PREFIXES), len(pieces) - 1)
        for i, piece in enumerate(pieces):
            if i < stem:
                out.append(piece + "+")
            elif i > stem and piece in SUFFIXES:
                out.append("+" + piece)
            else:
                out.append(piece)
    return " ".join(out)
