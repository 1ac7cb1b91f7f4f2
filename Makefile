# `make preview` and `make test` both bootstrap .venv on first use: the pinned requirements, then this
# project itself (editable, so `pulumi-baseline` and `python -m aws_logging_baseline` work from any directory).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.requirements-installed

.PHONY: preview test bench clean

$(STAMP): requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

preview: $(STAMP)
	$(VENV)/bin/pulumi-baseline check --stack example

test: $(STAMP)
	$(PY) -m pytest -q -n 2

bench: $(STAMP)
	$(PY) benchmarks/bench_preview.py

clean:
	rm -rf $(VENV) .pytest_cache
