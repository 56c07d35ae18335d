"""Train a tagger: python train.py experiment=quickstart [key=value ...] (-m for sweeps). See configs/train.yaml."""

import hydra
from omegaconf import DictConfig

from hadath.config import CONFIG_DIR, check_overrides, user_errors


@hydra.main(version_base="1.3", config_path=str(CONFIG_DIR), config_name="train")
def main(cfg: DictConfig) -> float:
    from hadath.training import train

    with user_errors():
        results = train(cfg)
    # The returned value is what a Hydra sweeper optimises: the best dev trigger micro-F1.
    return results.get("dev_report", {}).get("micro", {}).get("f1", 0.0)


if __name__ == "__main__":
    check_overrides("train")
    main()
