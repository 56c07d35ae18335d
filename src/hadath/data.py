"""Loading the configured splits, and turning documents into training rows for each tagger."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

from hadath.arguments import ArgumentSettings, argument_input, reserve, trigger_window, trigger_words
from hadath.documents import Document
from hadath.errors import UserError
from hadath.features import AlignmentStats, Preprocessing, bio_word_labels, doc_words, document_windows
from hadath.schema import Schema


def load_documents(
    path: str | Path | list, schema: Schema | None, fmt: str | None = None, stored: bool = False, **options
) -> list[Document]:
    """Read an annotation file in any supported format (by ``fmt`` or by its extension).

    ``path`` may also be a list of them (``data.train: [a.jsonl, b.jsonl]``): their documents in
    order; a document id found in two of them is an error naming both files. ``stored=True``
    keeps JSON-lines documents on disk, read again on each pass (``io.jsonl.StoredDocuments``),
    so memory does not grow with the corpus; other formats are held in memory either way.
    """
    if isinstance(path, (list, tuple)):
        from hadath.io.jsonl import Documents, StoredDocuments

        parts = [load_documents(one, schema, fmt, stored, **options) for one in path]
        origin: dict[str, str] = {}
        for one, part in zip(path, parts):
            for doc_id in part.ids if isinstance(part, StoredDocuments) else (d.id for d in part):
                if doc_id in origin:
                    raise UserError(f"document {doc_id!r} is in both {origin[doc_id]} and {one}")
                origin[doc_id] = one
        if all(isinstance(part, StoredDocuments) for part in parts):
            joined = parts[0]
            for part in parts[1:]:
                joined = joined + part
            return joined
        docs = Documents()
        for part in parts:
            docs.skipped += getattr(part, "skipped", [])
            docs.extend(part)
        return docs
    if (fmt or Path(path).suffix.lstrip(".")) == "jsonl":
        from hadath.io.jsonl import read_jsonl

        return read_jsonl(path, schema, stored=stored, **options)
    from hadath.io import read_any

    return read_any(path, fmt=fmt, schema=schema, **options)


def reader_options(data_cfg) -> dict:
    """``data.options`` of a data config as a plain dict (empty when unset)."""
    from omegaconf import OmegaConf

    options = data_cfg.get("options")
    return OmegaConf.to_container(options, resolve=True) if options is not None else {}


def split_paths(node) -> str | list[str]:
    """A split's ``data.train``/``dev``/``test`` value: one path, or a list of them (resolved)."""
    from omegaconf import OmegaConf

    return OmegaConf.to_container(node, resolve=True) if OmegaConf.is_list(node) else str(node)


def read_conll_split(paths, options: dict | None = None) -> tuple[list[Document], list[str]]:
    """Documents and label names of one token-level split: a file, a folder, or a list of them.

    ``options`` are read_conll's; ``tag_map: aqmar`` names the built-in AQMAR map.
    """
    from hadath.io.conll import AQMAR_TAG_MAP, read_conll

    options = dict(options or {})
    if options.get("tag_map") == "aqmar":
        options["tag_map"] = AQMAR_TAG_MAP
    docs, labels = [], set()
    for path in [paths] if isinstance(paths, (str, Path)) else list(paths):
        corpus = read_conll(path, **options)
        docs += corpus.documents
        labels |= set(corpus.schema.event_types)
    return docs, sorted(labels)


def trigger_rows(
    docs: Iterable[Document], tokenizer, prep: Preprocessing, label2id: dict[str, int], stats: AlignmentStats
) -> Iterator[dict]:
    """One row per window: normalised words and trigger label ids (-100 where a span cannot be used)."""
    for doc in docs:
        spans = [(e.trigger.start, e.trigger.end, e.type) for e in doc.events]
        for window in document_windows(doc.text, tokenizer, prep, words=doc_words(doc)):
            words = list(window.words)
            labels = bio_word_labels(words, spans, stats, doc.id, doc.text)
            yield {
                "words": prep.model_words(doc.text, words),
                "word_labels": [label2id[x] if x else -100 for x in labels],
            }


def argument_rows(
    docs: Iterable[Document],
    tokenizer,
    prep: Preprocessing,
    label2id: dict[str, int],
    stats: AlignmentStats,
    schema: Schema,
    settings: ArgumentSettings,
    negatives: bool = False,
) -> Iterator[dict]:
    """One row per gold event: its window with the trigger marked (``hadath.arguments``), and role label ids.

    ``negatives``: also one row, every word ``O``, for each word that is a one-word trigger elsewhere
    in ``docs`` but no trigger here (another sense, a negated or planned event: what the trigger
    tagger wrongly marks), marked with the type it most often has.
    """
    reserved = reserve(schema, tokenizer, settings)
    lexicon = trigger_lexicon(docs, prep) if negatives else {}
    for doc in docs:
        windows = document_windows(doc.text, tokenizer, prep, reserved=reserved, words=doc_words(doc))
        if lexicon:
            yield from _negative_rows(doc, windows, lexicon, prep, label2id, schema, settings, tokenizer)
        for event in doc.events:
            words = list(trigger_window(windows, event.trigger).words)  # the window prediction reads
            first, last = trigger_words(words, event.trigger)
            spans = [(a.span.start, a.span.end, a.role) for a in event.arguments]
            labels = bio_word_labels(words, spans, stats, doc.id, doc.text)
            ids = [label2id[x] if x else -100 for x in labels]
            texts = prep.model_words(doc.text, words)
            yield _argument_row(texts, ids, first, last, event.type, label2id, schema, settings, tokenizer)


def _argument_row(texts, ids, first, last, event_type, label2id, schema, settings, tokenizer) -> dict:
    """The argument tagger's input for one trigger (words ``first``..``last`` of the window ``texts``)
    and its label ids laid out the same way: the markers and the prompt never labelled, the trigger's
    own words never an argument."""
    model_words = argument_input(texts, first, last, event_type, schema, settings, tokenizer)
    marked_ids = ids[:first] + [-100] + ids[first : last + 1] + [-100] + ids[last + 1 :]
    for i in range(first + 1, last + 2):
        marked_ids[i] = -100 if marked_ids[i] == -100 else label2id["O"]
    marked_ids += [-100] * (len(model_words) - len(marked_ids))
    return {"words": model_words, "word_labels": marked_ids}


def trigger_lexicon(docs: Iterable[Document], prep: Preprocessing) -> dict[str, str]:
    """The normalised forms of the one-word triggers of ``docs``, each with the type it most often marks."""
    counts: dict[str, Counter] = {}
    for doc in docs:
        for event in doc.events:
            word = event.trigger.text
            if word and not any(c.isspace() for c in word):
                counts.setdefault(prep.normalize(word), Counter())[event.type] += 1
    return {word: types.most_common(1)[0][0] for word, types in counts.items()}


def _negative_rows(doc, windows, lexicon, prep, label2id, schema, settings, tokenizer) -> Iterator[dict]:
    triggers = [(e.trigger.start, e.trigger.end) for e in doc.events]
    for window in windows:
        words = list(window.words)
        texts = prep.model_words(doc.text, words)
        for i in range(window.own_from, window.own_to):
            start, end = words[i]
            etype = lexicon.get(texts[i])
            if etype is None or any(start < t_end and t_start < end for t_start, t_end in triggers):
                continue
            yield _argument_row(texts, [label2id["O"]] * len(words), i, i, etype, label2id, schema, settings, tokenizer)
