"""Pre-train an encoder (MLM): python pretrain.py [model=scratch|arabert-v02] [key=value ...]. See configs/pretrain.yaml."""

import hydra
from omegaconf import DictConfig

from hadath.config import CONFIG_DIR, check_overrides, user_errors


@hydra.main(version_base="1.3", config_path=str(CONFIG_DIR), config_name="pretrain")
def main(cfg: DictConfig) -> float:
    from hadath.pretraining import pretrain

    with user_errors():
        metrics = pretrain(cfg)
    return metrics["heldout_perplexity"]


if __name__ == "__main__":
    check_overrides("pretrain")
    main()
