"""ONNX export: the same events as PyTorch from the fp32 graphs; int8 within a stated F1 tolerance."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from hadath.errors import UserError
from hadath.evaluation import evaluate_documents
from hadath.inference import Extractor
from hadath.io import read_jsonl

pytest.importorskip("onnxruntime")
ROOT = Path(__file__).resolve().parents[1]
INT8_TOLERANCE = 0.05  # AC and TC F1, int8 against fp32 PyTorch, on the overfitted mini documents


@pytest.fixture(scope="module")
def exported(trained, tmp_path_factory):
    import shutil

    checkpoint = tmp_path_factory.mktemp("export") / "checkpoint"
    shutil.copytree(trained[1], checkpoint)
    from hadath.export import export

    return checkpoint, export(checkpoint)


def plain(events):
    return [
        (e.type, e.trigger.start, e.trigger.end, tuple((a.role, a.span.start, a.span.end) for a in e.arguments))
        for e in events
    ]


def test_export_writes_both_graphs_and_records_their_gap(exported):
    checkpoint, record = exported
    assert set(record["graphs"]) == {"triggers", "arguments"}
    for graph in record["graphs"].values():
        assert graph["max_logit_difference"]["fp32"] < 1e-3
        assert (checkpoint / "onnx" / graph["files"]["int8"]).is_file()
    assert json.loads((checkpoint / "onnx" / "export.json").read_text()) == record


def test_onnx_gives_the_same_events_as_pytorch(exported, mini):
    checkpoint, _ = exported
    texts = [doc.text for doc in read_jsonl(mini)]
    torch_events = Extractor.from_pretrained(checkpoint).predict_many(texts)
    onnx = Extractor.from_pretrained(checkpoint, runtime="onnx")
    assert type(onnx.triggers.model).__name__ == "OnnxLogits"
    onnx_events = onnx.predict_many(texts)
    assert [plain(e) for e in onnx_events] == [plain(e) for e in torch_events]
    assert any(onnx_events)
    for got, expected in zip(onnx_events, torch_events):
        for a, b in zip(got, expected):
            assert abs(a.score - b.score) < 1e-3


def test_int8_scores_within_tolerance(exported, mini):
    checkpoint, _ = exported
    docs = read_jsonl(mini)
    scores = {}
    for runtime in ("torch", "onnx-int8"):
        report, _, _ = evaluate_documents(Extractor.from_pretrained(checkpoint, runtime=runtime), docs, progress=False)
        scores[runtime] = (report["events"]["TC"]["f1"], report["events"]["AC"]["f1"])
    for level in (0, 1):
        assert abs(scores["onnx-int8"][level] - scores["torch"][level]) <= INT8_TOLERANCE, scores


def test_onnx_runtime_without_an_export_says_what_to_run(trained):
    with pytest.raises(UserError, match=r"holds no export; run python -m hadath.export checkpoint="):
        Extractor.from_pretrained(trained[1], runtime="onnx")
    with pytest.raises(UserError, match=r"runtime must be one of torch, onnx, onnx-int8, got 'tensorrt'"):
        Extractor.from_pretrained(trained[1], runtime="tensorrt")


def test_predict_cli_with_the_onnx_runtime(exported, mini, tmp_path):
    checkpoint, _ = exported
    text = read_jsonl(mini)[0].text
    article = tmp_path / "a.txt"
    article.write_text(text, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "predict.py", f"checkpoint={checkpoint}", f"article={article}", "runtime=onnx"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**__import__("os").environ, "HF_HUB_OFFLINE": "1"},
    )
    assert done.returncode == 0, done.stderr
    events = json.loads(done.stdout)["events"]
    assert events and all(text[e["trigger"]["start"] : e["trigger"]["end"]] == e["trigger"]["text"] for e in events)
