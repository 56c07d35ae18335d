"""Training rows stream into `datasets` Arrow files, cached by a fingerprint of what made them."""

import dataclasses
import logging

import pytest

from hadath.arguments import ArgumentSettings
from hadath.config import compose
from hadath.features import Preprocessing
from hadath.io import read_jsonl
from hadath.modeling import load_tokenizer
from hadath.training import base_model_path, load_splits, stage_dataset


@pytest.fixture()
def prepared(mini, tmp_path, monkeypatch):
    monkeypatch.setenv("HADATH_CACHE", str(tmp_path / "cache"))
    cfg = compose("train", ["model=tiny", f"data.train={mini}", f"data.dev={mini}", f"paths.output_dir={tmp_path}"])
    schema, splits = load_splits(cfg)
    tokenizer = load_tokenizer(base_model_path(cfg.model, splits["train"]))
    prep, settings = Preprocessing(**cfg.preprocessing), ArgumentSettings(**cfg.arguments)

    def build(stage: str, docs=None):
        return stage_dataset(stage, "train", {"train": docs or splits["train"]}, tokenizer, prep, schema, settings, cfg)

    return build, splits["train"]


def test_a_second_preparation_reads_the_cache_and_a_changed_document_is_prepared_again(prepared, monkeypatch, caplog):
    build, docs = prepared
    first = build("triggers")
    assert first.cache_files, "the rows live in an Arrow file on disk, not in memory"

    def must_not_run(*args, **kwargs):
        raise AssertionError("rows were built again although nothing changed")

    monkeypatch.setattr("hadath.training.trigger_rows", must_not_run)
    with caplog.at_level(logging.INFO, logger="hadath.training"):
        again = build("triggers")
    assert again["input_ids"] == first["input_ids"] and again["labels"] == first["labels"]
    assert "triggers train: 11 examples; all spans align with word boundaries" in caplog.text  # kept from the build
    monkeypatch.undo()

    event = docs[0].events[0]
    moved = dataclasses.replace(docs[0], events=(dataclasses.replace(event, type="Arrest"), *docs[0].events[1:]))
    changed = build("triggers", [moved, *docs[1:]])
    assert changed["labels"] != first["labels"]  # a new fingerprint: prepared from the changed document


def test_a_split_without_rows_is_refused_in_one_line(prepared, mini):
    build, docs = prepared
    from hadath.errors import UserError

    no_events = [dataclasses.replace(d, events=()) for d in read_jsonl(mini)]
    with pytest.raises(UserError, match=r"arguments: the train split gives no examples"):
        build("arguments", no_events)


def test_stored_documents_read_back_what_memory_holds_and_a_changed_file_is_named(mini, tmp_path):
    from hadath.data import load_documents
    from hadath.errors import UserError
    from hadath.io.jsonl import StoredDocuments
    from hadath.schema import load_schema

    schema = load_schema("conflict-v1")
    held = read_jsonl(mini, schema)
    lines = mini.read_text(encoding="utf-8").splitlines(keepends=True)
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    first.write_text("".join(lines[:4]), encoding="utf-8")
    second.write_text("".join(lines[4:]), encoding="utf-8")
    stored = load_documents([first, second], schema, stored=True)
    assert isinstance(stored, StoredDocuments) and len(stored) == len(held)
    assert list(stored) == list(held) and list(stored) == list(stored)  # every pass reads the same
    assert stored[5] == held[5] and stored[1:3] == held[1:3]

    second.write_text("".join(lines[4:]) + lines[0], encoding="utf-8")  # mini-1 again, in the second file
    with pytest.raises(UserError, match=rf"document 'mini-1' is in both {first} and {second}"):
        load_documents([first, second], schema, stored=True)

    second.write_text("".join(lines[4:]), encoding="utf-8")
    stored = load_documents([first, second], schema, stored=True)
    before = stored.digest()  # what the datasets cache is keyed by: the stored lines
    first.write_text("".join(lines[:3]), encoding="utf-8")  # rewritten under a running preparation
    assert stored.digest() != before
    with pytest.raises(UserError, match=rf"{first} changed while it was being read for training"):
        list(stored)
