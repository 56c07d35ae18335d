"""`pip install .` (not editable) gives working commands from any directory, configs included."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_an_installed_package_trains_and_evaluates_from_another_directory(tmp_path, mini):
    import shutil

    source, target = tmp_path / "source", tmp_path / "site"  # built from a copy: no build/ left in the checkout
    shutil.copytree(ROOT / "src", source / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(source)],
        check=True, capture_output=True,
    )  # fmt: skip
    shipped = {p.relative_to(target / "hadath" / "configs").as_posix() for p in (target / "hadath").rglob("*.yaml")}
    assert {"train.yaml", "model/tiny.yaml", "model/finetune/small.yaml", "schema/conflict-v1.yaml"} <= shipped
    env = dict(os.environ, PYTHONPATH=str(target), HF_HUB_OFFLINE="1")
    elsewhere = tmp_path / "work"
    elsewhere.mkdir()

    def command(name, *overrides):
        done = subprocess.run(
            [str(target / "bin" / name), *overrides], cwd=elsewhere, env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr[-2000:]
        return done

    data = [f"data.{split}={mini}" for split in ("train", "dev", "test")]
    command("hadath-train", "model=tiny", "task=events", "debug=fdr", *data, "hydra.run.dir=run")
    assert (elsewhere / "run" / "train.log").is_file() and (elsewhere / "run" / "checkpoint" / "hadath.json").is_file()
    command("hadath-evaluate", "checkpoint=run/checkpoint", "hydra.run.dir=eval")
    report = json.loads((elsewhere / "eval" / "report.json").read_text())
    assert report["documents"] == 6 and report["data"] == str(mini)
    misspelt = subprocess.run(
        [str(target / "bin" / "hadath-train"), "trainer.learning_rat=1"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
    )
    assert misspelt.returncode == 1 and "did you mean trainer.learning_rate?" in misspelt.stderr
