"""Events of one article: python predict.py checkpoint=DIR article=FILE.txt [format=html output=F]."""

from hadath.cli import predict

if __name__ == "__main__":
    predict()
