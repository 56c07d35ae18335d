"""Offsets in the two units tools count: code points (Python, hadath's own) and UTF-16 code units.

Browsers (JavaScript strings) and Label Studio count UTF-16 units; they differ from code points
after any character outside the Basic Multilingual Plane (most emoji, some math letters), each
of which is two units. hadath keeps code points everywhere and converts only on the way out.
"""

from __future__ import annotations

CODE_POINTS = "code points"
UTF16 = "UTF-16 code units"
OFFSET_OPTIONS = {"codepoints": CODE_POINTS, "utf16": UTF16}  # the ``offsets=`` option -> the unit outputs name


def offset_unit(option: str) -> str:
    """The unit an ``offsets=`` option names (``codepoints`` or ``utf16``); a one-line error otherwise."""
    from hadath.errors import UserError

    if option not in OFFSET_OPTIONS:
        raise UserError(f"offsets must be codepoints or utf16, got {option!r}")
    return OFFSET_OPTIONS[option]


def utf16_offset(text: str, index: int) -> int:
    """The code-point offset ``index`` of ``text`` in UTF-16 units."""
    return index + sum(1 for ch in text[:index] if ord(ch) > 0xFFFF)
