"""The commands, for the console entry points (``hadath-train`` …) and the scripts (``train.py`` …).

Each takes Hydra overrides (``key=value``, ``group=option``, ``-m`` for sweeps) and reads the
configs shipped in the package (``hadath/configs``). A misspelt key is refused first, naming
the key it most likely meant (``config.check_overrides``).
"""

from __future__ import annotations

import hydra
from omegaconf import DictConfig

from hadath.config import CONFIG_DIR, check_overrides, user_errors


@hydra.main(version_base="1.3", config_path=str(CONFIG_DIR), config_name="train")
def _train(cfg: DictConfig) -> float | None:
    from hadath.training import objective, train

    with user_errors():
        results = train(cfg)
        if "dev_report" not in results:
            return None  # a secondary process of a distributed run: rank 0 writes and reports
        # What a Hydra sweeper optimises: `objective` (a dotted path) in the dev report.
        return objective(results["dev_report"], cfg.objective)


@hydra.main(version_base="1.3", config_path=str(CONFIG_DIR), config_name="evaluate")
def _evaluate(cfg: DictConfig) -> None:
    from hadath.evaluation import evaluate

    with user_errors():
        evaluate(cfg)


@hydra.main(version_base="1.3", config_path=str(CONFIG_DIR), config_name="predict")
def _predict(cfg: DictConfig) -> None:
    from hadath.prediction import predict

    with user_errors():
        predict(cfg)


@hydra.main(version_base="1.3", config_path=str(CONFIG_DIR), config_name="pretrain")
def _pretrain(cfg: DictConfig) -> float:
    from hadath.pretraining import pretrain

    with user_errors():
        metrics = pretrain(cfg)
    return metrics["heldout_perplexity"]


@hydra.main(version_base="1.3", config_path=str(CONFIG_DIR), config_name="preannotate")
def _preannotate(cfg: DictConfig) -> None:
    from hadath.preannotate import preannotate as run

    with user_errors():
        run(cfg)


@hydra.main(version_base="1.3", config_path=str(CONFIG_DIR), config_name="serve")
def _serve(cfg: DictConfig) -> None:
    from hadath.serve import serve as run

    with user_errors():
        run(cfg)


@hydra.main(version_base="1.3", config_path=str(CONFIG_DIR), config_name="export")
def _export(cfg: DictConfig) -> None:
    from hadath.export import main as run

    with user_errors():
        run(cfg)


def train() -> None:
    """``hadath-train``: fine-tune the taggers (configs/train.yaml)."""
    check_overrides("train")
    _train()


def evaluate() -> None:
    """``hadath-evaluate``: score a checkpoint on a test split (configs/evaluate.yaml)."""
    check_overrides("evaluate")
    _evaluate()


def predict() -> None:
    """``hadath-predict``: the events of one article (configs/predict.yaml)."""
    check_overrides("predict")
    _predict()


def pretrain() -> None:
    """``hadath-pretrain``: masked-language-model pre-training (configs/pretrain.yaml)."""
    check_overrides("pretrain")
    _pretrain()


def preannotate() -> None:
    """``hadath-preannotate`` / ``python -m hadath.preannotate``: predictions for annotators (configs/preannotate.yaml)."""
    check_overrides("preannotate")
    _preannotate()


def serve() -> None:
    """``hadath-serve`` / ``python -m hadath.serve``: an HTTP service over a checkpoint (configs/serve.yaml)."""
    check_overrides("serve")
    _serve()


def export() -> None:
    """``hadath-export`` / ``python -m hadath.export``: ONNX graphs of a checkpoint's taggers (configs/export.yaml)."""
    check_overrides("export")
    _export()
