"""The whole path on the tiny model: train (overfit), reload, evaluate, predict from the command line."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hadath.config import compose
from hadath.evaluation import evaluate
from hadath.inference import Extractor
from hadath.io import read_jsonl
from hadath.modeling import ModelLoadError, load_token_classifier
from hadath.training import train

ROOT = Path(__file__).resolve().parents[1]


def test_overfit_reaches_f1_one_and_reloads_with_the_same_predictions(trained, mini):
    results, checkpoint = trained
    report = results["dev_report"]
    assert report["micro"]["f1"] == 1.0
    assert report["events"]["TC"]["f1"] == 1.0
    assert report["roles"]["micro"]["f1"] >= 0.9
    # the epoch kept is chosen on the very scores dev_report.json gives (by construction: same code)
    assert results["triggers"]["f1"] == pytest.approx(report["micro"]["f1"])
    assert results["arguments"]["f1"] == pytest.approx(report["roles"]["micro"]["f1"])
    docs = read_jsonl(mini)
    reloaded = Extractor.from_pretrained(checkpoint)  # the saved checkpoint, not the model in memory
    for doc in docs:
        predicted = reloaded.predict(doc.text)
        assert [(e.type, e.trigger) for e in predicted] == [(e.type, e.trigger) for e in doc.events], doc.id


def not_blank(png: Path) -> bool:
    from matplotlib.image import imread

    pixels = imread(png)
    return pixels.shape[0] > 100 and pixels.shape[1] > 100 and float(pixels.std()) > 0.05


def test_the_model_card_says_what_was_trained_on_what_and_how_well(trained, mini):
    _, checkpoint = trained
    card = (checkpoint / "README.md").read_text()
    assert card.startswith("---\nlanguage:\n- ar\n") and "pipeline_tag: token-classification" in card
    docs = read_jsonl(mini)
    events = sum(len(d.events) for d in docs)
    assert f"{len(docs)} documents, {events} events" in card  # the real split sizes
    assert "`conflict-v1`" in card and "| event level AC | 1.000 | 1.000–1.000 |" in card
    assert "## Intended use and limits" in card and "## Licences" in card
    assert "## Resolved training config" in card and "  name_or_path: tiny\n" in card


def test_training_writes_its_history_and_curves_into_the_run_folder(trained):
    _, checkpoint = trained
    run = checkpoint.parent
    history = json.loads((run / "training_history.json").read_text())
    assert set(history) == {"joint"}  # task=events: one encoder, both heads trained together
    dev_f1 = [h["eval_triggers_f1"] for h in history["joint"] if "eval_triggers_f1" in h]
    assert len(dev_f1) >= 40 and max(dev_f1) == 1.0  # debug=overfit: 40 epochs, one dev score each
    assert not_blank(run / "training_curves.png")


def test_evaluation_runs_the_trigger_tagger_once_per_window(trained, mini):
    from hadath.evaluation import evaluate_documents
    from hadath.features import doc_words, document_windows

    _, checkpoint = trained
    extractor = Extractor.from_pretrained(checkpoint)
    tagger, tagged = extractor.triggers, []
    original = tagger.distributions
    tagger.distributions = lambda word_lists: tagged.extend(word_lists) or original(word_lists)
    docs = read_jsonl(mini)
    report, predicted, _ = evaluate_documents(extractor, docs)
    windows = [w for d in docs for w in document_windows(d.text, tagger.tokenizer, tagger.prep, words=doc_words(d))]
    assert len(tagged) == len(windows)
    assert report["events"]["TC"]["f1"] == 1.0 and len(predicted) == len(docs)


def test_checkpoint_is_self_describing(trained):
    _, checkpoint = trained
    meta = json.loads((checkpoint / "hadath.json").read_text())
    assert meta["stages"] == ["triggers", "arguments"]
    arguments = json.loads((checkpoint / "arguments" / "hadath.json").read_text())["arguments"]
    assert arguments == {  # task=events's defaults, chosen by bench/arguments.py
        "decoding": "viterbi",
        "prompt": False,
        "marker_init": "random",
        "o_weight": 1.0,
        "shared_encoder": True,
        "negatives": False,
    }
    assert meta["labels"][:3] == ["O", "B-Attack", "I-Attack"]
    assert meta["schema"]["event_types"]["Injury"]["roles"] == ["Agent", "Victim", "Instrument", "Place", "Time"]
    assert meta["preprocessing"]["max_length"] == 128
    for name in (
        "model.safetensors",
        "config.json",
        "tokenizer.json",
        "config.yaml",
        "dev_report.json",
        "arguments/model.safetensors",
        "arguments/hadath.json",
        "README.md",
    ):
        assert (checkpoint / name).is_file(), name
    config = json.loads((checkpoint / "config.json").read_text())
    assert config["id2label"]["1"] == "B-Attack"


def test_trigger_tagger_loads_in_a_transformers_pipeline(trained, mini):
    from transformers import pipeline

    _, checkpoint = trained
    tagger = pipeline("token-classification", model=str(checkpoint), aggregation_strategy="first")
    text = read_jsonl(mini)[1].text
    found = tagger(text)
    assert any(f["entity_group"] == "Arrest" and text[f["start"] : f["end"]] == "اعتقلت" for f in found)


def test_evaluate_writes_report_and_the_predictions_it_scored(trained, tmp_path, mini):
    _, checkpoint = trained
    overrides = [f"checkpoint={checkpoint}", f"data.test={mini}", f"paths.output_dir={tmp_path}", "html=true"]
    report = evaluate(compose("evaluate", overrides))
    saved = json.loads((tmp_path / "report.json").read_text())
    pages = sorted((tmp_path / "html").glob("0*.html"))
    assert len(pages) == len(read_jsonl(mini)) and (tmp_path / "html" / "index.html").is_file()
    assert all(p.name in (tmp_path / "html" / "index.html").read_text() for p in pages)
    assert "gold (" in pages[0].read_text() and "predicted (" in pages[0].read_text()
    assert set(saved) >= {"per_label", "micro", "macro", "mode", "roles", "events", "events_gold_triggers"}
    assert saved["per_label"]["Injury"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0, "support": 2}
    assert "strict" in saved["mode"] and saved["micro"]["f1"] == report["micro"]["f1"] == 1.0
    conll = (tmp_path / "predictions.conll").read_text().split("\n\n")
    assert conll[0].splitlines()[0] == "استهدفت B-Attack B-Attack"
    # an external scorer reading the CoNLL file gets the reported numbers
    from seqeval.metrics import f1_score

    rows = [[line.split() for line in block.splitlines()] for block in conll if block.strip()]
    gold, pred = [[w[1] for w in r] for r in rows], [[w[2] for w in r] for r in rows]
    assert f1_score(gold, pred) == saved["micro"]["f1"]
    predicted = read_jsonl(tmp_path / "predictions.jsonl")
    assert [d.id for d in predicted] == [d.id for d in read_jsonl(mini)]
    assert saved["argument_decoding"] == "viterbi"  # as trained (arguments.decoding's default)
    intervals = saved["intervals"]  # 1000 resamples of the documents by default
    assert intervals["n_bootstrap"] == 1000 and intervals["resampled"] == "documents"
    assert set(intervals["triggers"]) == set(saved["per_label"]) | {"micro"}
    assert intervals["events"]["TC"] == [1.0, 1.0]  # perfect on every document: no spread
    low, high = intervals["roles"]["micro"]
    assert low <= saved["roles"]["micro"]["f1"] <= high
    markdown = (tmp_path / "report.md").read_text()
    assert "| Injury | 1.000 | 1.000 | 1.000 | 1.000–1.000 | 2 |" in markdown
    assert "## Events, arguments given the gold triggers" in markdown and "| AC_overlap |" in markdown
    import csv

    rows = list(csv.DictReader((tmp_path / "per_label.csv").open()))
    injury = next(r for r in rows if r["section"] == "triggers" and r["label"] == "Injury")
    assert (injury["f1"], injury["f1_low"], injury["support"]) == ("1.0000", "1.0000", "2")
    assert {r["section"] for r in rows} == {"triggers", "roles"}
    assert not_blank(tmp_path / "f1_per_label.png") and not_blank(tmp_path / "confusion.png")
    # overfit: no errors, and every gold trigger on the diagonal of the confusion matrix
    assert (tmp_path / "errors.jsonl").read_text() == ""
    confusion = saved["confusion"]
    n_gold = sum(len(d.events) for d in read_jsonl(mini))
    assert sum(confusion["matrix"][i][i] for i in range(len(confusion["labels"]) - 1)) == n_gold
    assert "AC_overlap" in saved["events_gold_triggers"]


def test_compare_scores_two_checkpoints_on_the_same_documents(trained, tmp_path, mini):
    _, checkpoint = trained
    overrides = [f"compare=[{checkpoint},{checkpoint}]", f"data.test={mini}", f"paths.output_dir={tmp_path}"]
    result = evaluate(compose("evaluate", overrides + ["n_bootstrap=200"]))
    assert result["documents"] == len(read_jsonl(mini))
    ac = result["sections"]["events"]["AC"]
    assert ac["first"] == ac["second"] and ac["delta"] == 0 and ac["p"] == 1.0
    assert result["verdict"].startswith("no real difference between A and B: event-level AC")
    assert "| micro |" in (tmp_path / "compare.md").read_text()
    assert json.loads((tmp_path / "compare.json").read_text())["verdict"] == result["verdict"]


def test_evaluate_can_decode_arguments_otherwise_than_the_checkpoint(trained, tmp_path, mini):
    _, checkpoint = trained
    overrides = [f"checkpoint={checkpoint}", f"data.test={mini}", f"paths.output_dir={tmp_path}", "decoding=argmax"]
    report = evaluate(compose("evaluate", overrides))
    assert report["argument_decoding"] == "argmax"  # trained with viterbi, decoded otherwise on request
    assert report["roles"]["micro"]["f1"] >= 0.9
    for doc in read_jsonl(tmp_path / "predictions.jsonl"):
        for event in doc.events:
            assert all(doc.text[a.span.start : a.span.end] == a.span.text for a in event.arguments)


def run_cli(*args, stdin=None):
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, capture_output=True, text=True, input=stdin, env=env, timeout=300
    )


def test_predict_cli_offsets_are_exact_on_long_crlf_and_marked_text(trained, tmp_path):
    _, checkpoint = trained
    sentence = "اعتقلت قوى الأمن الداخلي، أمس، 3 أشخاص في مدينة الحسكة.\r\nوأصيب ٤ مدنيين بجروح في قـــصفٍ مدفعيّ على قرية تل طويل. "
    text = sentence * 30  # far longer than the model's 128 sub-tokens
    article = tmp_path / "article.txt"
    article.write_bytes(text.encode("utf-8"))
    done = run_cli("predict.py", f"checkpoint={checkpoint}", f"article={article}")
    assert done.returncode == 0, done.stderr
    events = json.loads(done.stdout)["events"]
    assert len([e for e in events if e["type"] == "Arrest"]) == 30
    for event in events:
        spans = [event["trigger"]] + event["arguments"]
        assert all(text[s["start"] : s["end"]] == s["text"] for s in spans)
    assert any(e["trigger"]["text"] == "قـــصفٍ" for e in events)


def test_predict_cli_reads_stdin_and_writes_html(trained, tmp_path, mini):
    _, checkpoint = trained
    out = tmp_path / "view.html"
    done = run_cli(
        "predict.py",
        f"checkpoint={checkpoint}",
        "article=-",
        "format=html",
        f"output={out}",
        stdin=read_jsonl(mini)[1].text,
    )
    assert done.returncode == 0, done.stderr
    page = out.read_text()
    text = read_jsonl(mini)[1].text
    start = text.index("اعتقلت")
    assert 'dir="rtl"' in page and ">1 Arrest</sup>" in page
    assert f'data-kind="trigger" data-label="Arrest" data-start="{start}" data-end="{start + 6}">اعتقلت<' in page


def test_predict_cli_missing_checkpoint_is_one_clear_line(tmp_path):
    done = run_cli("predict.py", f"checkpoint={tmp_path / 'nothing'}", "article=-", stdin="نص")
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        f"error: {tmp_path / 'nothing'} is not a hadath checkpoint (no such directory); "
        "pass the 'checkpoint' folder of a training run"
    ]


@pytest.fixture
def broken(trained, tmp_path):
    """A copy of the trained checkpoint to damage."""
    import shutil

    copy = tmp_path / "checkpoint"
    shutil.copytree(trained[1], copy)
    return copy


def predict_error(checkpoint) -> list[str]:
    done = run_cli("predict.py", f"checkpoint={checkpoint}", "article=-", stdin="قصفت طائرات القرية.")
    assert done.returncode == 1 and not done.stdout.strip()
    return done.stderr.strip().splitlines()


def test_checkpoint_ships_no_pickle(trained):
    _, checkpoint = trained
    assert not list(checkpoint.rglob("*.bin")) and not list(checkpoint.rglob("*.pt"))


def test_pickle_weights_without_safetensors_are_refused(broken):
    import torch

    (broken / "model.safetensors").unlink()
    torch.save({"not": torch.zeros(1)}, broken / "pytorch_model.bin")  # a pickle holding no weights
    assert predict_error(broken) == [
        f"error: {broken / 'model.safetensors'}: missing (found pytorch_model.bin: pickle weights are never "
        "loaded); a checkpoint holds its weights as safetensors"
    ]


def test_weights_missing_a_tensor_are_refused(broken):
    from safetensors.torch import load_file, save_file

    weights = load_file(broken / "model.safetensors")  # the encoder both taggers share
    dropped = sorted(k for k in weights if "encoder.layer.1." in k)[0]
    del weights[dropped]
    save_file(weights, broken / "model.safetensors")
    (line,) = predict_error(broken)
    assert line.startswith(f"error: {broken / 'model.safetensors'}: 1 missing tensor(s), e.g. ")
    assert line.endswith("the weights do not belong to this model")


def test_a_head_of_the_wrong_size_is_refused(broken):
    meta = json.loads((broken / "hadath.json").read_text())
    meta["labels"] = meta["labels"][:-2]
    (broken / "hadath.json").write_text(json.dumps(meta))
    n = len(meta["labels"])
    assert predict_error(broken) == [
        f"error: {broken / 'config.json'}: a head of {n + 2} labels, but hadath.json lists {n}"
    ]


def test_an_unknown_format_version_is_refused(broken):
    meta = json.loads((broken / "hadath.json").read_text())
    meta["format_version"] = 99
    (broken / "hadath.json").write_text(json.dumps(meta))
    (line,) = predict_error(broken)
    assert line.startswith(f"error: {broken / 'hadath.json'}: checkpoint format version 99, but this hadath reads")


def test_missing_model_directory_names_both_ways_out():
    started = time.time()
    with pytest.raises(ModelLoadError) as info:
        load_token_classifier("/no/such/model", ["O"])
    message = str(info.value)
    assert "no such directory: /no/such/model" in message
    assert "model.name_or_path=" in message and "model=tiny" in message
    assert time.time() - started < 10


def test_unreachable_hub_model_names_both_ways_out():
    with pytest.raises(ModelLoadError) as info:
        load_token_classifier("aubmindlab/bert-base-arabertv02", ["O"])
    assert "HF_HUB_OFFLINE=1" in str(info.value) and "model=tiny" in str(info.value)


def test_bad_annotations_stop_training_with_every_error_and_no_checkpoint(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        '{"id": "x", "text": "قصف", "events": [{"id": "E1", "type": "Riot", '
        '"trigger": {"start": 0, "end": 3, "text": "قصف"}}]}\n',
        encoding="utf-8",
    )
    done = run_cli(
        "train.py", "model=tiny", f"data.train={bad}", f"data.dev={bad}", f"hydra.run.dir={tmp_path / 'run'}"
    )
    assert done.returncode == 1
    assert f"{bad}:1: document x: event E1: unknown event type 'Riot'" in done.stderr
    assert not (tmp_path / "run" / "checkpoint").exists()


def test_task_arguments_trains_on_top_of_an_earlier_trigger_tagger(trained, tmp_path, mini):
    _, checkpoint = trained
    cfg = compose(
        "train",
        [
            f"paths.output_dir={tmp_path}",
            "model=tiny",
            "task=arguments",
            f"task.triggers_from={checkpoint}",
            "debug=fdr",
            f"data.train={mini}",
            f"data.dev={mini}",
        ],
    )
    results = train(cfg)
    new = tmp_path / "checkpoint"
    assert (new / "arguments" / "model.safetensors").is_file()
    assert (new / "model.safetensors").read_bytes() == (checkpoint / "model.safetensors").read_bytes()
    assert results["dev_report"]["micro"]["f1"] == 1.0  # the copied trigger tagger is the overfit one


def test_unknown_data_format_is_one_clear_line(tmp_path, mini):
    done = run_cli(
        "train.py",
        "model=tiny",
        "data.format=xml",
        f"data.train={mini}",
        f"data.dev={mini}",
        f"hydra.run.dir={tmp_path / 'run'}",
    )
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1] == (
        "error: unknown format 'xml'; expected one of jsonl, brat, labelstudio, doccano, conll"
    )


@pytest.mark.slow
@pytest.mark.parametrize("launcher", ["torchrun", "accelerate"])
def test_two_process_training_on_cpu_writes_one_checkpoint(tmp_path, mini, launcher):
    bin_dir = Path(sys.executable).parent
    launch = {
        "torchrun": [str(bin_dir / "torchrun"), "--standalone", "--nproc_per_node", "2"],
        "accelerate": [
            str(bin_dir / "accelerate"),
            "launch",
            "--config_file",
            str(ROOT / "configs/accelerate/cpu-2proc.yaml"),
        ],
    }[launcher]
    done = subprocess.run(
        [
            *launch,
            "train.py",
            "model=tiny",
            "trainer=ddp-cpu",
            "task=events",
            "debug=fdr",
            f"data.train={mini}",
            f"data.dev={mini}",
            f"hydra.run.dir={tmp_path}",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env=dict(os.environ, HF_HUB_OFFLINE="1"),
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert (tmp_path / "checkpoint" / "arguments" / "model.safetensors").is_file()
    assert not (tmp_path / "checkpoint.partial").exists()
    assert "distributed training: 2 processes" in (tmp_path / "train.log").read_text()
    assert json.loads((tmp_path / "checkpoint" / "dev_report.json").read_text())["documents"] == 6


def test_preannotation_round_trips_through_label_studio_and_brat(trained, tmp_path, mini):
    from hadath.io import read_brat
    from hadath.io.labelstudio import read_labelstudio

    _, checkpoint = trained
    docs = read_jsonl(mini)
    articles = tmp_path / "articles.jsonl"
    articles.write_text("".join(json.dumps({"id": d.id, "text": d.text}, ensure_ascii=False) + "\n" for d in docs))
    out = tmp_path / "pre"
    done = run_cli(
        "-m", "hadath.preannotate", f"checkpoint={checkpoint}", f"articles={articles}", f"hydra.run.dir={out}"
    )
    assert done.returncode == 0, done.stderr
    ranking = [line.split("\t") for line in (out / "ranking.tsv").read_text().splitlines()[1:]]
    assert sorted(r[0] for r in ranking) == sorted(d.id for d in docs)
    assert [float(r[1]) for r in ranking] == sorted((float(r[1]) for r in ranking), reverse=True)
    tasks = json.loads((out / "labelstudio.json").read_text())
    assert [t["data"]["id"] for t in tasks] == [r[0] for r in ranking]  # the import is in ranked order
    assert all("score" in r for t in tasks for r in t["predictions"][0]["result"] if r["type"] == "labels")
    # an annotator accepts every pre-annotation unchanged: Label Studio exports them as the annotation
    for task in tasks:
        task["annotations"] = [{"result": task["predictions"][0]["result"]}]
    exported = tmp_path / "export.json"
    exported.write_text(json.dumps(tasks, ensure_ascii=False))
    extractor = Extractor.from_pretrained(checkpoint)

    def events(doc_events):
        return sorted(
            (
                e.type,
                e.trigger.start,
                e.trigger.end,
                tuple(sorted((a.role, a.span.start, a.span.end) for a in e.arguments)),
            )
            for e in doc_events
        )

    expected = {d.id: events(extractor.predict(d.text)) for d in docs}
    assert sum(len(v) for v in expected.values()) > 0
    for reader, source in ((read_labelstudio, exported), (read_brat, out / "brat")):
        back = {d.id: events(d.events) for d in reader(source)}
        assert back == expected, reader.__name__


def test_preannotate_names_a_bad_article_line(trained, tmp_path):
    _, checkpoint = trained
    articles = tmp_path / "articles.jsonl"
    articles.write_text('{"id": "a", "text": "نص"}\n{"text": 3}\n')
    done = run_cli(
        "-m",
        "hadath.preannotate",
        f"checkpoint={checkpoint}",
        f"articles={articles}",
        f"hydra.run.dir={tmp_path / 'o'}",
    )
    assert done.returncode != 0
    assert (
        done.stderr.strip().splitlines()[-1] == f'error: {articles}:2: each line needs an "id" and a "text" (a string)'
    )


LOSS_TOLERANCE = 1e-3  # relative, per epoch: the same batches, gradients summed in another order


@pytest.mark.slow
def test_two_processes_train_like_one_at_the_same_global_batch(tmp_path, mini):
    """torchrun with 2 processes of batch 2 against 1 process of batch 4: the same global batches
    (accelerate shards one seeded order), the loss averaged over the tokens of all ranks, no dropout
    (it draws per rank), no last partial batch: the per-epoch training losses and the dev F1 match."""
    four = tmp_path / "four.jsonl"  # four documents, eight windows: two global batches of four
    four.write_text("".join(mini.read_text(encoding="utf-8").splitlines(keepends=True)[:4]), encoding="utf-8")
    common = [
        "train.py",
        "model=tiny",
        "model.tiny.hidden_dropout_prob=0.0",
        "model.tiny.attention_probs_dropout_prob=0.0",
        "task=triggers",
        f"data.train={four}",
        f"data.dev={mini}",
        "trainer.num_train_epochs=15",
        "trainer.learning_rate=3e-3",
    ]
    bin_dir = Path(sys.executable).parent
    runs = {
        "one": [sys.executable, *common, "trainer.per_device_train_batch_size=4"],
        "two": [
            str(bin_dir / "torchrun"),
            "--standalone",
            "--nproc_per_node",
            "2",
            *common,
            "trainer=ddp-cpu",
            "trainer.per_device_train_batch_size=2",
        ],
    }
    history = {}
    for name, command in runs.items():
        done = subprocess.run(
            [*command, f"hydra.run.dir={tmp_path / name}"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=600,
            env=dict(os.environ, HF_HUB_OFFLINE="1"),
        )
        assert done.returncode == 0, done.stderr[-2000:]
        # a last partial batch would differ: 2 ranks even it out by repeating rows
        assert "triggers train: 8 examples" in (tmp_path / name / "train.log").read_text()
        history[name] = json.loads((tmp_path / name / "training_history.json").read_text())["triggers"]
    losses = {name: [e["loss"] for e in h if "loss" in e] for name, h in history.items()}
    dev_f1 = {name: [e["eval_f1"] for e in h if "eval_f1" in e] for name, h in history.items()}
    assert len(losses["one"]) == len(losses["two"]) == 15
    assert all(abs(a - b) <= LOSS_TOLERANCE * a for a, b in zip(losses["one"], losses["two"])), losses
    assert dev_f1["one"] == pytest.approx(dev_f1["two"], abs=1e-4), dev_f1
    assert max(dev_f1["one"]) > 0.3  # it learned: the match is not two untrained models agreeing
    # every evaluation (15 epochs, then the kept epoch's) decoded the whole dev set once, on rank 0
    log = (tmp_path / "two" / "train.log").read_text()
    assert log.count("dev scores: 6 documents decoded by rank 0 of 2") == 15 + 1
