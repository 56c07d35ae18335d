# make quickstart   set up, fine-tune news-small on the bundled corpus, evaluate, predict one article
# make test         set up and run the test suite (what CI runs)
# make browser      install Debian's chromium for the HTML rendering test (skipped without it)
VENV ?= .venv
PY := $(VENV)/bin/python
RUN := outputs/quickstart
export HF_HUB_OFFLINE ?= 1
export TOKENIZERS_PARALLELISM ?= false

.PHONY: setup quickstart test test-fast lint clean browser

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

setup: $(VENV)/.installed

quickstart: setup
	$(PY) train.py experiment=quickstart hydra.run.dir=$(RUN)
	$(PY) evaluate.py checkpoint=$(RUN)/checkpoint html=true hydra.run.dir=$(RUN)/evaluate
	$(PY) predict.py checkpoint=$(RUN)/checkpoint article=annotations/unseen/raqqa-checkpoint.txt

test: setup
	$(VENV)/bin/pytest -q

test-fast: setup
	$(VENV)/bin/pytest -q -m "not slow"

browser:                 # Debian's chromium, for the test that renders the HTML view (skipped without it)
	command -v chromium >/dev/null || apt-get install -y -q chromium

lint: setup
	$(VENV)/bin/ruff check src tests bench train.py evaluate.py predict.py pretrain.py scripts
	$(VENV)/bin/ruff format --check src tests bench train.py evaluate.py predict.py pretrain.py scripts

clean:
	rm -rf outputs multirun
