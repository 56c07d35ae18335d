"""Token embeddings initialised from skip-gram vectors trained on the same corpus and tokenizer.

Minutes of word2vec on CPU give every vocabulary piece a vector that already places it
near the pieces it co-occurs with; an encoder started from them leaves the unigram
plateau of masked-language-model training far sooner than one started at random.
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

import numpy as np
import torch

from hadath.errors import UserError

log = logging.getLogger(__name__)


def write_token_corpus(texts, tokenizer, out: Path, progress: bool = True) -> int:
    """One line per document of its WordPiece tokens, space-separated; returns the token count."""
    from tqdm.auto import tqdm

    count = 0
    with open(out, "w", encoding="utf-8") as f:
        batch: list[str] = []
        for text in tqdm(texts, desc="tokenise for skip-gram", unit=" docs", disable=not progress):
            batch.append(text)
            if len(batch) == 256:
                count += _write_batch(batch, tokenizer, f)
                batch = []
        count += _write_batch(batch, tokenizer, f)
    return count


def _write_batch(batch: list[str], tokenizer, f) -> int:
    if not batch:
        return 0
    count = 0
    for ids in tokenizer(batch, add_special_tokens=False)["input_ids"]:
        f.write(" ".join(map(str, ids)) + "\n")
        count += len(ids)
    return count


def skipgram_vectors(texts, tokenizer, dim: int, epochs: int, window: int, seed: int, workers: int) -> dict[int, list]:
    """Token id → skip-gram vector of size ``dim``, for every id seen in ``texts``."""
    try:
        from gensim.models import Word2Vec
    except ImportError:
        raise UserError("mlm.embeddings_init=skipgram needs gensim: pip install 'hadath[pretrain]'") from None
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "tokens.txt"
        tokens = write_token_corpus(texts, tokenizer, corpus)
        log.info("skip-gram: %d tokens, %d epochs, window %d, %d dimensions", tokens, epochs, window, dim)
        model = Word2Vec(
            corpus_file=str(corpus),
            vector_size=dim,
            window=window,
            min_count=1,
            sg=1,
            negative=5,
            epochs=epochs,
            seed=seed,
            workers=workers,
        )
    return {int(token): model.wv[token] for token in model.wv.index_to_key}


def init_embeddings(model, vectors: dict[int, list]) -> int:
    """Copy ``vectors`` into ``model``'s input embeddings, rescaled to the random init's spread.

    Returns how many rows were set; the others (special tokens, unseen pieces) keep their random values.
    """
    weight = model.get_input_embeddings().weight
    if not vectors:
        return 0
    ids = torch.tensor(sorted(vectors))
    values = torch.from_numpy(np.stack([vectors[i] for i in ids.tolist()])).to(weight.dtype)
    values = values - values.mean(dim=0)
    values = values * (weight.std() / values.std())
    with torch.no_grad():
        weight[ids] = values
    return len(ids)
