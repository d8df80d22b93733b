# Two commands do all set-up on a fresh machine that has only python3:
#   make run   — create .venv, install, run the main job on sample_data/
#   make test  — create .venv, install, run ruff and the test suite
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint clean sample bench bench-smoke pdf

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	@# The main job: the 2020 award table for the sample district. validate first lists the data problems;
	@# it exits 1 when there are any, and the sample data has deliberate flaws, so 1 is expected here.
	$(BIN)/qkaward validate -w sample_data; rc=$$?; test $$rc -le 1
	$(BIN)/qkaward awards --year 2020 -w sample_data

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

# Performance against the calamine floor and a pandas/openpyxl reference (issue [5/6]); pandas is a
# benchmark-only dependency. BENCH_ARGS e.g. --sizes 10000,100000
bench: $(STAMP)
	$(BIN)/python -m pip install --quiet pandas
	$(BIN)/python benchmarks/bench.py $(BENCH_ARGS)

bench-smoke: $(STAMP)
	$(BIN)/python benchmarks/bench.py --smoke

# The sample report as PDF (needs LibreOffice: apt-get install libreoffice-calc fonts-noto-cjk), to look at.
pdf: $(STAMP)
	mkdir -p out
	$(BIN)/qkaward report --year 2020 -w sample_data -o out/2020年奖励报表.xlsx
	scripts/report_pdf.sh out/2020年奖励报表.xlsx out
