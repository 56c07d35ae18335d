"""One encoder for both taggers (``arguments.shared_encoder=true``): a second head, and joint training.

The trigger tagger is an ordinary token classifier (encoder + trigger head). The argument
tagger becomes a ``SecondHead``: a linear role head over the same encoder's hidden states,
holding no encoder of its own. A checkpoint then stores the encoder once, in the trigger
tagger; ``arguments/model.safetensors`` holds only the role head, and loading attaches it to
the trigger tagger's encoder, so the encoder sits in memory once.

``JointTagger`` is what the Trainer fits: trigger rows and argument rows (the argument rows
carry the trigger markers) mixed in one data set, each row's loss from its own head.
"""

from __future__ import annotations

import copy
from pathlib import Path

import torch
from torch import nn
from transformers.modeling_outputs import TokenClassifierOutput

from hadath.checkpoint import CheckpointError, require_safetensors, verify_weights

TRIGGERS, ARGUMENTS = 0, 1  # the ``task`` column of a joint training row


def encoder_of(host) -> nn.Module:
    """The encoder inside a token classifier (``model.bert``, ``model.roberta``, ...)."""
    encoder = getattr(host, getattr(host, "base_model_prefix", ""), None)
    if encoder is None or not hasattr(host, "dropout") or not hasattr(host, "classifier"):
        raise CheckpointError(
            f"{type(host).__name__} has no encoder/dropout/classifier layout; "
            "arguments.shared_encoder=true works with BERT- and RoBERTa-style token classifiers"
        )
    return encoder


class SecondHead(nn.Module):
    """A token classifier that borrows ``host``'s encoder and has only its own linear head.

    The host is kept out of this module's parameters and state dict: saving this module saves
    the head alone, and the encoder is never duplicated in memory or on disk.
    """

    def __init__(self, host, labels: list[str]):
        super().__init__()
        self._host = [host]  # a list, so nn.Module does not register the host as a submodule
        encoder_of(host)
        self.classifier = nn.Linear(host.config.hidden_size, len(labels))
        nn.init.normal_(self.classifier.weight, std=getattr(host.config, "initializer_range", 0.02))
        nn.init.zeros_(self.classifier.bias)
        self.config = copy.deepcopy(host.config)
        self.config.id2label = dict(enumerate(labels))
        self.config.label2id = {label: i for i, label in enumerate(labels)}
        self.num_labels = len(labels)

    @property
    def host(self):
        return self._host[0]

    def hidden(self, input_ids, attention_mask=None, token_type_ids=None) -> torch.Tensor:
        """The shared encoder's last hidden states, after the host's dropout."""
        kwargs = {"attention_mask": attention_mask}
        if token_type_ids is not None:
            kwargs["token_type_ids"] = token_type_ids
        return self.host.dropout(encoder_of(self.host)(input_ids=input_ids, **kwargs)[0])

    def forward(self, input_ids, attention_mask=None, token_type_ids=None, **_) -> TokenClassifierOutput:
        return TokenClassifierOutput(logits=self.classifier(self.hidden(input_ids, attention_mask, token_type_ids)))

    @classmethod
    def load(cls, host, folder: Path, labels: list[str]) -> SecondHead:
        """The role head saved in ``folder`` (``model.safetensors``), on ``host``'s encoder; refused when it
        does not fit (missing, other tensors, or another hidden size)."""
        from safetensors.torch import load_file

        head = cls(host, labels)
        verify_weights(folder, head, labels)
        weights = load_file(str(require_safetensors(folder)))
        head.load_state_dict(weights)
        return head.to(next(host.parameters()).device)


class JointTagger(nn.Module):
    """Trigger tagger plus a role head on its encoder, for the Trainer: one forward, each row's loss
    from the head its ``task`` names. ``o_weight`` weights the role head's ``O`` label."""

    def __init__(self, triggers, role_labels: list[str], o_weight: float = 1.0):
        super().__init__()
        self.triggers = triggers
        self.roles = SecondHead(triggers, role_labels)
        weight = torch.ones(len(role_labels))
        weight[role_labels.index("O")] = o_weight
        self.register_buffer("role_weight", weight, persistent=False)

    def forward(
        self, input_ids, attention_mask=None, token_type_ids=None, labels=None, task=None, num_items_in_batch=None
    ) -> TokenClassifierOutput:
        hidden = self.roles.hidden(input_ids, attention_mask, token_type_ids)
        trigger_logits = self.triggers.classifier(hidden)
        loss = None
        if labels is not None:
            is_role = (task == ARGUMENTS)[:, None].expand_as(labels)
            ignore = torch.full_like(labels, -100)
            flat = dict(reduction="sum", ignore_index=-100)
            loss = nn.functional.cross_entropy(
                trigger_logits.flatten(0, 1), torch.where(is_role, ignore, labels).flatten(), **flat
            ) + nn.functional.cross_entropy(
                self.roles.classifier(hidden).flatten(0, 1),
                torch.where(is_role, labels, ignore).flatten(),
                weight=self.role_weight,
                **flat,
            )
            count = num_items_in_batch if num_items_in_batch is not None else (labels != -100).sum()
            loss = loss / count
        # The Trainer's evaluation loop collects these; dev scores come from whole documents instead.
        return TokenClassifierOutput(loss=loss, logits=trigger_logits)


def parameter_count(*models) -> int:
    """Parameters held in memory by ``models`` together, each shared tensor counted once."""
    seen: dict[int, int] = {}
    for model in models:
        if model is None:
            continue
        for module in (model, getattr(model, "host", None)):
            if module is not None:
                for p in module.parameters():
                    seen[p.data_ptr()] = p.numel()
    return sum(seen.values())
