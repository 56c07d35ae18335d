"""Events of one article: python predict.py checkpoint=DIR article=FILE.txt [format=html output=F]."""

import hydra
from omegaconf import DictConfig

from hadath.config import CONFIG_DIR, check_overrides, user_errors


@hydra.main(version_base="1.3", config_path=str(CONFIG_DIR), config_name="predict")
def main(cfg: DictConfig) -> None:
    from hadath.prediction import predict

    with user_errors():
        predict(cfg)


if __name__ == "__main__":
    check_overrides("predict")
    main()
