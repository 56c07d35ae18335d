"""evaluate(cfg): score a checkpoint on an annotated split and write what it scored.

Trigger and role labels are scored with seqeval in strict IOB2 mode over
words. Predicted labels are the decoded spans re-encoded as IOB2 (see
hadath.decoding), so the table, ``predictions.jsonl`` and
``predictions.conll`` agree with each other and with conlleval.
Roles are scored given the gold triggers; event-level scores (TI, TC, AI, AC)
come from hadath.metrics, end to end and with gold triggers.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from omegaconf import DictConfig, OmegaConf
from tqdm.auto import tqdm

from hadath.checkpoint import read_meta
from hadath.documents import Document, Event
from hadath.errors import UserError
from hadath.features import AlignmentStats, bio_word_labels, doc_words
from hadath.inference import Extractor
from hadath.io.atomic import atomic_write_text
from hadath.io.jsonl import write_jsonl
from hadath.metrics import MODES, seqeval_report

log = logging.getLogger(__name__)


def stage_scores(extractor: Extractor, docs: list[Document], stage: str) -> dict:
    """Dev micro precision/recall/F1 of one tagger, computed as the dev report computes them.

    ``triggers``: word-level trigger labels of every segment (``evaluate_documents``'s ``micro``);
    ``arguments``: role labels given the gold triggers (the report's ``roles``). Training keeps
    the epoch with the best of these, so the kept epoch is the best of ``dev_report.json``.
    """
    if stage == "triggers":
        report, _, _ = evaluate_documents(extractor, docs, split_name="dev", progress=False)
        micro = report["micro"]
    else:
        stats, role_gold, role_pred, unused = AlignmentStats(), [], [], []
        for doc in docs:
            if doc.events:
                _score_roles(extractor, doc, stats, role_gold, role_pred, unused)
        micro = seqeval_report(role_gold, role_pred)["micro"]
    return {"precision": micro["precision"], "recall": micro["recall"], "f1": micro["f1"]}


def evaluate_documents(
    extractor: Extractor,
    docs: list[Document],
    split_name: str = "test",
    progress: bool = True,
    n_bootstrap: int = 0,
    seed: int = 13,
    mode: str = "strict",
    counts: dict | None = None,
):
    """Score ``extractor`` on ``docs``; returns (report, predicted documents, CoNLL text).

    ``n_bootstrap`` > 0 adds ``intervals``: 95% bootstrap intervals over documents
    (``hadath.intervals``) for every F1 of the report, drawn from ``seed``. ``mode``: how word labels
    are scored (``hadath.metrics.MODES``: strict IOB2, or conlleval-compatible). ``counts``, when
    given, receives each section's per-document counts (``hadath.intervals``), for comparisons.
    """
    stats = AlignmentStats()
    gold_rows, pred_rows, conll_blocks, predicted = [], [], [], []
    role_gold, role_pred, with_gold_triggers = [], [], []
    starts = []  # per document: where its rows begin in gold_rows and in role_gold
    dropped = 0
    for doc in tqdm(docs, desc=f"evaluate {split_name}", unit="doc", disable=not progress):
        starts.append((len(gold_rows), len(role_gold)))
        words = doc_words(doc)
        segments = extractor.segments(doc.text, words)  # the trigger tagger runs once per window
        for segment in segments:
            spans = [(e.trigger.start, e.trigger.end, e.type) for e in doc.events]
            gold = [x or "O" for x in bio_word_labels(segment.words, spans, stats, doc.id, doc.text, expand=True)]
            gold_rows.append(gold)
            pred_rows.append(segment.labels)
            conll_blocks.append(
                "\n".join(f"{doc.text[s:e]} {g} {p}" for (s, e), g, p in zip(segment.words, gold, segment.labels))
            )
        events = extractor.predict(doc.text, words, segments=segments)
        predicted.append(Document(doc.id, doc.text, tuple(events), dict(doc.meta)))
        if extractor.arguments is not None and doc.events:
            dropped += _score_roles(extractor, doc, stats, role_gold, role_pred, with_gold_triggers)
    report = {
        "split": split_name,
        "documents": len(docs),
        "mode": MODES[mode],
        "label_kind": "event type" if extractor.schema.roles else "span label",
        **seqeval_report(gold_rows, pred_rows, mode),
        "alignment": {"gold_spans_off_word_boundaries": stats.total, "examples": stats.examples[:10]},
    }
    if extractor.arguments is not None:
        from hadath.metrics import score_events

        report["roles"] = {"given": "gold triggers", **seqeval_report(role_gold, role_pred, mode)}
        report["events"] = score_events(docs, predicted)
        report["events_gold_triggers"] = score_events(docs, with_gold_triggers)
        report["dropped_role_predictions"] = dropped
        report["argument_decoding"] = extractor.settings.decoding
    if n_bootstrap > 0 or counts is not None:
        from hadath.intervals import bootstrap

        rows = {"triggers": (gold_rows, pred_rows)}
        if extractor.arguments is not None:
            rows["roles"] = (role_gold, role_pred)
        per_doc = _document_counts(
            docs, predicted, with_gold_triggers, rows, starts, extractor.arguments is not None, mode
        )
        if counts is not None:
            counts.update(per_doc)
        if n_bootstrap > 0:
            report["intervals"] = {"level": 0.95, "n_bootstrap": n_bootstrap, "seed": seed, "resampled": "documents"}
            report["intervals"] |= {name: bootstrap(c, n_bootstrap, seed) for name, c in per_doc.items()}
    return report, predicted, "\n\n".join(conll_blocks) + "\n"


def _document_counts(docs, predicted, with_gold_triggers, rows, starts, arguments: bool, mode: str) -> dict:
    """Per section (triggers, roles, events, events_gold_triggers), each document's counts."""
    from hadath.intervals import event_counts, label_counts

    ends = starts[1:] + [(len(rows["triggers"][0]), len(rows.get("roles", ([], []))[0]))]
    per_doc = {name: [] for name in rows}
    per_doc |= {"events": [], "events_gold_triggers": []} if arguments else {}
    gold_trigger_docs = iter(with_gold_triggers)
    for i, doc in enumerate(docs):
        for k, name in enumerate(rows):
            gold, pred = rows[name]
            a, b = starts[i][k], ends[i][k]
            per_doc[name].append(label_counts(gold[a:b], pred[a:b], mode))
        if arguments:
            per_doc["events"].append(event_counts(doc, predicted[i], ("TI", "TC", "AI", "AC")))
            # documents without events have no gold-trigger prediction: nothing to count
            pred = next(gold_trigger_docs) if doc.events else Document(doc.id, doc.text, (), {})
            per_doc["events_gold_triggers"].append(event_counts(doc, pred, ("AI", "AC", "AC_overlap")))
    return per_doc


def _score_roles(
    extractor: Extractor,
    doc: Document,
    stats: AlignmentStats,
    role_gold: list,
    role_pred: list,
    with_gold_triggers: list,
) -> int:
    """Role labels for each gold trigger's window, and the document with gold triggers + predicted arguments;
    returns how many role predictions the schema did not allow."""
    tagged = extractor.tag_arguments(doc.text, [(e.trigger, e.type) for e in doc.events], doc_words(doc))
    events = []
    for event, (args, window) in zip(doc.events, tagged):
        spans = [(a.span.start, a.span.end, a.role) for a in event.arguments]
        gold = bio_word_labels(window["words"], spans, stats, doc.id, doc.text, expand=True)
        role_gold.append([x or "O" for x in gold])
        role_pred.append(window["labels"])
        events.append(Event(event.id, event.type, event.trigger, tuple(args)))
    with_gold_triggers.append(Document(doc.id, doc.text, tuple(events), dict(doc.meta)))
    return sum(window["dropped"] for _, window in tagged)


def evaluate(cfg: DictConfig) -> dict:
    """Evaluate ``cfg.checkpoint`` on ``cfg.data.test``; write report.json and predictions into the run dir.

    With ``compare=[A,B]``, compare two checkpoints instead (``compare``)."""
    from hadath.reports import format_report, per_label_csv, report_markdown

    if cfg.get("compare"):
        return compare(cfg)
    if cfg.get("checkpoint") is None:
        raise UserError("evaluate.py needs checkpoint=DIR (a training run's 'checkpoint' folder) or compare='[A,B]'")
    meta = read_meta(cfg.checkpoint)
    extractor = Extractor.from_pretrained(
        cfg.checkpoint, batch_size=cfg.eval_batch_size, device=cfg.get("device"), decoding=cfg.get("decoding")
    )
    data = test_data(cfg.data, cfg.checkpoint, meta)
    docs = _load_test(data, extractor)
    name = "test" if isinstance(data["test"], list) else Path(data["test"]).stem
    report, predicted, conll = evaluate_documents(
        extractor, docs, split_name=name, n_bootstrap=cfg.n_bootstrap, seed=cfg.seed, mode=cfg.mode
    )
    report["checkpoint"] = str(cfg.checkpoint)
    report["data"] = data["test"]
    errors = []
    if extractor.schema.roles:  # event data: where the model fails, and which types it confuses
        from hadath.diagnosis import error_records, type_confusion

        errors = error_records(docs, predicted)
        report["confusion"] = type_confusion(docs, predicted)
    out = Path(cfg.paths.output_dir)
    atomic_write_text(out / "report.json", json.dumps(report, ensure_ascii=False, indent=2))
    atomic_write_text(out / "report.md", report_markdown(report))
    atomic_write_text(out / "per_label.csv", per_label_csv(report))
    if extractor.schema.roles:
        atomic_write_text(out / "errors.jsonl", "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in errors))
    write_jsonl(predicted, out / "predictions.jsonl")
    atomic_write_text(out / "predictions.conll", conll)
    from hadath.plots import confusion_heatmap, f1_bars

    f1_bars(report, out / "f1_per_label.png")
    if "confusion" in report:
        confusion_heatmap(report["confusion"], out / "confusion.png")
    if cfg.get("html"):
        write_html(out / "html", docs, predicted, name)
    print(format_report(report))
    written = "report.json, report.md, per_label.csv, " + ("errors.jsonl, " if extractor.schema.roles else "")
    figures = "f1_per_label.png, " + ("confusion.png, " if "confusion" in report else "")
    view = "html/index.html, " if cfg.get("html") else ""
    print(f"{written}{figures}{view}predictions.jsonl and predictions.conll written to {out}")
    return report


def write_html(folder: Path, docs: list[Document], predicted: list[Document], title: str) -> None:
    """``html=true``: one page per document, gold beside predicted (``hadath.view``), and an index."""
    import re

    from hadath.view import comparison_page, index_page

    rows = []
    for i, (gold, pred) in enumerate(zip(docs, predicted), start=1):
        page = f"{i:04d}-{re.sub(r'[^A-Za-z0-9._-]+', '_', gold.id)[:80]}.html"
        events = [[e.to_dict() for e in d.events] for d in (gold, pred)]
        atomic_write_text(folder / page, comparison_page(gold.id, gold.text, *events))
        rows.append((gold.id, page, len(gold.events), len(pred.events)))
    atomic_write_text(folder / "index.html", index_page(f"{title}: gold and predicted events", rows))


def test_data(data_cfg: DictConfig, checkpoint: Path, meta: dict) -> dict:
    """What to evaluate on: ``format``, ``test`` and reader ``options``.

    Whatever the command line leaves unset comes from the checkpoint: its training config's
    test split, its data format and its reader options. A test file given on the command line
    is read in the checkpoint's format when that is CoNLL (its labels come from such data),
    else in the format its name says.
    """
    from hadath.data import reader_options, split_paths

    trained_path = Path(checkpoint) / "config.yaml"
    trained = OmegaConf.load(trained_path).data if trained_path.is_file() else OmegaConf.create({})
    test = data_cfg.get("test")
    if test is None:
        test = trained.get("test")
        if test is None:
            raise UserError(f"no test data: pass data.test=FILE ({trained_path} names none)")
        fmt = data_cfg.get("format") or trained.get("format")
    else:
        fmt = data_cfg.get("format") or ("conll" if meta.get("data_format") == "conll" else None)
    test = split_paths(test)
    options = reader_options(data_cfg) or (meta.get("data_options", {}) if fmt == meta.get("data_format") else {})
    return {"format": fmt, "test": test, "options": options}


def _load_test(data: dict, extractor: Extractor) -> list[Document]:
    from hadath.data import load_documents, read_conll_split

    if data["format"] != "conll":
        return load_documents(data["test"], extractor.schema, data["format"], **data["options"])
    docs, labels = read_conll_split(data["test"], data["options"])
    unknown = sorted(set(labels) - set(extractor.schema.event_types))
    if unknown:  # scored (the model can only miss them), but say so: it is often the wrong tag set
        log.warning(
            "%s: labels %s are not among the checkpoint's %s; they count as missed",
            data["test"],
            unknown,
            sorted(extractor.schema.event_types),
        )
    return docs


# Which score the one-line verdict of a comparison is about: AC where both models find arguments.
HEADLINE = (("events", "AC", "event-level AC"), ("triggers", "micro", "trigger micro-F1"))


def compare(cfg: DictConfig) -> dict:
    """``compare=[A,B]``: score both checkpoints on the same documents (A's test split unless
    ``data.test`` says otherwise) and test every difference with a paired bootstrap over documents.
    Writes ``compare.json`` and ``compare.md``; prints the table and a one-line verdict."""
    from hadath.intervals import paired_bootstrap
    from hadath.reports import comparison_markdown

    checkpoints = [str(c) for c in cfg.compare]
    if len(checkpoints) != 2:
        raise UserError(f"compare takes two checkpoints, compare='[A,B]'; got {len(checkpoints)}")
    extractors = [
        Extractor.from_pretrained(
            c, batch_size=cfg.eval_batch_size, device=cfg.get("device"), decoding=cfg.get("decoding")
        )
        for c in checkpoints
    ]
    if extractors[0].schema.id != extractors[1].schema.id:
        raise UserError(
            f"{checkpoints[0]} ({extractors[0].schema.id}) and {checkpoints[1]} ({extractors[1].schema.id}) "
            "were trained on different schemas; their scores cannot be compared"
        )
    data = test_data(cfg.data, checkpoints[0], read_meta(checkpoints[0]))
    docs = _load_test(data, extractors[0])
    counts = [{}, {}]
    for extractor, out in zip(extractors, counts):
        evaluate_documents(extractor, docs, split_name="compare", mode=cfg.mode, counts=out)
    sections = {}
    for section in counts[0]:
        if section in counts[1]:
            sections[section] = paired_bootstrap(counts[0][section], counts[1][section], cfg.n_bootstrap, cfg.seed)
    section, key, what = next((s, k, w) for s, k, w in HEADLINE if s in sections and k in sections[s])
    result = {
        "first": checkpoints[0],
        "second": checkpoints[1],
        "data": data["test"],
        "documents": len(docs),
        "mode": MODES[cfg.mode],
        "n_bootstrap": cfg.n_bootstrap,
        "seed": cfg.seed,
        "sections": sections,
        "verdict": verdict(sections[section][key], what),
    }
    out = Path(cfg.paths.output_dir)
    atomic_write_text(out / "compare.json", json.dumps(result, ensure_ascii=False, indent=2))
    atomic_write_text(out / "compare.md", comparison_markdown(result))
    print(comparison_markdown(result))
    print(f"compare.json and compare.md written to {out}")
    return result


def verdict(row: dict, what: str, alpha: float = 0.05) -> str:
    """One line on whether the second model differs from the first on ``what``."""
    delta, p = row["delta"], row["p"]
    change = f"{what} {row['first']:.3f} -> {row['second']:.3f} ({delta:+.3f}, p={p:.3f})"
    if p < alpha and delta != 0:
        return f"B is {'better' if delta > 0 else 'worse'} than A: {change}; a real difference at the {alpha} level"
    return f"no real difference between A and B: {change}; p >= {alpha}, within what resampling the documents moves"
