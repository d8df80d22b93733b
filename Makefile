# Two commands do all set-up on a fresh machine that has only python3:
#   make run   — create .venv, install, run the main job on sample_data/
#   make test  — create .venv, install, run ruff and the test suite
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint clean sample

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	@# validate exits 1 when the data has problems; the sample data has deliberate flaws, so 1 is expected here
	$(BIN)/qkaward validate -w sample_data; rc=$$?; test $$rc -le 1

test: $(STAMP)
	$(BIN)/ruff check qkaward tests
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check qkaward tests
	$(BIN)/ruff format --check qkaward tests

sample: $(STAMP)
	$(BIN)/qkaward sample sample_data

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
