"""Pre-annotation for annotators: model predictions to correct, the least certain articles first.

    python -m hadath.preannotate checkpoint=DIR articles=DIR_OR_JSONL [rank=uncertainty] [limit=N]

Writes into the run folder:

- ``labelstudio.json``: Label Studio import tasks whose ``predictions`` are the model's events
  (spans with scores, arguments tied to triggers by relations; ``hadath.io.labelstudio``);
- ``brat/``: ``<id>.txt`` and ``<id>.ann`` per article, for brat;
- ``ranking.tsv``: the order, with each article's uncertainty and event count.

Uncertainty (``rank=uncertainty``) is, over the words where the trigger tagger predicts an event
or gives O less than 0.9 probability (predicted and near-threshold spans), the mean of one
minus the margin between its two most probable labels; an article with no such word scores 0.
Annotating the most uncertain articles first gives the model the examples it is least sure of.
Predictions are a starting point: an annotator checks every span (GUIDELINES.md); gold built
by accepting them unread would teach the model its own mistakes.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from omegaconf import DictConfig

from hadath.documents import Document
from hadath.errors import UserError
from hadath.feeds import iter_articles
from hadath.inference import Extractor
from hadath.io.atomic import atomic_write_text

log = logging.getLogger(__name__)
NEAR = 0.9  # a word whose P(O) is below this is a near-threshold candidate


def read_articles(path: str | Path) -> list[tuple[str, str]]:
    """(id, text) of each article (``hadath.feeds``); an unusable one stops the run with its location."""
    articles = []
    for article in iter_articles(path):
        if article.problem is not None and not article.empty:  # empty ones are skipped with a warning
            raise UserError(article.problem)
        articles.append((article.id, article.text))
    return articles


def uncertainty(segments) -> float:
    """Mean (1 - margin) over the predicted and near-threshold words of an article's segments."""
    values = [
        1.0 - margin
        for segment in segments
        for label, p_outside, margin in zip(segment.labels, segment.p_outside, segment.margins)
        if label != "O" or p_outside < NEAR
    ]
    return sum(values) / len(values) if values else 0.0


def preannotate(cfg: DictConfig) -> list[dict]:
    from hadath.io.brat import write_brat
    from hadath.io.labelstudio import labelstudio_tasks

    if cfg.rank not in ("uncertainty", "none"):
        raise UserError(f"rank must be uncertainty or none, got {cfg.rank!r}")
    articles = read_articles(cfg.articles)
    seen: set[str] = set()
    for doc_id, _ in articles:
        if doc_id in seen:
            raise UserError(f"{cfg.articles}: article id {doc_id!r} occurs twice")
        seen.add(doc_id)
    extractor = Extractor.from_pretrained(
        cfg.checkpoint, batch_size=cfg.batch_size, device=cfg.get("device"), decoding=cfg.get("decoding")
    )
    from tqdm.auto import tqdm

    ranked = []
    for doc_id, text in tqdm(articles, desc="pre-annotate", unit="article"):
        if not text.strip():
            log.warning("article %s is empty; skipped", doc_id)
            continue
        segments = extractor.segments(text)
        events = extractor.predict(text, segments=segments)
        ranked.append((uncertainty(segments), Document(doc_id, text, tuple(events), {})))
    if cfg.rank == "uncertainty":
        ranked.sort(key=lambda pair: -pair[0])  # stable: ties keep the input order
    if cfg.limit is not None:
        ranked = ranked[: int(cfg.limit)]
    docs = [doc for _, doc in ranked]
    out = Path(cfg.paths.output_dir)
    version = f"hadath {Path(cfg.checkpoint).resolve()}"
    atomic_write_text(
        out / "labelstudio.json", json.dumps(labelstudio_tasks(docs, version), ensure_ascii=False, indent=1)
    )
    write_brat(docs, out / "brat")
    rows = ["id\tuncertainty\tevents"] + [f"{d.id}\t{u:.4f}\t{len(d.events)}" for u, d in ranked]
    atomic_write_text(out / "ranking.tsv", "\n".join(rows) + "\n")
    print(f"{len(docs)} article(s) pre-annotated: labelstudio.json, brat/ and ranking.tsv written to {out}")
    return [{"id": d.id, "uncertainty": u, "events": len(d.events)} for u, d in ranked]


if __name__ == "__main__":
    from hadath.cli import preannotate as _command

    _command()
