"""Notebooks run top to bottom on the current code and data (their code cells, in order, in one namespace)."""

import json
import os
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))


@pytest.fixture(scope="module")
def tiny_evaluation(tmp_path_factory, _tiny_cache, mini):
    """An evaluation folder with mistakes in it: tiny, trained briefly on the mini documents."""
    from hadath.config import compose
    from hadath.evaluation import evaluate
    from hadath.training import train

    run = tmp_path_factory.mktemp("notebook-run")
    data = [f"data.{split}={mini}" for split in ("train", "dev")]
    train(
        compose(
            "train",
            [
                f"paths.output_dir={run}",
                "model=tiny",
                "task=events",
                *data,
                "debug=overfit",
                "trainer.num_train_epochs=12",
            ],
        )
    )
    out = run / "evaluate"
    evaluate(compose("evaluate", [f"checkpoint={run / 'checkpoint'}", f"data.test={mini}", f"paths.output_dir={out}"]))
    return out


@pytest.mark.slow
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_and_is_stored_without_outputs(notebook, monkeypatch, request):
    if notebook.name.startswith("02_"):  # reads an evaluation: a tiny run's
        monkeypatch.setenv("HADATH_EVALUATION", str(request.getfixturevalue("tiny_evaluation")))
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    code = [c for c in cells if c["cell_type"] == "code"]
    assert all(not c["outputs"] for c in code), "store notebooks without outputs"
    monkeypatch.chdir(notebook.parent)
    os.environ.setdefault("MPLBACKEND", "Agg")
    namespace: dict = {}
    for i, cell in enumerate(code):
        exec(compile("".join(cell["source"]), f"{notebook.name}[{i}]", "exec"), namespace)
