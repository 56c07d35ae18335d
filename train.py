"""Train a tagger: python train.py experiment=quickstart [key=value ...] (-m for sweeps). See configs/train.yaml."""

from hadath.cli import train

if __name__ == "__main__":
    train()
