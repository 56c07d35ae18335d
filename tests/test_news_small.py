"""models/news-small, the shipped pre-trained encoder: small, fp16, documented, and it learns when fine-tuned."""

from pathlib import Path

import pytest
import torch

from hadath.config import compose
from hadath.modeling import load_token_classifier, load_tokenizer
from hadath.training import train

NEWS_SMALL = Path(__file__).resolve().parents[1] / "models" / "news-small"


def test_news_small_is_small_fp16_and_carries_its_card_and_licences():
    weights = NEWS_SMALL / "model.safetensors"
    assert weights.stat().st_size < 30 * 2**20
    from safetensors import safe_open

    with safe_open(weights, "pt") as f:
        assert {f.get_tensor(k).dtype for k in f.keys()} == {torch.float16}
    card = (NEWS_SMALL / "README.md").read_text(encoding="utf-8")
    assert "CC BY-NC-SA 4.0" in card or "BY-NC-SA 4.0" in card
    assert "Chouigui" in card and "Alhagri" in card  # the citations the data's licences ask for
    assert "perplexity.png" in card and (NEWS_SMALL / "perplexity.png").is_file()


def test_news_small_loads_in_fp32_and_tokenises_arabic_into_known_pieces():
    model = load_token_classifier(str(NEWS_SMALL), ["O", "B-X", "I-X"])
    assert model.dtype == torch.float32
    tokenizer = load_tokenizer(str(NEWS_SMALL))
    pieces = tokenizer.tokenize("وأصيب ثلاثة مدنيين بجروح في انفجار عبوة ناسفة بمدينة الرقة")
    assert tokenizer.unk_token not in pieces and len(pieces) <= 20


@pytest.mark.slow
def test_news_small_fine_tunes_and_learns(tmp_path, mini):
    cfg = compose(
        "train",
        [
            "model=news-small",
            "debug=overfit",
            "trainer.num_train_epochs=15",
            "trainer.learning_rate=1e-3",
            f"data.train={mini}",
            f"paths.output_dir={tmp_path}",
        ],
    )
    results = train(cfg)
    assert results["dev_report"]["micro"]["f1"] >= 0.8
