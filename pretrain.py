"""Pre-train an encoder (MLM): python pretrain.py [model=scratch|arabert-v02] [key=value ...]. See configs/pretrain.yaml."""

from hadath.cli import pretrain

if __name__ == "__main__":
    pretrain()
