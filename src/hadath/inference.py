"""Extractor: load a checkpoint once, then find the events of any number of articles.

    extractor = Extractor.from_pretrained("outputs/run/checkpoint")
    for event in extractor.predict(text):
        print(event.type, event.trigger.text, [(a.role, a.span.text) for a in event.arguments])

Triggers are tagged window by window; then, for each trigger, the argument
tagger reads the trigger's window with the trigger marked and tags roles.
Every span is cut from the original text by word offsets, so
``text[span.start:span.end] == span.text`` always holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from hadath.arguments import ArgumentSettings, argument_input, reserve, trigger_window, trigger_words, unmark
from hadath.checkpoint import read_meta, require_safetensors, stage_dir, stages, verify_weights
from hadath.decoding import LabelledSpan, bio_to_spans, char_span, spans_to_bio, viterbi_bio
from hadath.documents import Argument, Document, Event, Span
from hadath.features import Layout, Preprocessing, doc_words
from hadath.schema import Schema
from hadath.tagging import Tagger
from hadath.text import Window


@dataclass
class Segment:
    """A sentence (or a whole window) of words, with the trigger tagger's well-formed labels."""

    words: list[tuple[int, int]]
    windows: list[Window]
    labels: list[str] = field(default_factory=list)
    spans: list[LabelledSpan] = field(default_factory=list)
    # per word: the trigger tagger's probability of O, and its margin (best minus second-best probability)
    p_outside: list[float] = field(default_factory=list)
    margins: list[float] = field(default_factory=list)


def load_tagger(directory: Path, batch_size: int = 32, device: str | None = None) -> tuple[Tagger, dict]:
    """One stage of a checkpoint, its weights verified (``hadath.checkpoint``)."""
    from hadath.modeling import load_token_classifier, load_tokenizer

    meta = read_meta(directory)
    require_safetensors(Path(directory))
    model = load_token_classifier(str(directory), safetensors_only=True)
    verify_weights(Path(directory), model, meta["labels"])
    if device:
        model.to(device)
    tagger = Tagger(model, load_tokenizer(str(directory)), Preprocessing(**meta["preprocessing"]), batch_size)
    return tagger, meta


class Extractor:
    """Trigger tagger plus (optionally) argument tagger, with the schema they were trained on."""

    def __init__(
        self,
        triggers: Tagger,
        schema: Schema,
        arguments: Tagger | None = None,
        settings: ArgumentSettings | None = None,
    ):
        self.triggers, self.arguments, self.schema = triggers, arguments, schema
        self.settings = settings or ArgumentSettings.from_meta({})

    @classmethod
    def from_pretrained(
        cls,
        checkpoint: str | Path,
        batch_size: int = 32,
        device: str | None = None,
        decoding: str | None = None,
        runtime: str = "torch",
    ) -> Extractor:
        """Load a checkpoint; ``decoding`` (argmax | viterbi) overrides the argument decoding it was trained
        with; ``runtime`` (onnx | onnx-int8) runs the graphs ``hadath.export`` wrote instead of PyTorch."""
        checkpoint = Path(checkpoint)
        held = stages(checkpoint)
        triggers, meta = load_tagger(checkpoint, batch_size, device)
        arguments, settings = None, None
        if "arguments" in held:
            folder = stage_dir(checkpoint, "arguments")
            argument_meta = read_meta(folder)
            settings = ArgumentSettings.from_meta(argument_meta)
            if decoding:
                settings = replace(settings, decoding=decoding)
            if settings.shared_encoder:  # a role head on the trigger tagger's encoder (hadath.joint)
                from hadath.joint import SecondHead

                head = SecondHead.load(triggers.model, folder, argument_meta["labels"])
                prep = Preprocessing(**argument_meta["preprocessing"])
                arguments = Tagger(head, triggers.tokenizer, prep, batch_size)
            else:
                arguments, _ = load_tagger(folder, batch_size, device)
        extractor = cls(triggers, Schema.from_dict(meta["schema"], source=str(checkpoint)), arguments, settings)
        if runtime != "torch":
            from hadath.export import use_onnx

            use_onnx(extractor, checkpoint, runtime)
        return extractor

    # -- triggers ---------------------------------------------------------------------------------
    def segments(self, text: str, words: list[tuple[int, int]] | None = None) -> list[Segment]:
        """The article's segments with predicted trigger labels (well-formed IOB2) and spans."""
        return self.segments_many([text], [words])[0]

    def segments_many(self, texts: list[str], words: list | None = None) -> list[list[Segment]]:
        """``segments`` of several articles, their windows tagged together (batches cross articles)."""
        words = words or [None] * len(texts)
        return self._segments(
            [Layout.of(t, self.triggers.tokenizer, self.triggers.prep, w) for t, w in zip(texts, words)]
        )

    def _segments(self, layouts: list[Layout]) -> list[list[Segment]]:
        windows = [layout.windows() for layout in layouts]
        prep = self.triggers.prep
        flat = [prep.model_words(layout.text, window.words) for layout, ws in zip(layouts, windows) for window in ws]
        probs = iter(self.triggers.distributions(flat))
        return [self._assemble(ws, [next(probs) for _ in ws]) for ws in windows]

    def _assemble(self, windows: list[Window], probs: list) -> list[Segment]:
        """One article's segments from its windows and their per-word label probabilities."""
        names = self.triggers.labels
        outside = names.index("O")
        segments: list[Segment] = []
        raw_labels: list[list[str]] = []
        raw_scores: list[list[float]] = []
        for window, window_probs in zip(windows, probs):
            if not (window.continues and segments):
                segments.append(Segment([], []))
                raw_labels.append([])
                raw_scores.append([])
            segment = segments[-1]
            segment.windows.append(window)
            segment.words += window.owned
            owned = window_probs[window.own_from : window.own_to]
            top = owned.topk(min(2, owned.shape[-1]), dim=-1)
            raw_labels[-1] += [names[int(j)] for j in top.indices[:, 0]]
            raw_scores[-1] += top.values[:, 0].tolist()
            segment.p_outside += owned[:, outside].tolist()
            second = top.values[:, 1] if top.values.shape[-1] > 1 else 0 * top.values[:, 0]
            segment.margins += (top.values[:, 0] - second).tolist()
        for segment, labels, scores in zip(segments, raw_labels, raw_scores):
            segment.spans = bio_to_spans(labels, scores)
            segment.labels = spans_to_bio(segment.spans, len(segment.words))
        return segments

    def predict(
        self, text: str, words: list[tuple[int, int]] | None = None, segments: list[Segment] | None = None
    ) -> list[Event]:
        """Events of one article, triggers first, then the arguments of each trigger.

        ``segments``: the article's tagged segments when the caller already has them (evaluation
        scores them too), so the trigger tagger runs once per window.
        """
        return self.predict_many([text], [words], None if segments is None else [segments])[0]

    def predict_many(
        self, texts: list[str], words: list | None = None, segments: list[list[Segment]] | None = None
    ) -> list[list[Event]]:
        """Events of several articles. Their trigger windows are tagged in shared batches, and so are
        the argument tagger's per-trigger inputs: one forward per batch, whatever article it is from."""
        words = words or [None] * len(texts)
        layouts = None  # the trigger tagger's, built here only when it tags; the argument tagger reuses them
        if segments is None:
            layouts = [Layout.of(t, self.triggers.tokenizer, self.triggers.prep, w) for t, w in zip(texts, words)]
            segments = self._segments(layouts)
        found = []  # per article: (trigger span, type, score)
        for text, article in zip(texts, segments):
            found.append(
                [
                    (Span(*char_span(text, segment.words, span)), span.name, span.score)
                    for segment in article
                    for span in segment.spans
                ]
            )
        if self.arguments is None:
            arguments = [[[] for _ in triggers] for triggers in found]
        else:
            requests = [
                (text, [(t, etype) for t, etype, _ in triggers], w) for text, triggers, w in zip(texts, found, words)
            ]
            arguments = [[args for args, _ in tagged] for tagged in self.tag_arguments_many(requests, layouts)]
        return [
            [
                Event(f"E{i}", etype, trigger, tuple(args), score)
                for i, ((trigger, etype, score), args) in enumerate(zip(triggers, article_args), start=1)
            ]
            for triggers, article_args in zip(found, arguments)
        ]

    def predict_document(self, doc: Document) -> Document:
        return Document(doc.id, doc.text, tuple(self.predict(doc.text, doc_words(doc))), dict(doc.meta))

    # -- arguments --------------------------------------------------------------------------------
    def predict_arguments(
        self, text: str, triggers: list[tuple[Span, str]], words: list[tuple[int, int]] | None = None
    ) -> list[list[Argument]]:
        """Arguments of each (trigger span, event type); empty lists without an argument tagger."""
        if self.arguments is None or not triggers:
            return [[] for _ in triggers]
        return [args for args, _ in self.tag_arguments(text, triggers, words)]

    def tag_arguments(
        self, text: str, triggers: list[tuple[Span, str]], words: list[tuple[int, int]] | None = None
    ) -> list[tuple[list[Argument], dict]]:
        """For each trigger: its arguments, and for scoring its window's words, their role labels and
        how many role predictions the schema does not allow for the type were dropped (``dropped``).

        The input is built as in training (``hadath.arguments``): the window that owns the trigger,
        the trigger's words marked.
        """
        return self.tag_arguments_many([(text, triggers, words)])[0]

    def tag_arguments_many(
        self, requests: list[tuple[str, list[tuple[Span, str]], list | None]], layouts: list[Layout] | None = None
    ) -> list[list]:
        """``tag_arguments`` for several (text, triggers, words), every trigger's input in shared batches.

        ``layouts``: the texts' trigger-tagger layouts, reused when the argument tagger shares its
        tokenizer and preprocessing (a shared encoder) rather than splitting and costing the words again."""
        tagger, settings = self.arguments, self.settings
        reserved = reserve(self.schema, tagger.tokenizer, settings)
        inputs, contexts = [], []
        for number, (text, triggers, words) in enumerate(requests):
            if not triggers:
                continue
            layout = layouts[number] if layouts else None
            if layout is None or not layout.serves(tagger.tokenizer, tagger.prep):
                layout = Layout.of(text, tagger.tokenizer, tagger.prep, words)
            windows = layout.windows(reserved)
            model_words: dict[int, list[str]] = {}  # by id(window): normalised once for all the window's triggers
            for trigger, etype in triggers:
                window = trigger_window(windows, trigger)
                window_words = list(window.words)
                first, last = trigger_words(window_words, trigger)
                if id(window) not in model_words:
                    model_words[id(window)] = tagger.prep.model_words(text, window_words)
                texts = model_words[id(window)]
                inputs.append(argument_input(texts, first, last, etype, self.schema, settings, tagger.tokenizer))
                contexts.append((number, text, window_words, first, last, etype))
        out: list[list] = [[] for _ in requests]
        for probs, (number, text, window_words, first, last, etype) in zip(tagger.distributions(inputs), contexts):
            probs = probs[unmark(list(range(len(probs))), first, last, len(window_words))].numpy()
            labels, scores = self._decode(probs, etype, range(first, last + 1))
            spans = [s for s in bio_to_spans(labels, scores) if not (s.first <= last and first <= s.last)]
            allowed = [s for s in spans if self.schema.allows(etype, s.name)]
            args = [Argument(s.name, Span(*char_span(text, window_words, s)), s.score) for s in allowed]
            labels = spans_to_bio(allowed, len(window_words))
            out[number].append((args, {"words": window_words, "labels": labels, "dropped": len(spans) - len(allowed)}))
        return out

    def _decode(self, probs, event_type: str, trigger: range) -> tuple[list[str], list[float]]:
        """Role labels and their probabilities for one window's words (``arguments.decoding``), from a
        (words x labels) array.

        ``argmax``: each word's most probable label; ill-formed runs and roles the schema does not
        allow for the type are repaired and dropped afterwards. ``viterbi``: the best well-formed
        sequence with only the type's roles and nothing on the trigger's own words.
        """
        names = self.arguments.labels
        if not len(probs):
            return [], []
        if self.settings.decoding == "viterbi":
            allowed = set(self.schema.event_types.get(event_type, ()))
            labels = viterbi_bio(probs, names, allowed, set(trigger))
            index = {name: j for j, name in enumerate(names)}
            best = [index[label] for label in labels]
        else:
            best = probs.argmax(1).tolist()
            labels = [names[j] for j in best]
        return labels, probs[range(len(best)), best].tolist()
