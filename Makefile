# Quick start:  make serve  (example site on http://127.0.0.1:8000/papershelf/)   make test  (all tests)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: serve build test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

serve: $(STAMP)
	$(BIN)/mkdocs serve

build: $(STAMP)
	$(BIN)/mkdocs build --strict

test: $(STAMP)
	scripts/ensure-chromium
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check plugins tests bench
	$(BIN)/ruff format --check plugins tests bench
	MYPYPATH=plugins $(BIN)/mypy -p papershelf

bench: $(STAMP)
	scripts/ensure-chromium
	$(BIN)/python bench/parse_speed.py
	$(BIN)/python bench/build_speed.py
	$(BIN)/python bench/serve_speed.py
	$(BIN)/python bench/index_speed.py
	$(BIN)/python bench/fuzz_bib.py
	$(BIN)/python bench/repair_accuracy.py

clean:
	rm -rf site .cache $(VENV)
