"""Evaluate a checkpoint: python evaluate.py checkpoint=DIR [data.test=FILE]. See configs/evaluate.yaml."""

import hydra
from omegaconf import DictConfig

from hadath.config import CONFIG_DIR, check_overrides, user_errors


@hydra.main(version_base="1.3", config_path=str(CONFIG_DIR), config_name="evaluate")
def main(cfg: DictConfig) -> None:
    from hadath.evaluation import evaluate

    with user_errors():
        evaluate(cfg)


if __name__ == "__main__":
    check_overrides("evaluate")
    main()
