"""Evaluate a checkpoint: python evaluate.py checkpoint=DIR [data.test=FILE]. See configs/evaluate.yaml."""

from hadath.cli import evaluate

if __name__ == "__main__":
    evaluate()
