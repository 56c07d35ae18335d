"""ONNX export of a checkpoint's taggers, and dynamic int8 quantisation for CPUs.

    python -m hadath.export checkpoint=DIR                 # DIR/onnx/{triggers,arguments}.onnx and *.int8.onnx
    python predict.py checkpoint=DIR article=a.txt runtime=onnx        # or runtime=onnx-int8

Each tagger becomes one graph from the tokenizer's inputs (``input_ids``, ``attention_mask`` and,
for BERT, ``token_type_ids``; batch and length free) to per-token ``logits``. An argument tagger
that shares the trigger tagger's encoder is exported whole (encoder and role head), so the two
graphs each hold the encoder. Everything else (words, windows, normalisation, decoding) stays in
Python and is the same for every runtime: ``runtime=onnx`` swaps only the forward pass.

``onnx/export.json`` records the opset, the files and, measured at export on a few windows of
the checkpoint's own vocabulary, the largest logit difference from PyTorch for each graph.
"""

from __future__ import annotations

import json
from pathlib import Path

import torch
from transformers.modeling_outputs import TokenClassifierOutput

from hadath.errors import UserError
from hadath.io.atomic import atomic_write_text

OPSET = 17
RUNTIMES = ("torch", "onnx", "onnx-int8")


class _Logits(torch.nn.Module):
    """A tagger's model seen as a plain function from input tensors to logits (what ONNX records)."""

    def __init__(self, model, names: list[str]):
        super().__init__()
        self.model, self.names = model, names
        # A shared-encoder argument head keeps its encoder outside its own parameters; register it
        # here, so the graph stores the encoder's weights as weights rather than failing to trace them.
        self.borrowed = getattr(model, "host", None)

    def forward(self, *inputs):
        return self.model(**dict(zip(self.names, inputs))).logits


def _require(module: str) -> None:
    import importlib.util

    if importlib.util.find_spec(module) is None:
        raise UserError(f"ONNX export and runtime need {module}: pip install 'hadath[onnx]' (onnx, onnxruntime)")


def onnx_folder(checkpoint: str | Path, output: str | Path | None = None) -> Path:
    """Where the graphs of ``checkpoint`` go (``output``) or are looked for: ``checkpoint/onnx`` by default."""
    return Path(output) if output else Path(checkpoint) / "onnx"


def export(checkpoint: str | Path, output: str | Path | None = None, quantize: bool = True) -> dict:
    """Export the taggers of ``checkpoint`` to ``output`` (default ``checkpoint/onnx``); returns export.json's content."""
    _require("onnx")
    _require("onnxruntime")
    from hadath.inference import Extractor

    out = onnx_folder(checkpoint, output)
    out.mkdir(parents=True, exist_ok=True)
    extractor = Extractor.from_pretrained(checkpoint)
    record: dict = {"opset": OPSET, "graphs": {}}
    for stage, tagger in (("triggers", extractor.triggers), ("arguments", extractor.arguments)):
        if tagger is None:
            continue
        names = [
            n for n in tagger.tokenizer.model_input_names if n in ("input_ids", "attention_mask", "token_type_ids")
        ]
        sample = tagger.tokenizer(
            [["تجربة"] * 5, ["تجربة"] * 9], is_split_into_words=True, padding=True, return_tensors="pt"
        )
        inputs = tuple(sample[n] for n in names)
        path = out / f"{stage}.onnx"
        partial = path.with_suffix(".onnx.partial")
        model = _Logits(tagger.model, names).eval()
        axes = {n: {0: "batch", 1: "length"} for n in names} | {"logits": {0: "batch", 1: "length"}}
        with torch.no_grad():
            torch.onnx.export(
                model,
                inputs,
                str(partial),
                input_names=names,
                output_names=["logits"],
                dynamic_axes=axes,
                opset_version=OPSET,
                dynamo=False,
            )
        partial.replace(path)
        files = {"fp32": path.name}
        if quantize:
            from onnxruntime.quantization import QuantType, quantize_dynamic

            int8 = out / f"{stage}.int8.onnx"
            partial = int8.with_suffix(".onnx.partial")
            quantize_dynamic(str(path), str(partial), weight_type=QuantType.QInt8)
            partial.replace(int8)
            files["int8"] = int8.name
        with torch.no_grad():
            expected = model(*inputs).numpy()
        gaps = {}
        for kind, name in files.items():
            got = OnnxLogits(out / name, tagger.model.config).session.run(
                None, {n: t.numpy() for n, t in zip(names, inputs)}
            )[0]
            gaps[kind] = float(abs(got - expected).max())
        record["graphs"][stage] = {"inputs": names, "files": files, "max_logit_difference": gaps}
    atomic_write_text(out / "export.json", json.dumps(record, indent=2) + "\n")
    return record


class OnnxLogits:
    """Stands where a tagger's torch model stood: called with the tokenizer's tensors, gives ``.logits``."""

    device = torch.device("cpu")

    def __init__(self, path: Path, config):
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.log_severity_level = 3
        self.session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self.inputs = [i.name for i in self.session.get_inputs()]
        self.config = config

    def eval(self):
        return self

    def __call__(self, **encoded) -> TokenClassifierOutput:
        feeds = {name: encoded[name].numpy() for name in self.inputs}
        return TokenClassifierOutput(logits=torch.from_numpy(self.session.run(None, feeds)[0]))


def use_onnx(extractor, checkpoint: str | Path, runtime: str) -> None:
    """Swap the extractor's forward passes for the ONNX graphs exported beside ``checkpoint``."""
    if runtime not in RUNTIMES:
        raise UserError(f"runtime must be one of {', '.join(RUNTIMES)}, got {runtime!r}")
    if runtime == "torch":
        return
    _require("onnxruntime")
    folder = onnx_folder(checkpoint)
    record_file = folder / "export.json"
    if not record_file.is_file():
        raise UserError(
            f"runtime={runtime}: {folder} holds no export; run python -m hadath.export checkpoint={checkpoint}"
        )
    record = json.loads(record_file.read_text())
    kind = "int8" if runtime == "onnx-int8" else "fp32"
    for stage in ("triggers", "arguments"):
        tagger = getattr(extractor, stage)
        if tagger is None:
            continue
        graph = record["graphs"].get(stage, {}).get("files", {}).get(kind)
        if graph is None:
            raise UserError(
                f"runtime={runtime}: {record_file} has no {kind} graph for the {stage} tagger; export again"
            )
        tagger.model = OnnxLogits(folder / graph, tagger.model.config)


def main(cfg) -> dict:
    if cfg.format != "onnx":
        raise UserError(f"format must be onnx, got {cfg.format!r}")
    record = export(cfg.checkpoint, cfg.get("output"), quantize=bool(cfg.quantize))
    out = onnx_folder(cfg.checkpoint, cfg.get("output"))
    for stage, graph in record["graphs"].items():
        gaps = ", ".join(f"{k} {v:.2e}" for k, v in graph["max_logit_difference"].items())
        print(f"{stage}: {', '.join(graph['files'].values())} (largest logit difference from PyTorch: {gaps})")
    print(f"written to {out}")
    return record


if __name__ == "__main__":
    from hadath.cli import export as _command

    _command()
