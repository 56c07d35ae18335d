"""A word tagger: a token-classification model, its tokenizer and preprocessing, used on lists of words."""

from __future__ import annotations

from dataclasses import dataclass

import torch

from hadath.features import Preprocessing


@dataclass
class Tagger:
    model: object
    tokenizer: object
    prep: Preprocessing
    batch_size: int = 32

    @property
    def labels(self) -> list[str]:
        id2label = self.model.config.id2label
        return [id2label[i] for i in range(len(id2label))]

    @torch.no_grad()
    def distributions(self, word_lists: list[list[str]]) -> list[torch.Tensor]:
        """For each list of model words (normalised, as ``Preprocessing.model_words`` gives them, with any
        markers), a (words x labels) tensor of label probabilities from each word's first sub-token;
        a word with no sub-token in the window is ``O`` with probability 1."""
        self.model.eval()
        device = model_device(self.model)
        outside = self.labels.index("O")
        # Longest first, so each batch holds lists of similar length and little padding;
        # results come back in the order given.
        order = sorted(range(len(word_lists)), key=lambda i: -len(word_lists[i]))
        results: list = [None] * len(word_lists)
        for b in range(0, len(order), self.batch_size):
            chosen = order[b : b + self.batch_size]
            batch = [word_lists[i] for i in chosen]
            enc = self.tokenizer(
                batch,
                is_split_into_words=True,
                truncation=True,
                max_length=self.prep.max_length,
                padding=True,
                return_tensors="pt",
            )
            probs = self.model(**{k: v.to(device) for k, v in enc.items()}).logits.float().softmax(-1).cpu()
            for row, (index, words) in enumerate(zip(chosen, batch)):
                word_probs = torch.zeros(len(words), probs.shape[-1])
                word_probs[:, outside] = 1.0
                seen = set()
                for pos, wid in enumerate(enc.word_ids(row)):
                    if wid is None or wid in seen:
                        continue
                    seen.add(wid)
                    word_probs[wid] = probs[row, pos]
                results[index] = word_probs
        return results


def model_device(model) -> torch.device:
    """Where ``model`` runs: its ``device`` (transformers models, ONNX sessions), else its parameters'."""
    device = getattr(model, "device", None)
    return device if isinstance(device, torch.device) else next(model.parameters()).device
