# Set-up is automatic: every target creates .venv and installs the pinned dependencies first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
CARDS  := cards

.PHONY: site serve test test-fast lint validate bench fuzz schema clean

$(STAMP): pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[test,properdocs,zensical]'
	@touch $(STAMP)

node_modules/.installed: package.json package-lock.json
	npm ci --silent --no-audit --no-fund
	@touch $@

## site: validate the cards, build the site with --strict, check every link; replaces site/ only on success
site: $(STAMP)
	$(BIN)/tradeoffs build --out site

## serve: live preview on http://127.0.0.1:8000; a saved card rebuilds only the pages it shows on
## (--dirty is safe here: the plugin rebuilds every page whenever navigation, titles, tags, theme,
## config or a hand-written page change)
serve: $(STAMP)
	$(BIN)/tradeoffs validate $(CARDS)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs serve --dirty

## validate: check every card and report all problems
validate: $(STAMP)
	$(BIN)/tradeoffs validate $(CARDS)

## test: lint, formatting, types, then the whole test suite (browser tests need /usr/bin/chromium;
## .ci/run installs it)
test: lint $(STAMP) node_modules/.installed
	$(BIN)/python -m pytest -n 2 -q $(PYTEST_ARGS)

## test-fast: the tests that build no site and drive no browser (about a minute); `make test` runs all
test-fast: $(STAMP)
	$(BIN)/python -m pytest -n 2 -q -m "not slow and not browser" $(PYTEST_ARGS)

## lint: ruff (rules and formatting) and mypy, as configured in pyproject.toml
lint: $(STAMP)
	$(BIN)/ruff check generator tests bench
	$(BIN)/ruff format --check generator tests bench
	$(BIN)/mypy

## fuzz: the property tests of the loader and validator with many more cases (FUZZ=N, default 20000)
FUZZ ?= 20000
fuzz: $(STAMP)
	$(BIN)/python -m pytest -q -p no:xdist tests/test_fuzz.py --fuzz-examples $(FUZZ) --hypothesis-show-statistics

## bench: this tree against the base commit on the same cards, 1,000 to 10,000 cards, and the
## preview; prints every target with PASS or FAIL (see bench/README.md). Quick: SIZES=1000,2000
BASE  ?= e077119
SIZES ?= 1000,2000,5000,10000
bench: $(STAMP)
	$(BIN)/python bench/run.py --base $(BASE) --sizes $(SIZES) --runs 3 --large-runs 1 --preview --json bench/out/results.json

## schema: re-export the JSON Schemas in cards/ from the models
schema: $(STAMP)
	$(BIN)/tradeoffs schema --force --out $(CARDS)

clean:
	rm -rf site .site-* .cache build dist *.egg-info
