# The two commands: `make run` (the embedded default) and `make test` (the whole suite).
SHELL := /bin/bash
PY := .venv/bin/python

.PHONY: run test lint format bench clean screenshots

.venv/.runtime: requirements.txt .python-version scripts/venv.sh scripts/lib.sh
	bash scripts/venv.sh requirements.txt
	touch $@

.venv/.dev: requirements.txt requirements-dev.txt .python-version scripts/venv.sh scripts/lib.sh
	bash scripts/venv.sh requirements-dev.txt
	touch .venv/.runtime $@

# The production install as it ships: requirements.txt alone, rebuilt from scratch when it
# changes (a stale extra package could hide a missing one). make test's production smoke runs
# gunicorn and Celery from it (tests/faults/test_production_install.py).
.venv-runtime/.stamp: requirements.txt .python-version scripts/venv.sh scripts/lib.sh
	rm -rf .venv-runtime
	bash scripts/venv.sh requirements.txt .venv-runtime
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

run: .venv/.runtime node_modules/.installed
	$(PY) manage.py migrate --noinput
	$(PY) manage.py createcachetable
	$(PY) manage.py seed_demo
	bash scripts/run.sh

test: .venv/.dev .venv-runtime/.stamp node_modules/.installed
	bash scripts/test.sh

# Throughput, latency, slot timings, queries per page and page weight (docs/benchmarks.md).
bench: .venv/.runtime node_modules/.installed
	bash scripts/bench.sh

# Pictures of the desk's day grid and the clinician's brief (docs/screenshots/).
screenshots: .venv/.dev node_modules/.installed
	bash scripts/screenshots.sh

lint: .venv/.dev
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

format: .venv/.dev
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

clean:
	rm -rf .venv .venv-runtime node_modules var staticfiles
