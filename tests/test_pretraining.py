"""pretrain.py: the corpus reader, masking, the masked-only loss, a whole run, resume, and fine-tuning its output."""

import gzip
import json
import math
from pathlib import Path

import numpy as np
import pytest
import torch

from hadath.config import compose
from hadath.errors import UserError
from hadath.pretraining.corpus import Corpus, corpus_files, is_heldout, read_file

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "annotations" / "train.jsonl"


def news(n: int = 60) -> list[dict]:
    """Real-looking Arabic news texts: the bundled training articles."""
    rows = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [{"id": r["id"], "text": r["text"]} for r in rows[:n]]


@pytest.fixture
def corpus_dir(tmp_path):
    """The same articles as a .jsonl.gz file, a .jsonl file and a folder of .txt files."""
    rows = news()
    folder = tmp_path / "corpus"
    (folder / "txt").mkdir(parents=True)
    with gzip.open(folder / "a.jsonl.gz", "wt", encoding="utf-8") as f:
        f.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows[:30])
    (folder / "b.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows[30:50]))
    for r in rows[50:]:
        (folder / "txt" / f"{r['id']}.txt").write_text(r["text"], encoding="utf-8")
    return folder


def test_corpus_reads_every_format_and_mixes_the_files(corpus_dir):
    corpus = Corpus(paths=[str(corpus_dir)], heldout_fraction=0.1)
    assert [f.name for f in corpus.files][:2] == ["a.jsonl.gz", "b.jsonl"] and len(corpus.files) == 12
    stats = corpus.scan(progress=False)
    assert stats.train_documents + stats.heldout_documents == 60
    train_ids = [d.id for d in corpus.documents("train")]
    heldout_ids = [d.id for d in corpus.documents("heldout")]
    assert not set(train_ids) & set(heldout_ids) and heldout_ids
    assert all(is_heldout(i, 0.1) for i in heldout_ids)
    # taken in turn from each file: the first documents come from different files
    rows = news()
    assert train_ids[:2] != [rows[0]["id"], rows[1]["id"]]
    txt = next(d for d in read_file(corpus_dir / "txt" / f"{rows[55]['id']}.txt"))
    assert txt.text == rows[55]["text"] and txt.id == rows[55]["id"]


def test_corpus_excludes_by_id_and_by_annotated_file(corpus_dir, tmp_path):
    rows = news()
    annotated = tmp_path / "test.jsonl"  # an annotated split: another id, same text, events
    annotated.write_text(json.dumps({"id": "other", "text": rows[3]["text"], "events": []}, ensure_ascii=False))
    corpus = Corpus(paths=[str(corpus_dir)], exclude=[rows[0]["id"], str(annotated)], heldout_fraction=0.1)
    stats = corpus.scan(progress=False)
    assert stats.excluded_documents == 2
    kept = {d.id for part in ("train", "heldout") for d in corpus.documents(part)}
    assert rows[0]["id"] not in kept and rows[3]["id"] not in kept and len(kept) == 58


def test_corpus_keeps_out_other_reports_of_an_excluded_story(corpus_dir, tmp_path):
    rows = news()
    story = rows[5]["text"]
    retold = "نقلت وكالة أنباء محلية أن " + story[: len(story) // 2]  # another outlet, the same incident
    (corpus_dir / "c.jsonl").write_text(json.dumps({"id": "retold", "text": retold}, ensure_ascii=False) + "\n")
    annotated = tmp_path / "test.jsonl"
    annotated.write_text(json.dumps({"id": "gold-5", "text": story, "events": []}, ensure_ascii=False) + "\n")
    kept = {}
    for by_story in (True, False):
        corpus = Corpus(paths=[str(corpus_dir)], exclude=[str(annotated)], exclude_stories=by_story)
        kept[by_story] = {d.id for part in ("train", "heldout") for d in corpus.documents(part)}
    assert "retold" not in kept[True] and rows[5]["id"] not in kept[True]
    assert kept[False] - kept[True] == {"retold"}  # nothing else was taken for the same story
    assert len(kept[True]) == 59


def test_corpus_exclude_names_a_missing_file(corpus_dir):
    with pytest.raises(UserError, match=r"corpus.exclude: no such file: .*missing/test.jsonl"):
        Corpus(paths=[str(corpus_dir)], exclude=["missing/test.jsonl"])


def test_corpus_errors_name_the_file_and_line(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "text": "نص"}\n{"id": "b", "text": 5}\n')
    with pytest.raises(UserError, match=r"bad\.jsonl:2: no string field 'text'"):
        Corpus(paths=[str(bad)]).scan(progress=False)
    bad.write_text('{"id": "a", "text": "نص"}\n{oops\n')
    with pytest.raises(UserError, match=r"bad\.jsonl:2: not valid JSON"):
        Corpus(paths=[str(bad)]).scan(progress=False)
    with pytest.raises(UserError, match="no such file or folder"):
        corpus_files([str(tmp_path / "missing")])
    (tmp_path / "notes.csv").write_text("x")
    with pytest.raises(UserError, match=r"notes\.csv is not one of"):
        corpus_files([str(tmp_path / "notes.csv")])


@pytest.fixture(scope="module")
def tokenizer():
    from hadath.modeling import build_wordpiece_tokenizer, count_words

    return build_wordpiece_tokenizer(count_words(r["text"] for r in news()), 2000)


def test_packing_and_whole_word_masking(tokenizer):
    from hadath.pretraining.masking import IGNORE, MaskingCollator, pack

    packed = pack([r["text"] for r in news(10)], tokenizer, 64, lambda t: t)
    rows = [dict(zip(packed, values)) for values in zip(*packed.values())]
    assert rows and all(len(r["input_ids"]) == 64 == len(r["word_start"]) for r in rows)
    assert all(
        r["input_ids"][0] == tokenizer.cls_token_id and r["input_ids"][-1] == tokenizer.sep_token_id for r in rows
    )
    batch = MaskingCollator(tokenizer, 0.15, whole_word=True, seed=1)(rows)
    again = MaskingCollator(tokenizer, 0.15, whole_word=True, seed=1)(rows)
    assert torch.equal(batch["labels"], again["labels"]), "the same seed gives the same masks"
    chosen = batch["labels"] != IGNORE
    assert 0.10 < chosen.float().mean() < 0.22
    special = torch.isin(torch.tensor([r["input_ids"] for r in rows]), torch.tensor(tokenizer.all_special_ids))
    assert not (chosen & special).any()
    # a chosen word is chosen whole: a continuation piece is chosen exactly when its word's first piece is
    starts = torch.tensor([r["word_start"] for r in rows], dtype=torch.bool)
    inside = ~starts & ~special
    previous = torch.roll(chosen, 1, dims=1)
    assert torch.equal(chosen[inside], previous[inside])
    masked = batch["input_ids"] == tokenizer.mask_token_id
    assert 0.7 < masked.sum() / chosen.sum() < 0.9


def test_masked_only_loss_equals_the_full_head_loss(tokenizer):
    from transformers import BertConfig, BertForMaskedLM

    from hadath.pretraining.masking import MaskingCollator, pack, predict_masked_only

    packed = pack([r["text"] for r in news(6)], tokenizer, 32, lambda t: t)
    batch = MaskingCollator(tokenizer, 0.15, seed=3)([dict(zip(packed, v)) for v in zip(*packed.values())])
    torch.manual_seed(0)
    model = BertForMaskedLM(
        BertConfig(
            vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1, num_attention_heads=2, intermediate_size=64
        )
    ).eval()
    full = model(**batch).loss
    predict_masked_only(model)
    assert torch.allclose(model(**batch)["loss"], full, atol=1e-5)


def pretrain_cfg(corpus_dir, out, *overrides):
    return compose(
        "pretrain",
        [
            f"paths.output_dir={out}",
            f"corpus.paths=[{corpus_dir}]",
            "corpus.heldout_fraction=0.1",
            "model.scratch.vocab_size=1500",
            "model.scratch.hidden_size=32",
            "model.scratch.num_hidden_layers=1",
            "model.scratch.num_attention_heads=2",
            "model.scratch.intermediate_size=64",
            "mlm.seq_length=64",
            "skipgram.epochs=1",
            "skipgram.workers=1",
            "trainer.max_steps=8",
            "trainer.save_steps=4",
            "trainer.eval_steps=4",
            "trainer.logging_steps=2",
            "trainer.per_device_train_batch_size=8",
            "trainer.learning_rate=1e-3",
            *overrides,
        ],
    )


@pytest.fixture(scope="module")
def pretrained(tmp_path_factory):
    """A whole scratch run on 60 articles: vocabulary, skip-gram embeddings, 8 steps, model card."""
    from hadath.pretraining import pretrain

    base = tmp_path_factory.mktemp("pretrain")
    folder = base / "corpus"
    folder.mkdir()
    with gzip.open(folder / "news.jsonl.gz", "wt", encoding="utf-8") as f:
        f.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in news())
    metrics = pretrain(pretrain_cfg(folder, base / "run"))
    return metrics, base


def test_pretrain_writes_a_standard_encoder_with_its_card(pretrained):
    from transformers import AutoModelForTokenClassification

    metrics, base = pretrained
    model_dir = Path(metrics["model"])
    assert metrics["steps"] == 8 and metrics["tokens_seen"] == 8 * 8 * 64
    assert math.isclose(metrics["heldout_perplexity"], math.exp(metrics["heldout_loss"]), rel_tol=1e-6)
    for name in ("model.safetensors", "config.json", "tokenizer.json", "README.md", "perplexity.png", "pretrain.json"):
        assert (model_dir / name).is_file(), name
    plain = model_dir.parent / "plain.txt"
    plain.write_text("x")  # written atomically, the card still gets the mode any new file gets
    assert (model_dir / "README.md").stat().st_mode & 0o777 == plain.stat().st_mode & 0o777
    card = (model_dir / "README.md").read_text()
    assert f"perplexity **{metrics['heldout_perplexity']:.1f}**" in card
    assert "8 steps" in card and "skip-gram token embeddings" in card and "![training loss" in card
    assert "No PROVENANCE.md beside" in card  # this test corpus has none: the card says so
    history = json.loads((model_dir / "pretrain.json").read_text())["log_history"]
    evaluated = [h["step"] for h in history if "eval_loss" in h]
    assert evaluated[0] == 0 and {4, 8} <= set(evaluated)  # the starting encoder, then every 4 steps
    model, info = AutoModelForTokenClassification.from_pretrained(model_dir, num_labels=3, output_loading_info=True)
    assert not [k for k in info["missing_keys"] if not k.startswith("classifier")]
    from safetensors.torch import load_file

    saved = load_file(model_dir / "model.safetensors")
    assert torch.equal(model.bert.embeddings.word_embeddings.weight, saved["bert.embeddings.word_embeddings.weight"])


def test_a_pretrained_directory_fine_tunes_with_train(pretrained, tmp_path, mini):

    from hadath.training import train

    metrics, _ = pretrained
    cfg = compose(
        "train",
        [
            f"paths.output_dir={tmp_path}",
            f"model.name_or_path={metrics['model']}",
            f"data.train={mini}",
            f"data.dev={mini}",
            "debug=fdr",
        ],
    )
    results = train(cfg)
    assert (tmp_path / "checkpoint" / "model.safetensors").is_file()
    assert "micro" in results["dev_report"]


def test_resume_after_a_kill_ends_where_an_uninterrupted_run_ends(pretrained, monkeypatch):
    from safetensors.torch import load_file

    from hadath import pretraining

    metrics, base = pretrained
    corpus = base / "corpus"

    def killed_at_step_6(self, args, state, control, **kwargs):
        if state.global_step == 6:
            raise KeyboardInterrupt("killed")
        return control

    with monkeypatch.context() as patch:
        patch.setattr(pretraining.TimeBudget, "on_step_end", killed_at_step_6)
        with pytest.raises(KeyboardInterrupt):
            pretraining.pretrain(pretrain_cfg(corpus, base / "killed"))
    assert not (base / "killed" / "model").exists()
    with pytest.raises(UserError, match="already holds a pre-training run .*resume=true"):
        pretraining.pretrain(pretrain_cfg(corpus, base / "killed"))
    resumed = pretraining.pretrain(pretrain_cfg(corpus, base / "killed", "resume=true"))
    assert resumed["steps"] == 8
    assert math.isclose(resumed["heldout_loss"], metrics["heldout_loss"], rel_tol=1e-4)
    whole, again = (load_file(Path(m["model"]) / "model.safetensors") for m in (metrics, resumed))
    assert all(torch.allclose(whole[k], again[k], atol=1e-5) for k in whole)


def test_resume_without_a_checkpoint_is_a_clear_error(tmp_path, corpus_dir):
    from hadath.pretraining import pretrain

    with pytest.raises(UserError, match="resume=true but .* holds no checkpoint"):
        pretrain(pretrain_cfg(corpus_dir, tmp_path / "new", "resume=true"))


def test_continue_mode_keeps_the_tokenizer_of_the_model_it_continues(pretrained, tmp_path, corpus_dir):
    from transformers import AutoTokenizer

    from hadath.pretraining import pretrain

    metrics, _ = pretrained
    out = pretrain(
        pretrain_cfg(corpus_dir, tmp_path / "dapt", f"model.name_or_path={metrics['model']}", "trainer.max_steps=2")
    )
    before, after = (AutoTokenizer.from_pretrained(m["model"]) for m in (metrics, out))
    assert before.get_vocab() == after.get_vocab()
    assert "continued" in (Path(out["model"]) / "README.md").read_text()
    assert not (tmp_path / "dapt" / "init").exists()


def test_skipgram_vectors_keep_their_geometry_in_the_embeddings(tokenizer):
    from transformers import BertConfig, BertModel

    from hadath.pretraining.skipgram import init_embeddings, skipgram_vectors

    texts = [r["text"] for r in news(30)]
    vectors = skipgram_vectors(texts, tokenizer, dim=16, epochs=1, window=3, seed=0, workers=1)
    model = BertModel(
        BertConfig(
            vocab_size=len(tokenizer), hidden_size=16, num_hidden_layers=1, num_attention_heads=2, intermediate_size=32
        )
    )
    assert init_embeddings(model, vectors) == len(vectors)
    weight = model.get_input_embeddings().weight.detach()
    ids = sorted(vectors)[:50]
    raw = torch.tensor(np.stack([vectors[i] for i in ids]))
    centred = raw - torch.tensor(np.stack(list(vectors.values()))).mean(0)
    cos = torch.nn.functional.cosine_similarity
    assert torch.allclose(cos(weight[ids[0]], weight[ids[1]], dim=0), cos(centred[0], centred[1], dim=0), atol=1e-4)


def test_random_replacements_are_never_special_tokens_wherever_the_model_keeps_them(tokenizer):
    import copy

    from hadath.pretraining.masking import MaskingCollator, pack

    late = copy.deepcopy(tokenizer)
    late.add_special_tokens({"additional_special_tokens": ["[LATE]"]})  # a special piece at the end (as XLM-R's <mask>)
    packed = pack([r["text"] for r in news(10)], late, 64, lambda t: t)
    rows = [dict(zip(packed, values)) for values in zip(*packed.values())]
    original = torch.tensor([r["input_ids"] for r in rows])
    collator = MaskingCollator(late, 0.9, whole_word=False, seed=0)
    batch = collator(rows)
    special = torch.tensor(late.all_special_ids)
    # the pool of random replacements is exactly the non-special pieces, the late one excluded
    assert set(collator.ordinary.tolist()) == set(range(len(late))) - set(late.all_special_ids)
    new_special = torch.isin(batch["input_ids"], special) & ~torch.isin(original, special)
    assert (batch["input_ids"][new_special] == late.mask_token_id).all()
    replaced = (batch["input_ids"] != original) & (batch["input_ids"] != late.mask_token_id)
    assert replaced.sum() > 20  # enough random replacements were drawn to show it
