"""Shared fixtures: configs composed once, forced to CPU and the tiny offline model, writing into tmp_path."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from hadath.schema import load_schema  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures"
MINI = FIXTURES / "mini.jsonl"


@pytest.fixture(scope="session", autouse=True)
def _tiny_cache(tmp_path_factory):
    """One tiny-model cache per test session, outside the user's own cache."""
    os.environ["HADATH_CACHE"] = str(tmp_path_factory.mktemp("hadath-cache"))


@pytest.fixture(scope="session")
def schema():
    return load_schema("conflict-v1")


@pytest.fixture(scope="session")
def mini() -> Path:
    """Six short annotated articles (tests/fixtures/mini.jsonl): the tiny model overfits them in seconds."""
    return MINI


@pytest.fixture(scope="session")
def trained(tmp_path_factory, _tiny_cache, mini):
    """Both taggers of the tiny model overfitted on the six mini documents (train = dev): (results, checkpoint)."""
    from hadath.config import compose
    from hadath.training import train

    out = tmp_path_factory.mktemp("run")
    cfg = compose(
        "train",
        [
            f"paths.output_dir={out}",
            "model=tiny",
            "task=events",
            "debug=overfit",
            f"data.train={mini}",
            f"data.dev={mini}",
            "trainer.per_device_train_batch_size=4",
        ],
    )
    return train(cfg), Path(out) / "checkpoint"
