# goalreport — two commands for a new machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SAMPLE := sample_workbooks/acme-sales-2026.xlsx

.PHONY: demo test test-fast lint bench sample clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "goalreport needs Python 3.11 or newer; this is " + sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

## demo: install, copy the sample workbook to out/ and run the monthly job on the copy
demo: $(STAMP)
	@$(BIN)/python -m goalreport.reports.doctor
	@mkdir -p out
	cp $(SAMPLE) out/
	$(BIN)/goalreport run out/$(notdir $(SAMPLE)) --out out/reports
	@echo "Done: updated workbook out/$(notdir $(SAMPLE)), reports in out/reports/"

## test: install with test dependencies and run the whole suite
test: $(STAMP)
	$(BIN)/python -m pytest -q

## test-fast: the suite without the tests marked slow (about a minute): the loop while working
test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m "not slow"

## lint: ruff and mypy (installed into .venv on first use)
lint: $(STAMP)
	$(BIN)/python -m pip install --quiet 'ruff>=0.5' 'mypy>=1.10'
	$(BIN)/ruff check goalreport tests benchmarks
	$(BIN)/mypy goalreport

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/crm_read.py

## sample: rebuild the bundled sample workbook from its seeded generator
sample: $(STAMP)
	$(BIN)/python sample_workbooks/make_sample.py $(SAMPLE)

clean:
	rm -rf $(VENV) out build *.egg-info
