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
        # One tokenizer call for all lists, then batches of similar sub-token length (longest first)
        # padded to their own longest: little padding. Results come back in the order given.
        enc = self.tokenizer(word_lists, is_split_into_words=True, truncation=True, max_length=self.prep.max_length)
        ids = enc["input_ids"]
        typed = "token_type_ids" in enc
        order = sorted(range(len(word_lists)), key=lambda i: -len(ids[i]))
        pad = self.tokenizer.pad_token_id
        results: list = [None] * len(word_lists)
        for b in range(0, len(order), self.batch_size):
            chosen = order[b : b + self.batch_size]
            width = len(ids[chosen[0]])
            input_ids = torch.full((len(chosen), width), pad, dtype=torch.long)
            mask = torch.zeros((len(chosen), width), dtype=torch.long)
            for row, i in enumerate(chosen):
                input_ids[row, : len(ids[i])] = torch.tensor(ids[i])
                mask[row, : len(ids[i])] = 1
            inputs = {"input_ids": input_ids, "attention_mask": mask}
            if typed:
                inputs["token_type_ids"] = torch.zeros_like(input_ids)
            probs = self.model(**{k: v.to(device) for k, v in inputs.items()}).logits.float().softmax(-1).cpu()
            for row, index in enumerate(chosen):
                word_probs = torch.zeros(len(word_lists[index]), probs.shape[-1])
                word_probs[:, outside] = 1.0
                firsts, wids, previous = [], [], None
                for pos, wid in enumerate(enc.word_ids(index)):
                    if wid is not None and wid != previous:
                        firsts.append(pos)
                        wids.append(wid)
                    previous = wid
                if firsts:
                    word_probs[wids] = probs[row, firsts]
                results[index] = word_probs
        return results


def model_device(model) -> torch.device:
    """Where ``model`` runs: its ``device`` (transformers models, ONNX sessions), else its parameters'."""
    device = getattr(model, "device", None)
    return device if isinstance(device, torch.device) else next(model.parameters()).device
