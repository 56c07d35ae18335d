"""predict(cfg): the events of one article as JSON (offsets into the file's exact text) or as HTML."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from omegaconf import DictConfig

from hadath.errors import UserError
from hadath.inference import Extractor
from hadath.io.atomic import atomic_write_text
from hadath.view import events_page


def read_article(path: str) -> str:
    """The article exactly as stored: no newline translation, so CRLF stays and offsets match the file."""
    if path == "-":
        return sys.stdin.buffer.read().decode("utf-8")
    file = Path(path)
    if not file.is_file():
        raise FileNotFoundError(f"article not found: {file}")
    try:
        return file.read_bytes().decode("utf-8")
    except UnicodeDecodeError as err:
        raise UserError(f"{file}: not UTF-8 text (byte {err.start}); convert it to UTF-8 first") from None


def events_json(events, text: str | None = None) -> list[dict]:
    """The public JSON shape of events: type, trigger {start, end, text, score}, arguments [...].

    Offsets are code points; given the article's ``text``, they are converted to UTF-16 units.
    """
    from hadath.text.units import utf16_offset

    def span(d: dict) -> dict:
        if text is None:
            return d
        return d | {"start": utf16_offset(text, d["start"]), "end": utf16_offset(text, d["end"])}

    out = []
    for event in events:
        trigger = span({**event.trigger.to_dict(), "score": round(event.score or 0.0, 4)})
        arguments = [span(a.to_dict()) for a in event.arguments]
        out.append({"type": event.type, "trigger": trigger, "arguments": arguments})
    return out


def predict(cfg: DictConfig) -> dict:
    from hadath.text.units import CODE_POINTS, UTF16

    if cfg.format not in ("json", "html"):
        raise UserError(f"format must be json or html, got {cfg.format!r}")
    if cfg.offsets not in ("codepoints", "utf16"):
        raise UserError(f"offsets must be codepoints or utf16, got {cfg.offsets!r}")
    text = read_article(str(cfg.article))
    extractor = Extractor.from_pretrained(
        cfg.checkpoint, batch_size=cfg.batch_size, device=cfg.get("device"), decoding=cfg.get("decoding")
    )
    events = extractor.predict(text)
    result = {"offsets": CODE_POINTS, "events": events_json(events)}
    if cfg.format == "json":
        if cfg.offsets == "utf16":
            result = {"offsets": UTF16, "events": events_json(events, text)}
        rendered = json.dumps(result, ensure_ascii=False, indent=2) + "\n"
    else:  # the page indexes the text in Python: code points
        rendered = events_page(text, result["events"], title=str(cfg.article))
    if cfg.output:
        atomic_write_text(Path(cfg.output), rendered)
        print(f"{len(result['events'])} event(s) written to {cfg.output}", file=sys.stderr)
    else:
        sys.stdout.write(rendered)
    return result
