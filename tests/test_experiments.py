"""Every experiment config runs (two steps), and token-level data goes through the same entry points."""

import json
from pathlib import Path

import pytest

from hadath.config import compose
from hadath.evaluation import evaluate
from hadath.training import train

ROOT = Path(__file__).resolve().parents[1]
EXPERIMENTS = sorted(p.stem for p in (ROOT / "configs" / "experiment").glob("*.yaml"))
AQMAR = ROOT / "annotations" / "external" / "aqmar"


@pytest.mark.slow
@pytest.mark.parametrize("experiment", EXPERIMENTS)
def test_every_experiment_runs_two_steps(experiment, tmp_path):
    from hadath.training import load_splits

    cfg = compose("train", [f"experiment={experiment}", "debug=fdr", f"paths.output_dir={tmp_path}"])
    train(cfg)
    report = json.loads((tmp_path / "checkpoint" / "dev_report.json").read_text())
    if cfg.data.format == "conll":
        assert report["documents"] >= 1 and report["per_label"]
    else:  # the whole dev split was evaluated, on the schema's labels
        _, splits = load_splits(cfg)
        assert report["documents"] == len(splits["dev"])
        assert set(report["per_label"]) <= set(cfg.schema.event_types)


def test_conll_data_trains_and_evaluates_with_labels_from_the_data(tmp_path):
    train_file, dev_file, test_file = (AQMAR / f"{name}.txt" for name in ("Razi", "Light", "Damascus"))
    opts = ["data.options.malformed=map", "data.options.tag_map=aqmar"]
    train(
        compose(
            "train",
            [
                "data=conll",
                f"data.train={train_file}",
                f"data.dev={dev_file}",
                f"data.test={test_file}",
                "model=tiny",
                "debug=fdr",
                f"paths.output_dir={tmp_path / 'run'}",
                *opts,
            ],
        )
    )
    meta = json.loads((tmp_path / "run" / "checkpoint" / "hadath.json").read_text())
    assert meta["data_format"] == "conll" and meta["data_options"]["tag_map"] == "aqmar"
    assert set(meta["schema"]["event_types"]) <= {"PER", "LOC", "ORG", "MIS"}
    # the checkpoint remembers its format and reader options: only the file is given
    report = evaluate(
        compose(
            "evaluate",
            [
                f"checkpoint={tmp_path / 'run' / 'checkpoint'}",
                f"data.test={test_file}",
                f"paths.output_dir={tmp_path / 'eval'}",
            ],
        )
    )
    assert report["label_kind"] == "span label"
    assert report["micro"]["support"] > 0
    words = [line.split() for line in (tmp_path / "eval" / "predictions.conll").read_text().splitlines() if line]
    assert all(len(w) == 3 for w in words) and {w[1][2:] for w in words if w[1] != "O"} <= {"PER", "LOC", "ORG", "MIS"}


def test_a_downloaded_model_directory_stands_in_for_the_hub_id(tmp_path):
    from hadath.io import read_jsonl
    from hadath.modeling import build_tiny

    mini = ROOT / "tests" / "fixtures" / "mini.jsonl"
    local = build_tiny([d.text for d in read_jsonl(mini)], vocab_size=300)  # any BERT folder on disk
    overrides = [
        "model=arabert-v02",
        f"model.name_or_path={local}",
        "debug=fdr",
        f"data.train={mini}",
        f"data.dev={mini}",
        f"paths.output_dir={tmp_path}",
    ]
    train(compose("train", overrides))
    meta = json.loads((tmp_path / "checkpoint" / "hadath.json").read_text())
    assert meta["base_model"] == str(local) and meta["preprocessing"]["max_length"] == 256


def test_evaluate_without_data_uses_the_checkpoints_own_test_split(tmp_path):
    mini = ROOT / "tests" / "fixtures" / "mini.jsonl"
    base = [f"data.train={mini}", f"data.dev={mini}", f"data.test={mini}", "model=tiny", "debug=fdr"]
    train(compose("train", [*base, f"paths.output_dir={tmp_path / 'run'}"]))
    report = evaluate(
        compose("evaluate", [f"checkpoint={tmp_path / 'run' / 'checkpoint'}", f"paths.output_dir={tmp_path / 'eval'}"])
    )
    assert report["data"] == str(mini) and report["documents"] == 6


def test_each_model_brings_its_own_fine_tuning_defaults_and_the_command_line_wins():
    lr = {m: compose("train", [f"model={m}"]).trainer.learning_rate for m in ("tiny", "news-small", "arabert-v02")}
    assert lr == {"tiny": 1.0e-3, "news-small": 3.0e-4, "arabert-v02": 5.0e-5}
    assert compose("train", ["model=tiny", "trainer.learning_rate=0.01"]).trainer.learning_rate == 0.01
    assert compose("train", ["experiment=aqmar-tiny"]).trainer.num_train_epochs == 8


def test_a_run_that_learned_nothing_says_so_loudly(tmp_path, caplog, monkeypatch):
    from hadath import training

    mini = ROOT / "tests" / "fixtures" / "mini.jsonl"
    cfg = compose(
        "train",
        [
            f"data.train={mini}",
            f"data.dev={mini}",
            "model=tiny",
            "debug=fdr",
            "trainer.learning_rate=1e-9",
            "task=events",
            f"paths.output_dir={tmp_path}",
        ],
    )
    # what the dev report of an untrained tagger says (a random one can hit a span by chance)
    nothing = {"micro": {"f1": 0.0}, "roles": {"micro": {"f1": 0.0}}}
    assert training.learned_nothing({"micro": {"f1": 0.4}, "roles": {"micro": {"f1": 0.1}}}, cfg) == []
    monkeypatch.setattr(training, "dev_report", lambda *args: nothing)
    with caplog.at_level("WARNING", logger="hadath.training"):
        training.train(cfg)
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING" and "NOTHING" in r.getMessage()]
    assert [w.split(":")[0] for w in warnings] == [
        "THE TRIGGER TAGGER LEARNED NOTHING",
        "THE ARGUMENT TAGGER LEARNED NOTHING",
    ]
    assert "learning rate 1e-09" in warnings[0] and "trainer.num_train_epochs" in warnings[0]
    assert "model=news-small" in warnings[0]


def test_an_untrained_scratch_encoder_cannot_be_fine_tuned(tmp_path):
    from hadath.errors import UserError

    mini = ROOT / "tests" / "fixtures" / "mini.jsonl"
    with pytest.raises(UserError, match="model=scratch is a new, untrained encoder for pretrain.py"):
        train(
            compose(
                "train", ["model=scratch", f"data.train={mini}", f"data.dev={mini}", f"paths.output_dir={tmp_path}"]
            )
        )


@pytest.mark.parametrize(
    ("script", "override", "message"),
    [
        ("train.py", "trainer.learning_rat=1e-3", "trainer.learning_rat is not a key of 'trainer'; did you mean trainer.learning_rate?"),
        ("train.py", "modell.name_or_path=x", "modell is not a key of the config; did you mean model?"),
        ("evaluate.py", "checkpont=x", "checkpont is not a key of the config; did you mean checkpoint?"),
    ],
)  # fmt: skip
def test_a_misspelt_override_names_the_key_it_meant(script, override, message):
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, str(ROOT / script), override], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 1
    key = message.split()[0]
    assert done.stderr.strip().splitlines() == [f"error: {message} (add it with +{key}=… if it is new)"]


def test_the_misspelt_key_is_named_even_beside_a_key_of_the_chosen_group():
    """model.tiny.… exists only under model=tiny: the check must not blame it for another key's typo."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "train.py", "model=tiny", "model.tiny.seed=1", "trainer.learning_rat=0.1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        "error: trainer.learning_rat is not a key of 'trainer'; did you mean trainer.learning_rate? "
        "(add it with +trainer.learning_rat=… if it is new)"
    ]


def test_the_sweep_objective_is_read_from_the_dev_report_and_a_wrong_path_is_refused():
    from hadath.errors import UserError
    from hadath.training import objective

    report = {"micro": {"f1": 0.5}, "events": {"AC": {"f1": 0.25}}}
    assert objective(report, "micro.f1") == 0.5 and objective(report, "events.AC.f1") == 0.25
    with pytest.raises(UserError, match=r"objective=events.AK.f1: no 'AK' in events; it has AC"):
        objective(report, "events.AK.f1")


def test_a_misspelt_setting_in_an_experiment_file_is_refused_before_training(tmp_path):
    """Experiment and group files merge new keys without complaint; training checks them first."""
    from omegaconf import open_dict

    from hadath.errors import UserError

    cfg = compose("train", ["model=tiny", "debug=fdr", f"paths.output_dir={tmp_path / 'run'}"])
    with open_dict(cfg):  # what an experiment file saying `trainer: {learning_rat: 1e-3}` gives
        cfg.trainer.learning_rat = 1.0e-3
    message = r"trainer.learning_rat is not a setting trainer knows; did you mean trainer.learning_rate\?"
    with pytest.raises(UserError, match=message):
        train(cfg)
    with open_dict(cfg):
        del cfg.trainer["learning_rat"]
        cfg.preprocessing.strides = 4
    with pytest.raises(UserError, match=r"preprocessing.strides .* did you mean preprocessing.stride\?"):
        train(cfg)
    with open_dict(cfg):
        del cfg.preprocessing["strides"]
        cfg.model.finetune.num_train_epoch = 3
    with pytest.raises(
        UserError, match=r"model.finetune.num_train_epoch .* did you mean model.finetune.num_train_epochs\?"
    ):
        train(cfg)
    assert not (tmp_path / "run" / "checkpoint").exists()


def test_every_argument_ablation_variant_composes_into_valid_settings():
    """bench/arguments.py's variants: a misspelt override fails here, not an hour into the ablation."""
    import dataclasses
    import importlib.util

    from hadath.arguments import ArgumentSettings
    from hadath.config import check_settings

    spec = importlib.util.spec_from_file_location("ablation", ROOT / "bench" / "arguments.py")
    ablation = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ablation)
    seen = set()
    for name, (encoder, _) in ablation.VARIANTS.items():
        overrides = ablation.variant_overrides(name)
        if "task=arguments" in overrides:  # the harness points these at the shared trigger tagger
            overrides.append("task.triggers_from=the-shared-trigger-tagger")
        cfg = compose("train", overrides)
        check_settings(cfg.arguments, [f.name for f in dataclasses.fields(ArgumentSettings)], "arguments")
        settings = ArgumentSettings(**cfg.arguments)
        # each variant changes something the others do not
        key = (encoder, repr(settings), cfg.preprocessing.pack_sentences, cfg.trainer.learning_rate)
        assert key not in seen, name
        seen.add(key)


def test_mixed_precision_the_machine_cannot_do_is_one_clear_line(tmp_path):
    import torch

    from hadath.config import compose
    from hadath.errors import UserError
    from hadath.training import check_precision

    if torch.cuda.is_available():
        pytest.skip("this machine has a GPU")
    gpu = compose("train", ["trainer=gpu", f"paths.output_dir={tmp_path}"])
    with pytest.raises(UserError, match=r"trainer.bf16=true on a GPU, but this machine has none .* use trainer=cpu"):
        check_precision(gpu.trainer)
    fp16 = compose("train", ["trainer=gpu-fp16"])
    with pytest.raises(UserError, match=r"trainer.fp16=true on a GPU, but this machine has none"):
        check_precision(fp16.trainer)
    cpu_fp16 = compose("train", ["+trainer.fp16=true"])
    with pytest.raises(UserError, match=r"trainer.fp16=true needs a GPU, but trainer.use_cpu=true"):
        check_precision(cpu_fp16.trainer)
    check_precision(compose("train", ["+trainer.bf16=true"]).trainer)  # bf16 on CPU: the Trainer can


@pytest.mark.parametrize("name", ["cpu-2proc", "gpu-1", "gpu-multi", "fsdp", "deepspeed-zero2"])
def test_accelerate_configs_are_ones_accelerate_reads(name):
    from accelerate.commands.config.config_args import load_config_from_file

    config = load_config_from_file(str(ROOT / "configs" / "accelerate" / f"{name}.yaml"))
    assert config.compute_environment.value == "LOCAL_MACHINE"
    assert config.distributed_type.value in ("MULTI_CPU", "NO", "MULTI_GPU", "FSDP", "DEEPSPEED")


def test_the_training_log_reports_the_padding_fraction_and_grouping_by_length_lowers_it(tmp_path, caplog):
    import logging
    import re

    share = {}
    for sampling in ("random", "group_by_length"):
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="hadath.training"):
            train(
                compose(
                    "train",
                    [
                        "experiment=quickstart-tiny",
                        "debug=fdr",
                        f"trainer.train_sampling_strategy={sampling}",
                        f"paths.output_dir={tmp_path / sampling}",
                    ],
                )
            )
        lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("padding: ")]
        assert lines, "no padding line in the training log"
        assert lines[0].endswith(f"(trainer.train_sampling_strategy={sampling})")
        share[sampling] = float(re.match(r"padding: ([0-9.]+)% of the ([0-9,]+) positions", lines[0]).group(1))
    assert 0 < share["group_by_length"] < share["random"] < 100, share
