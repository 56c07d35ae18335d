"""Train a tagger: python train.py experiment=quickstart [key=value ...] (-m for sweeps). See configs/train.yaml."""

import hydra
from omegaconf import DictConfig

from hadath.config import CONFIG_DIR, check_overrides, user_errors


@hydra.main(version_base="1.3", config_path=str(CONFIG_DIR), config_name="train")
def main(cfg: DictConfig) -> float:
    from hadath.training import objective, train

    with user_errors():
        results = train(cfg)
        # What a Hydra sweeper optimises: `objective` (a dotted path) in the dev report.
        return objective(results.get("dev_report", {}), cfg.objective)


if __name__ == "__main__":
    check_overrides("train")
    main()
