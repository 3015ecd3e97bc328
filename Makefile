# pylvs — set-up, tests, lint and the demo. Every target installs what it needs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: venv test test-fast lint demo clean

venv: $(STAMP)

$(STAMP): pyproject.toml packaging/apt-packages.txt
	@bash packaging/install-apt-deps.sh
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install -q --upgrade pip
	@$(BIN)/python -m pip install -q -e '.[test]'
	@touch $(STAMP)

# The whole suite: import contracts, unit and property tests, lab end-to-end tests.
test: venv
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -q

# Only what needs no root and no lab.
test-fast: venv
	$(BIN)/python -m pytest -q -m "not lab"

lint: venv
	$(BIN)/ruff check pylvs tests bench
	$(BIN)/mypy

demo: venv
	$(BIN)/pylvs lab demo

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
