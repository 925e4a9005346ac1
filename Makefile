# Two entry points (see README): `make demo` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench install clean

$(STAMP): setup.py
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[tests]"
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	AIRBYTE_OFFLINE_MODE=1 $(BIN)/python -m demo

test: $(STAMP)
	$(BIN)/python -m ruff check .
	$(BIN)/python -m mypy
	$(BIN)/python -m pytest -k "not docker"

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) demo_output bench/out .cache .pytest_cache .mypy_cache .ruff_cache
