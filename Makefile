# `make preview` and `make test` both bootstrap .venv on first use: every package of requirements.lock, each
# checked against its hashes, then this project itself (editable, so `pulumi-baseline` and
# `python -m aws_logging_baseline` work from any directory). `make lock` re-resolves requirements.lock from the
# direct pins of requirements.txt (pip-compile --generate-hashes); run it after editing requirements.txt.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.requirements-installed
LOCK := requirements.lock

.PHONY: preview test bench clean lock

$(STAMP): $(LOCK) pyproject.toml
	@echo "installing requirements.lock (hash-checked) and this project (editable) into $(VENV)"
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r $(LOCK)
	@# setuptools warns that its pyproject support is beta, on every editable install: not the user's business
	@PYTHONWARNINGS=ignore $(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $(STAMP)

# The full transitive set of requirements.txt, pinned with the sha256 of every file PyPI has for each version.
lock: $(STAMP)
	$(PY) -m piptools compile --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url \
		--no-emit-find-links --output-file $(LOCK) requirements.txt

preview: $(STAMP)
	$(VENV)/bin/pulumi-baseline check --stack example

test: $(STAMP)
	$(PY) -m pytest -q -n 2

bench: $(STAMP)
	$(PY) benchmarks/bench_preview.py

clean:
	rm -rf $(VENV) .pytest_cache
