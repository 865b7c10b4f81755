# Previz Studio. `make run` serves the studio on http://127.0.0.1:8000; `make test` runs the whole suite.
# Everything is installed into .venv and frontend/node_modules on first use.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
FRONTEND_SRC := $(shell find frontend/src -type f 2>/dev/null) frontend/build.mjs

# `make test` runs pytest in TEST_WORKERS processes (pytest-xdist, tests handed out in order: browser tests last in
# each); TEST_WORKERS=0 runs it in one process.
TEST_WORKERS ?= 2

.PHONY: run test lint bench screenshots frontend models migrate seed serve worker export-worker clean help

help:
	@echo "make run          install, build, migrate, seed the demo and serve on http://$(HOST):$(PORT)"
	@echo "make test         lint and run the whole test suite (TEST_WORKERS=$(TEST_WORKERS) processes)"
	@echo "make bench        run the benchmarks and write docs/benchmarks.md"
	@echo "make screenshots  run the browser tests and the screenshot ones, and refresh docs/screenshots"

run: $(VENV)/.runtime frontend models migrate seed serve

test: $(VENV)/.dev frontend
	$(VENV)/bin/ruff check .
	$(VENV)/bin/pytest $(if $(filter-out 0,$(TEST_WORKERS)),-n $(TEST_WORKERS) --dist load)

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .

bench: $(VENV)/.dev frontend
	$(PY) -m tests.bench.live_latency
	$(PY) -m tests.bench.previz_editor
	$(PY) -m tests.bench.yjs_fanout
	$(PY) -m tests.bench.queue_positions
	$(PY) -m tests.bench.board_speed
	$(PY) -m tests.bench.animatic_speed
	$(PY) -m tests.bench.storyboard_pdf_speed
	$(PY) -m generation.bench

# The pictures in docs/screenshots are taken by browser tests (test-results/*.png): the tests marked screenshots
# take nothing else, so they run here and not in `make test`.
screenshots: $(VENV)/.dev frontend
	$(VENV)/bin/pytest --screenshots tests/browser
	@for png in docs/screenshots/*.png; do cp test-results/$$(basename $$png) $$png || exit 1; done
	@echo "docs/screenshots: $$(ls docs/screenshots/*.png | wc -l) pictures refreshed from test-results/"

$(VENV)/bin/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Previz Studio needs Python 3.11 or newer"' \
		|| { echo "Python 3.11+ is needed (set PYTHON=/path/to/python3.11)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.runtime $@

frontend/node_modules/.installed: frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	touch $@

frontend/dist/.built: frontend/node_modules/.installed $(FRONTEND_SRC)
	cd frontend && npm run --silent build
	touch $@

frontend: frontend/dist/.built

# Tiny random-weight pipelines of every model family, built offline (seconds, a few MB): the default
# STUDIO_MODELS, so generation works on a laptop with no weights. Real weights: see README.
models: $(VENV)/.runtime
	$(PY) -m generation.tiny var/models

migrate: $(VENV)/.runtime
	$(PY) manage.py migrate --noinput -v 0

seed: $(VENV)/.runtime
	$(PY) manage.py seed_demo --url http://$(HOST):$(PORT)/

serve: $(VENV)/.runtime
	@echo "Previz Studio on http://$(HOST):$(PORT)/  (Ctrl+C stops it)"
	@command -v espeak-ng >/dev/null 2>&1 || echo "No espeak-ng: animatics render without scratch dialogue (install it: sudo apt-get install espeak-ng)"
	@[ -d /usr/share/fonts/truetype/noto ] || echo "No Noto fonts: storyboard PDFs fall back to DejaVu, with no Japanese, Chinese or Korean (sudo apt-get install fonts-noto-core fonts-noto-cjk)"
	@[ "$$STUDIO_DEBUG" = "0" ] || echo "Debug is on; to switch it off (as in production): STUDIO_DEBUG=0 SECRET_KEY=<long random text> make serve (add SECURE_COOKIES=0 over plain http)"
	$(VENV)/bin/daphne -b $(HOST) -p $(PORT) studio.asgi:application

# A generation worker process (production: one per GPU, e.g. `make worker GPU=1`); `make run` does not
# need one: with no REDIS_URL the web process runs its own worker thread.
worker: $(VENV)/.runtime models
	$(PY) manage.py generation_worker $(if $(GPU),--gpu $(GPU))

# An export worker (storyboard PDFs, animatics, OTIO bundles; CPU only). Embedded mode runs one in the web process.
export-worker: $(VENV)/.runtime
	$(PY) manage.py export_worker

clean:
	rm -rf $(VENV) frontend/node_modules frontend/dist test-results
