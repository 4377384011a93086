# Quick start:  make serve  (example site on http://127.0.0.1:8000/papershelf/)   make test  (all tests)
PYTHON ?= python3
PORT   ?= 8000
VENV   := .venv
BIN    := $(VENV)/bin
SITE   := $(VENV)/.installed-site
TESTS  := $(VENV)/.installed-test

.PHONY: serve build test lint bench clean

# Serving and building need papershelf alone; the tests add their own tools, and the
# trigram text repair (kenlm, built from source, with Debian's model) where it can be built.
$(SITE): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $(SITE)

$(TESTS): $(SITE)
	PYTHON=$(BIN)/python scripts/ensure-repair-model
	$(BIN)/pip install --quiet -e '.[test]'
	$(BIN)/pip install --quiet -e '.[repair]' || echo "papershelf: kenlm could not be built;" \
	  "the trigram repair's tests are skipped (on CI they fail)" >&2
	touch $(TESTS)

serve: $(SITE)
	$(BIN)/mkdocs serve -a 127.0.0.1:$(PORT)

build: $(SITE)
	$(BIN)/mkdocs build --strict

test: $(TESTS)
	scripts/ensure-chromium
	PYTHON=$(BIN)/python scripts/ensure-repair-model
	$(BIN)/python -m pytest

lint: $(TESTS)
	$(BIN)/ruff check plugins tests bench
	$(BIN)/ruff format --check plugins tests bench
	MYPYPATH=plugins $(BIN)/mypy -p papershelf

bench: $(TESTS)
	scripts/ensure-chromium
	$(BIN)/python bench/parse_speed.py
	$(BIN)/python bench/build_speed.py
	$(BIN)/python bench/cite_speed.py
	$(BIN)/python bench/serve_speed.py
	$(BIN)/python bench/index_speed.py
	$(BIN)/python bench/suggest_speed.py
	$(BIN)/python bench/fuzz_bib.py
	$(BIN)/python bench/import_speed.py
	$(BIN)/python bench/repair_accuracy.py
	$(BIN)/python bench/encoding_accuracy.py

clean:
	rm -rf site build .cache $(VENV)
