"""One encoder for both taggers (arguments.shared_encoder=true): joint training, save and load."""

import json

import pytest
from safetensors import safe_open
from safetensors.torch import load_file, save_file

from hadath.checkpoint import CheckpointError
from hadath.config import compose
from hadath.inference import Extractor
from hadath.io import read_jsonl
from hadath.joint import parameter_count
from hadath.training import train


@pytest.fixture(scope="module")
def shared(trained):
    """The session's overfitted tiny run: task=events shares one encoder and decodes with Viterbi by default."""
    return trained


@pytest.mark.slow
def test_joint_training_learns_both_taggers_and_the_checkpoint_holds_the_encoder_once(shared, mini):
    results, checkpoint = shared
    report = results["dev_report"]
    assert report["micro"]["f1"] == 1.0 and report["events"]["TC"]["f1"] == 1.0
    assert report["roles"]["micro"]["f1"] >= 0.9
    # the epoch kept is scored as dev_report.json scores it
    assert results["triggers"]["f1"] == pytest.approx(report["micro"]["f1"])
    assert results["arguments"]["f1"] == pytest.approx(report["roles"]["micro"]["f1"])
    with safe_open(str(checkpoint / "arguments" / "model.safetensors"), framework="pt") as f:
        assert sorted(f.keys()) == ["classifier.bias", "classifier.weight"]  # the role head alone
    meta = json.loads((checkpoint / "arguments" / "hadath.json").read_text())
    assert meta["arguments"]["shared_encoder"] is True and meta["arguments"]["decoding"] == "viterbi"


@pytest.mark.slow
def test_a_reloaded_shared_checkpoint_predicts_the_same_events_with_one_encoder_in_memory(shared, mini):
    _, checkpoint = shared
    extractor = Extractor.from_pretrained(checkpoint)
    assert extractor.arguments.model.host is extractor.triggers.model
    encoder_and_trigger_head = parameter_count(extractor.triggers.model)
    both = parameter_count(extractor.triggers.model, extractor.arguments.model)
    assert both - encoder_and_trigger_head == sum(p.numel() for p in extractor.arguments.model.classifier.parameters())
    for doc in read_jsonl(mini):
        predicted = extractor.predict(doc.text)
        assert [(e.type, e.trigger) for e in predicted] == [(e.type, e.trigger) for e in doc.events], doc.id
        for event in predicted:
            for arg in event.arguments:
                assert doc.text[arg.span.start : arg.span.end] == arg.span.text
    gold_args = {(a.role, a.span) for d in read_jsonl(mini) for e in d.events for a in e.arguments}
    found = {(a.role, a.span) for d in read_jsonl(mini) for e in extractor.predict(d.text) for a in e.arguments}
    assert len(gold_args & found) >= 0.9 * len(gold_args)


@pytest.mark.slow
def test_a_role_head_that_does_not_fit_the_encoder_is_refused(shared, tmp_path):
    import shutil

    _, checkpoint = shared
    broken = tmp_path / "checkpoint"
    shutil.copytree(checkpoint, broken)
    head = broken / "arguments" / "model.safetensors"
    weights = load_file(str(head))
    save_file(
        {
            "classifier.weight": weights["classifier.weight"][:, :-1].contiguous(),
            "classifier.bias": weights["classifier.bias"],
        },
        str(head),
    )
    with pytest.raises(CheckpointError, match=r"tensor classifier.weight has shape \[\d+, \d+\], the model expects"):
        Extractor.from_pretrained(broken)
    head.unlink()
    with pytest.raises(CheckpointError, match="model.safetensors: missing"):
        Extractor.from_pretrained(broken)


def test_shared_encoder_needs_both_stages(tmp_path, mini):
    from hadath.errors import UserError

    cfg = compose(
        "train",
        [
            f"paths.output_dir={tmp_path}",
            "model=tiny",
            "task=triggers",
            f"data.train={mini}",
            f"data.dev={mini}",
            "arguments.shared_encoder=true",
        ],
    )
    with pytest.raises(UserError, match="arguments.shared_encoder=true trains both taggers together: use task=events"):
        train(cfg)
