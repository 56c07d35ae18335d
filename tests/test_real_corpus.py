"""The real-news corpus (annotations/real/): its data configs, its story split and its size."""

import json
from collections import Counter
from pathlib import Path

import pytest

import hadath.evaluation as evaluation
from hadath.config import compose
from hadath.io import read_jsonl
from hadath.stories import story_groups
from hadath.training import load_splits

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT / "annotations" / "real"
SPLITS = ("train", "dev", "test")


@pytest.fixture(scope="module")
def real():
    return {name: read_jsonl(REAL / f"{name}.jsonl") for name in SPLITS}


@pytest.fixture(scope="module")
def manifest():
    return json.loads((REAL / "splits.json").read_text(encoding="utf-8"))


def test_data_real_and_data_all_read_the_real_splits(real):
    constructed = read_jsonl(ROOT / "annotations" / "train.jsonl")
    _, splits = load_splits(compose("train", ["data=real"]))
    assert [d.id for d in splits["train"]] == [d.id for d in real["train"]]
    _, splits = load_splits(compose("train", ["data=all"]))
    assert [d.id for d in splits["train"]] == [d.id for d in constructed + real["train"]]
    assert [d.id for d in splits["dev"]] == [d.id for d in real["dev"]]  # the best epoch is chosen on real news


def test_evaluation_defaults_to_real_test_when_training_saw_real_text(tmp_path):
    checkpoint = tmp_path / "checkpoint"
    checkpoint.mkdir()
    trained = compose("train", ["data=all"])
    (checkpoint / "config.yaml").write_text(f"data:\n  format: jsonl\n  test: {trained.data.test}\n")
    data = evaluation.test_data(
        compose("evaluate", [f"checkpoint={checkpoint}"]).data, checkpoint, {"data_format": "jsonl"}
    )
    assert data["test"] == str(REAL / "test.jsonl")


def test_the_manifest_matches_the_split_files_and_no_story_straddles_two_splits(real, manifest):
    side = {d.id: name for name in SPLITS for d in real[name]}
    assert {name: sorted(d.id for d in real[name]) for name in SPLITS} == {n: manifest[n] for n in SPLITS}
    for story, members in manifest["stories"].items():
        assert len({side[m] for m in members}) == 1, f"story {story} straddles {[side[m] for m in members]}"
    # the recorded stories are the ones the texts give now (an edited text cannot silently regroup)
    groups = story_groups({d.id: d.text for name in SPLITS for d in real[name]})
    recorded = {m: story for story, members in manifest["stories"].items() for m in members}
    assert groups == recorded


def test_dev_and_test_hold_only_articles_whose_story_pre_training_never_saw(real, manifest):
    seen = set(manifest["seen_by_pretraining"])
    for name in ("dev", "test"):
        for doc in real[name]:
            assert doc.meta["pool"] == "heldout" and doc.id not in seen, (name, doc.id)
    assert len(real["test"]) >= 40


def test_the_real_corpus_meets_its_size_targets(real):
    docs = [d for name in SPLITS for d in real[name]]
    types = Counter(e.type for d in docs for e in d.events)
    roles = Counter(a.role for d in docs for e in d.events for a in e.arguments)
    assert len(docs) >= 200 and sum(types.values()) >= 1500
    assert min(types.values()) >= 30 and len(types) == 11, types
    assert min(roles.values()) >= 80 and len(roles) == 8, roles
    for doc in docs:  # offsets index the published text
        for event in doc.events:
            for span in (event.trigger, *(a.span for a in event.arguments)):
                assert doc.text[span.start : span.end] == span.text


@pytest.mark.slow
def test_training_on_all_data_then_evaluating_reports_on_real_test(tmp_path, real):
    from hadath.training import train

    train(compose("train", ["experiment=quickstart-tiny", "data=all", "debug=fdr", f"paths.output_dir={tmp_path}"]))
    terms = (tmp_path / "checkpoint" / "DATA-TERMS.md").read_text(encoding="utf-8")
    assert "BY-NC-SA 4.0" in terms and "ANT Corpus" in terms  # the model carries the real news' licences
    report = evaluation.evaluate(
        compose("evaluate", [f"checkpoint={tmp_path / 'checkpoint'}", f"paths.output_dir={tmp_path / 'eval'}"])
    )
    assert report["data"] == str(REAL / "test.jsonl") and report["documents"] == len(real["test"])
    assert report["events"]["TC"]["n_gold"] == sum(len(d.events) for d in real["test"])
