"""The annotation helper scripts: drafts by span text become offsets; splits stay fixed."""

import json
import subprocess
import sys
from pathlib import Path

from hadath.io import read_jsonl

ROOT = Path(__file__).resolve().parents[1]
TEXT = "قصفت القوات قرية تل طويل، ما أدى لمقتل مدني. وقصفت القوات بلدة أخرى."


def run(script, *args):
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / script), *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )


def draft(tmp_path, events, doc_id="d1", text=TEXT):
    path = tmp_path / f"{doc_id}.draft.jsonl"
    path.write_text(json.dumps({"id": doc_id, "text": text, "events": events}, ensure_ascii=False) + "\n")
    return path


def test_anchor_finds_offsets_and_keeps_clitics(tmp_path):
    src = draft(
        tmp_path,
        [
            {"type": "Shelling", "trigger": "قصفت", "arguments": [["Agent", "القوات"], ["Target", "قرية تل طويل"]]},
            {"type": "Killing", "trigger": "لمقتل", "arguments": [["Victim", "مدني"]]},
            {"type": "Shelling", "trigger": "وقصفت", "arguments": [["Agent", "القوات"]]},
        ],
    )
    done = run("anchor_spans.py", src, "-o", tmp_path / "out.jsonl")
    assert done.returncode == 0, done.stderr
    [doc] = read_jsonl(tmp_path / "out.jsonl")
    first, _, third = doc.events
    assert (first.trigger.start, first.arguments[1].span.text) == (0, "قرية تل طويل")
    # "القوات" is looked up in the trigger's own sentence: the second one for the third event
    assert third.arguments[0].span.start == TEXT.rindex("القوات")


def test_anchor_refuses_ambiguity_and_writes_nothing(tmp_path):
    src = tmp_path / "drafts.jsonl"
    docs = [
        {"id": "a", "text": TEXT, "events": [{"type": "Shelling", "trigger": "القوات", "arguments": []}]},
        {
            "id": "b",
            "text": "أدى الهجوم لمقتل مدني في البلدة.",
            "events": [{"type": "Killing", "trigger": "لمقتل", "arguments": [["Target", "مدني"]]}],
        },
    ]
    src.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs))
    done = run("anchor_spans.py", src, "-o", tmp_path / "out.jsonl")
    assert done.returncode == 1 and not (tmp_path / "out.jsonl").exists()
    assert f"{src}:1 (a): event 1: trigger 'القوات' occurs 2 times; write القوات#n" in done.stderr
    assert f"{src}:2 (b): event 1 (Killing): role 'Target' not allowed" in done.stderr
    assert "2 error(s); nothing written" in done.stderr


def test_make_splits_keeps_the_manifest(tmp_path):
    corpus = tmp_path / "corpus.jsonl"
    lines = [
        line
        for split in ("train", "dev", "test")
        for line in (ROOT / "annotations" / f"{split}.jsonl").read_text().splitlines()
    ]
    corpus.write_text("\n".join(lines) + "\n")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "splits.json").write_text((ROOT / "annotations" / "splits.json").read_text())
    done = run("make_splits.py", corpus, "--out", tmp_path / "out")
    assert done.returncode == 0, done.stderr
    assert json.loads((tmp_path / "out" / "splits.json").read_text()) == json.loads(
        (ROOT / "annotations" / "splits.json").read_text()
    )


def test_selection_groups_stories_and_takes_one_article_a_story():
    sys.path.insert(0, str(ROOT / "scripts"))
    from select_real_articles import choose, profile

    from hadath.stories import story_groups

    report = (
        "قصفت طائرات حربية مواقع في ريف إدلب الجنوبي صباح اليوم ما أسفر عن مقتل خمسة مدنيين وإصابة آخرين "
        "بجروح متفاوتة وفق ما أفاد به ناشطون محليون في المنطقة التي تشهد تصعيدا عسكريا منذ أسابيع "
    )
    texts = {
        "a": report * 3,
        "b": "نقلت وكالة الأنباء عن مصادر أن " + report * 2,  # the same story from another outlet
        "c": "اعتقلت الشرطة ثلاثة أشخاص في بغداد بعد مداهمة منازلهم في حي الكرادة فجر الخميس " * 3,
    }
    stories = story_groups(texts)
    assert stories["a"] == stories["b"] == "a" and stories["c"] == "c"
    candidates = [
        {"id": i, "story": stories[i], "types": ["Shelling"], "country": "Syria", "source": s}
        for i, s in (("a", "bbc"), ("b", "cnn"), ("c", "sky"))
    ]
    assert [c["id"] for c in choose(candidates, 3)] == ["a", "c"]
    article = {"id": "x", "category": "middleEast", "text": report * 3}
    found = profile(article)
    assert found["country"] == "Syria" and {"Shelling", "Killing", "Injury"} <= set(found["types"])
    assert profile(article | {"category": "sport"}) is None


def test_anchor_refuses_a_repeated_sentence_unless_real_boilerplate_is_allowed(tmp_path):
    events = [{"type": "Shelling", "trigger": "قصفت#1", "arguments": []}]
    first, second = draft(tmp_path, events, "d1"), draft(tmp_path, events, "d2")
    refused = run("anchor_spans.py", first, second, "-o", tmp_path / "out.jsonl")
    assert refused.returncode == 1 and "sentence repeated from d1" in refused.stderr
    assert not (tmp_path / "out.jsonl").exists()
    allowed = run("anchor_spans.py", "--allow-repeated-sentences", first, second, "-o", tmp_path / "out.jsonl")
    assert allowed.returncode == 0, allowed.stderr
    assert [d.id for d in read_jsonl(tmp_path / "out.jsonl")] == ["d1", "d2"]


def story_corpus(path):
    """Ten one-event articles: a and b tell one story; a-f are in the unseen pool, g-j are not."""
    story = "قصفت طائرات حربية مواقع في ريف إدلب الجنوبي صباح اليوم ما أسفر عن مقتل خمسة مدنيين وإصابة آخرين "
    texts = {"a": story * 2, "b": "نقلت وكالة الأنباء أن " + story * 2}
    places = ["حلب", "حمص", "درعا", "الرقة", "دير الزور", "الحسكة", "إدلب", "حماة"]
    for doc_id, place in zip("cdefghij", places):
        texts[doc_id] = f"اعتقلت الشرطة ثلاثة أشخاص في {place} فجر يوم {doc_id}."
    lines = []
    for doc_id, text in texts.items():
        word = "قصفت" if doc_id in "ab" else "اعتقلت"
        event = {"id": "E1", "type": "Shelling" if doc_id in "ab" else "Arrest", "arguments": []}
        event["trigger"] = {"start": text.index(word), "end": text.index(word) + len(word), "text": word}
        meta = {"pool": "heldout" if doc_id in "abcdef" else "train"}
        lines.append(json.dumps({"id": doc_id, "text": text, "events": [event], "meta": meta}, ensure_ascii=False))
    path.write_text("\n".join(lines) + "\n")


def test_story_split_keeps_each_story_on_one_side_and_draws_dev_test_from_the_unseen_pool(tmp_path):
    corpus = tmp_path / "real.jsonl"
    story_corpus(corpus)
    for seed in range(5):
        out = tmp_path / f"out-{seed}"
        out.mkdir()
        done = run(
            "make_splits.py", corpus, "--out", out, "--by-story", "--eval-pool", "heldout",
            "--dev", "2", "--test", "3", "--min-per-type", "0", "--seed", str(seed),
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        manifest = json.loads((out / "splits.json").read_text())
        side = {doc_id: name for name in ("train", "dev", "test") for doc_id in manifest[name]}
        assert sorted(side) == list("abcdefghij")
        assert manifest["stories"]["a"] == ["a", "b"]
        for members in manifest["stories"].values():  # no story straddles two splits
            assert len({side[m] for m in members}) == 1
        assert all(side[d] == "train" for d in "ghij")  # pre-training saw them: never dev or test
        assert len(manifest["test"]) <= 3 and len(manifest["dev"]) <= 2 and manifest["test"]
        written = [json.loads(line) for line in (out / "test.jsonl").read_text().splitlines()]
        assert {d["id"] for d in written} == set(manifest["test"])
        assert all(d["meta"]["split"] == "test" and d["meta"]["pool"] == "heldout" for d in written)


def test_story_split_refuses_a_manifest_that_splits_a_story(tmp_path):
    corpus = tmp_path / "real.jsonl"
    story_corpus(corpus)
    (tmp_path / "splits.json").write_text(json.dumps({"train": ["a"], "dev": [], "test": ["b"]}))
    done = run("make_splits.py", corpus, "--out", tmp_path, "--by-story", "--min-per-type", "0")
    assert done.returncode != 0
    assert "story a straddles splits in the manifest: a (train), b (test)" in done.stderr
    assert not (tmp_path / "train.jsonl").exists()


def test_story_split_keeps_out_of_dev_and_test_what_pre_training_saw(tmp_path):
    corpus = tmp_path / "real.jsonl"
    story_corpus(corpus)
    docs = {json.loads(line)["id"]: json.loads(line)["text"] for line in corpus.read_text().splitlines()}
    news = tmp_path / "news"
    news.mkdir()  # the pre-training corpus holds another outlet's report of c's story (and an unrelated text)
    rows = [{"id": "copy-of-c", "text": "قالت الشرطة: " + docs["c"] * 3}, {"id": "x", "text": "نص آخر " * 20}]
    (news / "n.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    story_c = docs["c"] * 3
    (tmp_path / "real.jsonl").write_text(corpus.read_text().replace(docs["c"], story_c))
    for seed in range(3):
        out = tmp_path / f"out-{seed}"
        out.mkdir()
        done = run(
            "make_splits.py", corpus, "--out", out, "--by-story", "--eval-pool", "heldout",
            "--pretrain-corpus", news, "--heldout-fraction", "0", "--dev", "2", "--test", "3",
            "--min-per-type", "0", "--seed", str(seed),
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        manifest = json.loads((out / "splits.json").read_text())
        assert "c" in manifest["train"]
        assert manifest["seen_by_pretraining"] == {"c": ["copy-of-c"]}
    assert "1 of 6 unseen-pool articles have a story pre-training saw" in done.stderr
