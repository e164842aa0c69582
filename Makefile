# stemma — the two set-up commands are `make demo` and `make test` (see README.md).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: venv browser demo test lint typecheck eval bench clean

# Root installs system packages directly; anyone else goes through sudo.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

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

## Debian's Chromium for the browser tests (Playwright drives it; it never
## downloads a browser of its own).
browser:
	@command -v chromium >/dev/null || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null; }
	@chromium --version

## The whole test suite, then lint and type checks.
test: venv browser
	$(BIN)/python -m pytest -q
	$(BIN)/ruff check src tests eval bench scripts
	$(BIN)/mypy

lint:
	$(BIN)/ruff check src tests eval bench scripts
	$(BIN)/ruff format --check src tests eval bench scripts

eval: venv
	$(BIN)/python eval/quotes.py
	$(BIN)/python eval/attribution.py
	$(BIN)/python eval/dates.py
	$(BIN)/python eval/extraction.py
	$(BIN)/python eval/stories.py
	$(BIN)/python eval/claims.py
	$(BIN)/python eval/reuse.py
	$(BIN)/python eval/events.py --quiet
	$(BIN)/python eval/kinds.py --quiet

bench: venv
	$(BIN)/python bench/bench_analyze.py
	$(BIN)/python bench/bench_web.py
	$(BIN)/python bench/bench_load.py --compare

clean:
	rm -rf out .pytest_cache .mypy_cache .ruff_cache
