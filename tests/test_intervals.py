"""Bootstrap intervals over documents: counts that add up to the reported scores, seeded resampling."""

import numpy as np
import pytest

from hadath.intervals import bootstrap, f1, label_counts
from hadath.metrics import seqeval_report

# three documents of word-label rows: (gold rows, predicted rows)
DOCS = [
    ([["B-Attack", "I-Attack", "O", "B-Killing"]], [["B-Attack", "I-Attack", "O", "O"]]),
    ([["O", "B-Killing", "O"], ["B-Arrest", "O"]], [["O", "B-Killing", "O"], ["B-Attack", "O"]]),
    ([["B-Attack", "O", "O"]], [["I-Attack", "O", "B-Killing"]]),  # an orphan I- is no entity in strict mode
]


def test_document_counts_add_up_to_the_seqeval_report():
    per_doc = [label_counts(gold, pred) for gold, pred in DOCS]
    report = seqeval_report([r for g, _ in DOCS for r in g], [r for _, p in DOCS for r in p])
    for label in ["Attack", "Killing", "Arrest", "micro"]:
        total = sum(doc.get(label, np.zeros(3)) for doc in per_doc)
        expected = report["micro"] if label == "micro" else report["per_label"][label]
        assert f1(total) == pytest.approx(expected["f1"]), label
        assert total[2] == expected["support"], label


def test_intervals_are_seeded_contain_the_estimate_and_collapse_on_perfect_predictions():
    per_doc = [label_counts(gold, pred) for gold, pred in DOCS] * 5  # 15 documents
    first = bootstrap(per_doc, 1000, seed=7)
    assert first == bootstrap(per_doc, 1000, seed=7)
    assert first != bootstrap(per_doc, 1000, seed=8)
    point = f1(sum(doc["micro"] for doc in per_doc))
    low, high = first["micro"]
    assert low < point < high and 0.0 <= low and high <= 1.0
    perfect = [label_counts(gold, gold) for gold, _ in DOCS]
    assert bootstrap(perfect, 200, seed=1)["micro"] == [1.0, 1.0]


def test_more_documents_give_a_narrower_interval():
    few = [label_counts(gold, pred) for gold, pred in DOCS] * 4
    many = few * 10
    width = lambda ci: ci["micro"][1] - ci["micro"][0]  # noqa: E731
    assert width(bootstrap(many, 1000, seed=3)) < width(bootstrap(few, 1000, seed=3)) / 2


def test_a_level_without_any_item_gets_no_interval_rather_than_nan():
    empty = [{"AC": np.zeros(3), "TC": np.array([1.0, 1.0, 1.0])}] * 3
    assert bootstrap(empty, 100, seed=0) == {"TC": [1.0, 1.0]}


def test_paired_bootstrap_finds_a_real_difference_and_none_between_equals():
    from hadath.evaluation import verdict
    from hadath.intervals import paired_bootstrap

    weak = [label_counts(gold, pred) for gold, pred in DOCS] * 8
    strong = [label_counts(gold, gold) for gold, _ in DOCS] * 8
    better = paired_bootstrap(weak, strong, 1000, seed=0)["micro"]
    assert better["second"] == 1.0 and better["delta"] > 0.3 and better["p"] < 0.01
    assert better["interval"][0] > 0
    assert verdict(better, "trigger micro-F1").startswith("B is better than A: trigger micro-F1")
    same = paired_bootstrap(weak, weak, 1000, seed=0)["micro"]
    assert same["delta"] == 0 and same["p"] == 1.0
    assert verdict(same, "trigger micro-F1").startswith("no real difference between A and B")
    with pytest.raises(ValueError, match="same documents"):
        paired_bootstrap(weak, strong[:-1], 10, seed=0)
