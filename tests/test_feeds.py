"""Prediction over whole feeds: batches across articles, bad articles skipped and counted, resumable output."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from hadath.errors import UserError
from hadath.feeds import resume_position
from hadath.inference import Extractor
from hadath.io import read_jsonl

ROOT = Path(__file__).resolve().parents[1]


def shape(events):
    return [(e.type, e.trigger, tuple((a.role, a.span) for a in e.arguments)) for e in events]


def test_predict_many_batches_across_articles_and_gives_the_same_events(trained, mini):
    extractor = Extractor.from_pretrained(trained[1], batch_size=64)
    texts = [d.text for d in read_jsonl(mini)]
    one_by_one = [shape(extractor.predict(t)) for t in texts]
    calls = {"triggers": 0, "arguments": 0}
    for name in calls:
        tagger = getattr(extractor, name)
        original = tagger.distributions

        def counted(word_lists, original=original, name=name):
            calls[name] += 1
            return original(word_lists)

        tagger.distributions = counted
    together = [shape(events) for events in extractor.predict_many(texts)]
    assert together == one_by_one
    assert calls == {"triggers": 1, "arguments": 1}  # one pass for all windows, one for all triggers


def run_feed(checkpoint, articles, output, *extra):
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    command = [sys.executable, "predict.py", f"checkpoint={checkpoint}", f"articles={articles}", f"output={output}"]
    return subprocess.run([*command, *extra], cwd=ROOT, capture_output=True, text=True, env=env, timeout=300)


@pytest.fixture()
def feed(tmp_path, mini):
    """A folder of 18 good articles, one in another encoding and one empty."""
    folder = tmp_path / "feed"
    folder.mkdir()
    docs = read_jsonl(mini)
    for i in range(18):
        (folder / f"a{i:02d}.txt").write_text(docs[i % len(docs)].text, encoding="utf-8")
    (folder / "b-cp1256.txt").write_bytes("هاجم مسلحون حاجزاً".encode("cp1256"))
    (folder / "c-empty.txt").write_text("  \n", encoding="utf-8")
    return folder


@pytest.mark.slow
def test_a_feed_folder_gives_one_line_per_article_and_skips_bad_ones(trained, feed, tmp_path):
    out = tmp_path / "events.jsonl"
    done = run_feed(trained[1], feed, out, "feed_chunk=5")
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [line["id"] for line in lines] == [f"a{i:02d}" for i in range(18)]
    for line in lines:
        text = (feed / f"{line['id']}.txt").read_text(encoding="utf-8")
        for event in line["events"]:
            assert text[event["trigger"]["start"] : event["trigger"]["end"]] == event["trigger"]["text"]
            assert all(text[a["start"] : a["end"]] == a["text"] for a in event["arguments"])
    assert sum(len(line["events"]) for line in lines) > 0
    assert "skipped article b-cp1256: " in done.stderr and "not UTF-8 text (byte 0)" in done.stderr
    assert "skipped article c-empty: " in done.stderr
    assert "18 articles" in done.stderr and "2 skipped" in done.stderr
    assert "predict: 100%" in done.stderr  # the progress bar


@pytest.mark.slow
def test_a_killed_feed_run_resumes_where_it_stopped(trained, feed, tmp_path):
    full = tmp_path / "full.jsonl"
    assert run_feed(trained[1], feed, full).returncode == 0
    partial = tmp_path / "partial.jsonl"
    lines = full.read_text(encoding="utf-8").splitlines(keepends=True)
    partial.write_text("".join(lines[:7]) + lines[7][: len(lines[7]) // 2], encoding="utf-8")  # killed mid-line
    done = run_feed(trained[1], feed, partial)
    assert done.returncode == 0, done.stderr
    assert "7 already done" in done.stderr and "11 articles" in done.stderr
    assert partial.read_text(encoding="utf-8") == full.read_text(encoding="utf-8")
    assert run_feed(trained[1], feed, partial, "resume=false").returncode == 0  # starts over
    assert partial.read_text(encoding="utf-8") == full.read_text(encoding="utf-8")


def test_an_output_that_is_not_a_feed_output_is_refused(tmp_path):
    other = tmp_path / "notes.jsonl"
    other.write_text('{"note": 1}\n')
    with pytest.raises(UserError, match="notes.jsonl:1: not a line of an earlier run's output"):
        resume_position(other)
