# stemma — the two set-up commands are `make demo` and `make test` (see README.md).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: venv demo test lint typecheck eval bench clean

$(VENV)/.installed: requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# torch first and pinned: this takes the CPU build on disk, not a CUDA one.
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

venv: $(VENV)/.installed

## Analyse the bundled example corpus and print where the brief is.
demo: venv
	$(BIN)/stemma analyze examples/fsb-china-leak --out out --db out/stemma.duckdb
	@echo "Open $(CURDIR)/out/report.html"

## The whole test suite, then lint and type checks.
test: venv
	$(BIN)/python -m pytest -q
	$(BIN)/ruff check src tests eval bench
	$(BIN)/mypy

lint:
	$(BIN)/ruff check src tests eval bench
	$(BIN)/ruff format --check src tests eval bench

eval: venv
	$(BIN)/python eval/quotes.py
	$(BIN)/python eval/attribution.py
	$(BIN)/python eval/dates.py

bench: venv
	$(BIN)/python bench/bench_analyze.py

clean:
	rm -rf out .pytest_cache .mypy_cache .ruff_cache
