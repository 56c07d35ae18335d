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


def load_extractor(cfg: DictConfig) -> Extractor:
    """The checkpoint a command's config names, with its ``batch_size``, ``device``, ``decoding`` and ``runtime``."""
    return Extractor.from_pretrained(
        cfg.checkpoint,
        batch_size=cfg.batch_size,
        device=cfg.get("device"),
        decoding=cfg.get("decoding"),
        runtime=cfg.get("runtime", "torch"),
    )


def predict(cfg: DictConfig) -> dict:
    from hadath.text.units import CODE_POINTS, UTF16, offset_unit

    if cfg.get("articles") is not None:
        if cfg.get("article") is not None:
            raise UserError("give article=FILE (one article) or articles=DIR_OR_JSONL (a feed), not both")
        return predict_feed(cfg)
    if cfg.get("article") is None:
        raise UserError("predict.py needs article=FILE (or - for stdin), or articles=DIR_OR_JSONL output=OUT.jsonl")
    if cfg.format not in ("json", "html"):
        raise UserError(f"format must be json or html, got {cfg.format!r}")
    unit = offset_unit(cfg.offsets)
    text = read_article(str(cfg.article))
    extractor = load_extractor(cfg)
    events = extractor.predict(text)
    result = {"offsets": CODE_POINTS, "events": events_json(events)}
    if cfg.format == "json":
        if unit == UTF16:
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


def predict_feed(cfg: DictConfig) -> dict:
    """``articles=DIR_OR_JSONL output=OUT.jsonl``: one result line per article, ``{"id", "offsets", "events"}``.

    Articles go through the model ``feed_chunk`` at a time, their windows (and then their
    triggers' argument inputs) batched together, longest first. Each chunk's lines are appended
    and flushed to disk before the next chunk starts, so a run killed at any point restarts with
    the same command where it stopped (``resume_position``); ``resume=false`` starts over. An
    article that cannot be used (not UTF-8, empty, a bad JSONL line) is reported with its id and
    location, skipped, and counted in the summary.
    """
    import logging
    import os

    from tqdm.auto import tqdm

    from hadath.feeds import count_articles, iter_articles, resume_position
    from hadath.text.units import CODE_POINTS

    log = logging.getLogger("hadath.predict")
    if not cfg.get("output"):
        raise UserError("a feed needs output=OUT.jsonl (one line of events per article)")
    if cfg.format != "json":
        raise UserError("a feed is written as JSON lines; format=html is for one article")
    output = Path(cfg.output)
    if not cfg.get("resume", True) and output.exists():
        output.unlink()
    done = resume_position(output)
    extractor = load_extractor(cfg)
    counts = {"articles": 0, "events": 0, "skipped": 0, "already done": 0}
    output.parent.mkdir(parents=True, exist_ok=True)
    bar = tqdm(total=count_articles(cfg.articles), desc="predict", unit="article")
    with output.open("a", encoding="utf-8") as out:
        chunk: list = []

        def flush() -> None:
            events = extractor.predict_many([a.text for a in chunk])
            for article, found in zip(chunk, events):
                line = {"id": article.id, "offsets": CODE_POINTS, "events": events_json(found)}
                out.write(json.dumps(line, ensure_ascii=False) + "\n")
                counts["events"] += len(found)
            out.flush()
            os.fsync(out.fileno())
            counts["articles"] += len(chunk)
            bar.update(len(chunk))
            chunk.clear()

        for article in iter_articles(cfg.articles):
            if article.problem is not None:
                log.warning("article %s skipped: %s", article.id, article.problem)
                print(f"skipped article {article.id}: {article.problem}", file=sys.stderr)
                counts["skipped"] += 1
                bar.update(1)
            elif article.id in done:
                counts["already done"] += 1
                bar.update(1)
            else:
                chunk.append(article)
                if len(chunk) >= cfg.feed_chunk:
                    flush()
        if chunk:
            flush()
    bar.close()
    summary = ", ".join(f"{n} {what}" for what, n in counts.items())
    print(f"{summary}; written to {output}", file=sys.stderr)
    return counts
