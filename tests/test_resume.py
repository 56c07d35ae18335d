"""train.py resume=true after a SIGKILL: the run continues from its last epoch checkpoint and ends
with the dev metrics of an uninterrupted run with the same seed."""

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TOLERANCE = 1e-4  # dev F1; CPU training with the same seed and batches is deterministic in practice


def command(mini, run: Path, *extra: str) -> list[str]:
    return [
        sys.executable,
        "train.py",
        "model=tiny",
        "task=triggers",
        f"data.train={mini}",
        f"data.dev={mini}",
        f"data.test={mini}",
        "trainer.num_train_epochs=12",
        "trainer.per_device_train_batch_size=2",
        "trainer.learning_rate=3e-3",
        f"hydra.run.dir={run}",
        *extra,
    ]


def env() -> dict:
    return dict(os.environ, HF_HUB_OFFLINE="1", TOKENIZERS_PARALLELISM="false")


def dev_f1(run: Path) -> float:
    return json.loads((run / "checkpoint" / "dev_report.json").read_text())["micro"]["f1"]


@pytest.mark.slow
def test_a_killed_run_resumes_and_ends_like_an_uninterrupted_one(mini, tmp_path):
    whole = tmp_path / "whole"
    done = subprocess.run(command(mini, whole), cwd=ROOT, env=env(), capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-2000:]

    killed = tmp_path / "killed"
    died = subprocess.run(
        [
            sys.executable,
            str(ROOT / "tests" / "fixtures" / "train_killed_mid_epoch.py"),
            "3",
            *command(mini, killed)[2:],
        ],
        cwd=ROOT,
        env=env(),
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert died.returncode == -signal.SIGKILL, died.stderr[-2000:]
    assert not (killed / "checkpoint").exists()
    epochs_done = json.loads(next((killed / "trainer").glob("*/checkpoint-*/trainer_state.json")).read_text())["epoch"]
    assert epochs_done == 3

    again = subprocess.run(command(mini, killed), cwd=ROOT, env=env(), capture_output=True, text=True, timeout=300)
    assert again.returncode == 1
    assert "holds the checkpoints of an interrupted run" in again.stderr and "resume=true continues it" in again.stderr

    resumed = subprocess.run(
        command(mini, killed, "resume=true"), cwd=ROOT, env=env(), capture_output=True, text=True, timeout=900
    )
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert "resume: continuing from" in (killed / "train.log").read_text()
    assert abs(dev_f1(killed) - dev_f1(whole)) <= TOLERANCE
    history = json.loads((killed / "training_history.json").read_text())
    assert max(e["epoch"] for e in history["triggers"] if "epoch" in e) == 12  # the whole schedule, once
    assert not (killed / "trainer").exists()  # the Trainer's folders go once the checkpoint is written


def test_resume_without_an_interrupted_run_is_refused(mini, tmp_path):
    done = subprocess.run(
        command(mini, tmp_path / "empty", "resume=true"),
        cwd=ROOT,
        env=env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 1 and "resume=true but" in done.stderr and "holds no interrupted run" in done.stderr
