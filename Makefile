# alliance-games: set-up, run, test, benchmark.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP_RUN  := $(VENV)/.installed-run
STAMP_DEV  := $(VENV)/.installed-dev

.PHONY: run test bench lint docs clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP_RUN): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(STAMP_DEV): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(STAMP_RUN)

## run: create .venv, install, and run the main job: the flagship's policy comparison
run: $(STAMP_RUN)
	$(BIN)/alliance-games compare alliance_system
	$(BIN)/alliance-games compare alliance_system --set rival_count=1

## test: create .venv with the dev extra and run the whole suite
test: $(STAMP_DEV)
	$(BIN)/python -m pytest -q

## bench: benchmarks against the anchors (nashpy, pygambit, QuantEcon)
bench: $(STAMP_DEV)
	$(BIN)/python -m benchmarks

## lint: ruff and mypy
lint: $(STAMP_DEV)
	$(BIN)/ruff check alliance_games tests
	$(BIN)/mypy alliance_games

## docs: build the documentation site (API reference, a page per command) into site/, warnings as errors
docs: $(STAMP_DEV)
	$(BIN)/mkdocs build --strict --site-dir site

clean:
	rm -rf $(VENV) site build *.egg-info .pytest_cache .hypothesis
