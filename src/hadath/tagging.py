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
    def tag(self, word_lists: list[list[str]]) -> list[tuple[list[str], list[float]]]:
        """Label and probability of each word (from its first sub-token), for each list of words.

        Words the tokenizer turns into no sub-token (or that fall past the
        model's length) get ``O`` with probability 1.
        """
        self.model.eval()
        device = next(self.model.parameters()).device
        labels = self.labels
        results = []
        for i in range(0, len(word_lists), self.batch_size):
            batch = [[self.prep.normalize(w) for w in words] for words in word_lists[i : i + self.batch_size]]
            enc = self.tokenizer(
                batch,
                is_split_into_words=True,
                truncation=True,
                max_length=self.prep.max_length,
                padding=True,
                return_tensors="pt",
            )
            logits = self.model(**{k: v.to(device) for k, v in enc.items()}).logits
            probs, best = logits.float().softmax(-1).max(-1)
            for row, words in enumerate(batch):
                word_labels, word_scores = ["O"] * len(words), [1.0] * len(words)
                seen = set()
                for pos, wid in enumerate(enc.word_ids(row)):
                    if wid is None or wid in seen:
                        continue
                    seen.add(wid)
                    word_labels[wid] = labels[int(best[row, pos])]
                    word_scores[wid] = float(probs[row, pos])
                results.append((word_labels, word_scores))
        return results
