"""Notebooks run top to bottom on the current code and data (their code cells, in order, in one namespace)."""

import json
import os
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))


@pytest.mark.slow
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_and_is_stored_without_outputs(notebook, monkeypatch):
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    code = [c for c in cells if c["cell_type"] == "code"]
    assert all(not c["outputs"] for c in code), "store notebooks without outputs"
    monkeypatch.chdir(notebook.parent)
    os.environ.setdefault("MPLBACKEND", "Agg")
    namespace: dict = {}
    for i, cell in enumerate(code):
        exec(compile("".join(cell["source"]), f"{notebook.name}[{i}]", "exec"), namespace)
