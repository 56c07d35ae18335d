"""Masked-language-model inputs and loss: packed sequences, (whole-word) masking, a head run only where masked.

``pack`` turns a batch of documents into fixed-length sequences (documents joined by
``[SEP]``, ``[CLS]`` … ``[SEP]`` around each sequence) with a ``word_start`` flag per
token. ``MaskingCollator`` chooses the tokens to predict; ``predict_masked_only`` makes
a ``*ForMaskedLM`` model run its vocabulary projection on those positions alone (the
projection over a 24k vocabulary costs more than the encoder itself when run on every
position), while its weights stay those of the standard class.
"""

from __future__ import annotations

import types

import torch
import torch.nn.functional as F

from hadath.errors import UserError

IGNORE = -100


def pack(texts: list[str], tokenizer, seq_length: int, normalize) -> dict[str, list[list[int]]]:
    """Fixed-length sequences from ``texts``; the tail that does not fill one is dropped."""
    body = seq_length - 2
    encoded = tokenizer([normalize(t) for t in texts], add_special_tokens=False)
    ids: list[int] = []
    starts: list[int] = []
    for index in range(len(texts)):
        words = encoded.word_ids(index)
        ids.extend(encoded["input_ids"][index] + [tokenizer.sep_token_id])
        starts.extend([int(i == 0 or w != words[i - 1]) for i, w in enumerate(words)] + [1])
    out: dict[str, list[list[int]]] = {"input_ids": [], "word_start": []}
    for at in range(0, len(ids) - body + 1, body):
        out["input_ids"].append([tokenizer.cls_token_id] + ids[at : at + body] + [tokenizer.sep_token_id])
        out["word_start"].append([1] + [1] + starts[at + 1 : at + body] + [1])
    return out


class MaskingCollator:
    """Batches of packed sequences with ``probability`` of their tokens (or whole words) to predict.

    The chosen tokens become ``[MASK]`` 80% of the time, a random token 10%, themselves 10%.
    Masks come from the collator's own generator, seeded once: the same batches get the
    same masks on every run, and a resumed run (which replays the batches it skips) too.
    """

    def __init__(self, tokenizer, probability: float = 0.15, whole_word: bool = True, seed: int = 0):
        if not 0 < probability < 1:
            raise UserError(f"mlm.mask_probability must be between 0 and 1, not {probability}")
        self.mask_id = tokenizer.mask_token_id
        self.special = torch.tensor(sorted(set(tokenizer.all_special_ids)))
        # random replacements come from the ordinary pieces, wherever a model keeps its special ones
        # (XLM-R puts <mask> last): never [MASK], [PAD] or [CLS] by chance
        everything = torch.arange(len(tokenizer))
        self.ordinary = everything[~torch.isin(everything, self.special)]
        self.probability = probability
        self.whole_word = whole_word
        self.seed = seed
        self.generator = torch.Generator().manual_seed(seed)

    def __call__(self, rows: list[dict]) -> dict[str, torch.Tensor]:
        if "labels" in rows[0]:  # masked already (the held-out set, masked once for all evaluations)
            return {key: torch.tensor([row[key] for row in rows]) for key in ("input_ids", "attention_mask", "labels")}
        ids = torch.tensor([row["input_ids"] for row in rows])
        starts = torch.tensor([row["word_start"] for row in rows], dtype=torch.bool)
        chosen = self.choose(ids, starts)
        labels = torch.where(chosen, ids, torch.full_like(ids, IGNORE))
        draw = torch.rand(ids.shape, generator=self.generator)
        inputs = torch.where(chosen & (draw < 0.8), torch.full_like(ids, self.mask_id), ids)
        random_ids = self.ordinary[torch.randint(len(self.ordinary), ids.shape, generator=self.generator)]
        inputs = torch.where(chosen & (draw >= 0.8) & (draw < 0.9), random_ids, inputs)
        return {"input_ids": inputs, "attention_mask": torch.ones_like(ids), "labels": labels}

    def choose(self, ids: torch.Tensor, starts: torch.Tensor) -> torch.Tensor:
        """Which positions to predict: tokens, or every piece of the chosen words."""
        maskable = ~torch.isin(ids, self.special)
        draw = torch.rand(ids.shape, generator=self.generator) < self.probability
        if not self.whole_word:
            return draw & maskable
        word = starts.long().cumsum(dim=1)  # the word each position belongs to
        picked = torch.zeros(ids.shape[0], ids.shape[1] + 1)
        picked.scatter_reduce_(1, word, (draw & starts).float(), reduce="amax")
        return picked.gather(1, word).bool() & maskable


# The module(s) that map hidden states to vocabulary logits, by model family.
MLM_HEADS = {
    "bert": ("cls",),
    "roberta": ("lm_head",),
    "xlm-roberta": ("lm_head",),
    "camembert": ("lm_head",),
    "electra": ("generator_predictions", "generator_lm_head"),
}


def predict_masked_only(model) -> None:
    """Make ``model`` (a ``*ForMaskedLM``) compute logits and loss at the labelled positions only.

    The forward is replaced on this instance alone; weights, ``save_pretrained`` and the
    class are untouched, so what is saved loads as the standard model.
    """
    family = model.config.model_type
    if family not in MLM_HEADS:
        raise UserError(f"pre-training supports model families {sorted(MLM_HEADS)}, not {family!r}")
    head = torch.nn.Sequential(*(getattr(model, name) for name in MLM_HEADS[family]))
    encoder = model.base_model

    def forward(self, input_ids, attention_mask=None, labels=None, token_type_ids=None, **_):
        hidden = encoder(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)[0]
        keep = labels != IGNORE
        logits = head(hidden[keep])
        loss = F.cross_entropy(logits.float(), labels[keep]) if keep.any() else hidden.sum() * 0
        return {"loss": loss}

    model.forward = types.MethodType(forward, model)
