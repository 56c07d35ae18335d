"""The tiny offline model is built deterministically for a seed, and built once."""

import os

from safetensors.torch import load_file

from hadath.modeling import build_tiny

TEXTS = ["استهدفت خلايا داعش نقطة عسكرية بريف دير الزور.", "وأصيب ٣ مدنيين بجروح في قصف مدفعي على القرية."]


def test_same_seed_same_model_in_another_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("HADATH_CACHE", str(tmp_path / "a"))
    first = build_tiny(TEXTS, vocab_size=200, seed=3)
    monkeypatch.setenv("HADATH_CACHE", str(tmp_path / "b"))
    second = build_tiny(TEXTS, vocab_size=200, seed=3)
    assert first.is_relative_to(tmp_path / "a") and second.is_relative_to(tmp_path / "b")
    assert (first / "tokenizer.json").read_text() == (second / "tokenizer.json").read_text()
    a, b = load_file(first / "model.safetensors"), load_file(second / "model.safetensors")
    assert a.keys() == b.keys() and all((a[k] == b[k]).all() for k in a)


def test_built_once_and_a_new_seed_gives_new_weights(tmp_path, monkeypatch):
    monkeypatch.setenv("HADATH_CACHE", str(tmp_path))
    first = build_tiny(TEXTS, vocab_size=200, seed=3)
    stamp = os.stat(first / "model.safetensors").st_mtime_ns
    assert build_tiny(TEXTS, vocab_size=200, seed=3) == first
    assert os.stat(first / "model.safetensors").st_mtime_ns == stamp  # the cached build was reused
    other = build_tiny(TEXTS, vocab_size=200, seed=4)
    key = "embeddings.word_embeddings.weight"
    assert not (load_file(first / "model.safetensors")[key] == load_file(other / "model.safetensors")[key]).all()


def test_building_the_model_leaves_the_callers_seeded_stream_alone(tmp_path, monkeypatch):
    """Training seeds, then builds the tiny model on a cold cache: the first run must train like later ones."""
    import torch

    monkeypatch.setenv("HADATH_CACHE", str(tmp_path))
    torch.manual_seed(11)
    expected = torch.rand(4)
    torch.manual_seed(11)
    build_tiny(TEXTS, vocab_size=200, seed=3)  # a cold cache: built here
    assert torch.equal(torch.rand(4), expected)
