"""Hostile and odd articles at prediction: no crash, exact offsets, memory bounded by the window size."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from hadath.inference import Extractor
from hadath.io import read_jsonl

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def extractor(trained):
    return Extractor.from_pretrained(trained[1])


def exact(text: str, events) -> None:
    for event in events:
        assert text[event.trigger.start : event.trigger.end] == event.trigger.text
        for argument in event.arguments:
            assert text[argument.span.start : argument.span.end] == argument.span.text


def article(mini, n=1) -> str:
    return read_jsonl(mini)[n].text


@pytest.mark.parametrize(
    "text", ["", " ", "\n\n\t  \r\n", "\u200f\u200e\u200b"], ids=["empty", "space", "blank-lines", "marks-only"]
)
def test_empty_and_blank_articles_have_no_events(extractor, text):
    assert extractor.predict(text) == []


def test_non_arabic_text(extractor):
    text = "Gunmen attacked a checkpoint near Raqqa on Tuesday, killing two soldiers. 123 456."
    exact(text, extractor.predict(text))


def test_crlf_bom_rtl_and_zero_width_marks_keep_offsets_exact(extractor, mini):
    base = article(mini)
    events = extractor.predict(base)
    assert events, "the overfitted model finds this article's events"
    marked = "\ufeff" + base.replace(" ", " \u200f", 3).replace("\n", "\r\n") + "\u200b"
    found = extractor.predict(marked)
    exact(marked, found)
    assert [e.type for e in found] == [e.type for e in events]
    zwnj = base.replace("ال", "ال\u200c", 2)  # zero-width non-joiners inside words
    exact(zwnj, extractor.predict(zwnj))


def test_html_remnants(extractor, mini):
    text = "<div class='story'><p>" + article(mini).replace("،", "&nbsp;،&amp;") + "</p><br/></div>"
    exact(text, extractor.predict(text))


def test_emoji_and_other_astral_characters(extractor, mini):
    text = "🔴 عاجل 🇸🇾: " + article(mini) + " 😢𝕏"
    found = extractor.predict(text)
    exact(text, found)
    assert found


def test_an_article_of_200000_characters(extractor, mini):
    base = article(mini)
    text = (base + "\n") * (200_000 // (len(base) + 1) + 1)
    assert len(text) >= 200_000
    found = extractor.predict(text)
    exact(text, found)
    assert len(found) >= 200_000 // (len(base) + 1)  # every copy's events, not only the first window's


def run_predict(checkpoint, article_path, *extra):
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    return subprocess.run(
        [sys.executable, "predict.py", f"checkpoint={checkpoint}", f"article={article_path}", *extra],
        cwd=ROOT, capture_output=True, text=True, env=env, timeout=300,
    )  # fmt: skip


def test_predict_cli_on_a_bom_crlf_file_and_utf16_offsets_for_browsers(trained, tmp_path, mini):
    text = "\ufeff🔴 " + article(mini).replace("\n", "\r\n")
    path = tmp_path / "a.txt"
    path.write_bytes(text.encode("utf-8"))
    done = run_predict(trained[1], path)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["offsets"] == "code points"
    for event in result["events"]:
        t = event["trigger"]
        assert text[t["start"] : t["end"]] == t["text"]
    done = run_predict(trained[1], path, "offsets=utf16")
    utf16 = json.loads(done.stdout)
    assert utf16["offsets"] == "UTF-16 code units"
    units = text.encode("utf-16-le")
    assert len(utf16["events"]) == len(result["events"])
    for event, same in zip(utf16["events"], result["events"]):  # the same events, counted in UTF-16 units
        t, cp = event["trigger"], same["trigger"]
        assert units[2 * t["start"] : 2 * t["end"]].decode("utf-16-le") == t["text"] == cp["text"]
        assert t["start"] == len(text[: cp["start"]].encode("utf-16-le")) // 2
    assert any(e["trigger"]["start"] > 2 for e in utf16["events"])  # some after the emoji: shifted by one
