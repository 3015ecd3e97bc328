# pylvs — set-up, tests, lint and the demo. Every target installs what it needs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: venv native test test-fast lint demo clean

venv: $(STAMP)

$(STAMP): pyproject.toml packaging/apt-packages.txt
	@bash packaging/install-apt-deps.sh
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install -q --upgrade pip
	@$(BIN)/python -m pip install -q -e '.[test]'
	@touch $(STAMP)

# pylvs/core and pylvs/packet compiled with mypyc (only when a source changed); Python
# uses the sources whenever a compiled module is stale, or with PYLVS_PURE=1.
native: venv
	@$(BIN)/python packaging/build_native.py --if-stale

# The whole suite: import contracts, unit and property tests, lab end-to-end tests.
test: native
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -q
	PYLVS_PURE=1 $(BIN)/python -m pytest -q -m "not lab" tests/unit

# Only what needs no root and no lab.
test-fast: native
	$(BIN)/python -m pytest -q -m "not lab"

lint: venv
	$(BIN)/ruff check pylvs tests bench packaging
	$(BIN)/mypy

demo: native
	$(BIN)/pylvs lab demo

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis build
	find pylvs -name '*.so' -delete
