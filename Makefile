# Wangge: the two commands are `make run` and `make test` (see README.md).
#
# Everything lives in .venv (created with the newest Python >= 3.11 found). Stamp files in
# .venv record which lock file was installed, so a second run installs nothing unless
# requirements/*.txt changed.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

VENV ?= .venv
PY := $(VENV)/bin/python
PIP_INSTALL := $(PY) -m pip install --disable-pip-version-check --require-hashes
BASE_STAMP := $(VENV)/.installed-base
DEV_STAMP := $(VENV)/.installed-dev
PYTEST_WORKERS ?= auto
# `make test` hands each worker whole test files (--dist loadfile), so a module's costly fixture
# (the demo street, the scope matrix's world) is built once; pyproject's testpaths list the
# slowest folders first, so the last files to run are short ones.
PYTEST_ARGS ?=
BENCH_ARGS ?=
CHROMIUM_PATH ?= /usr/bin/chromium
LOCK := $(VENV)/bin/uv pip compile --quiet --generate-hashes --python-version 3.11 $(if $(UPGRADE),--upgrade)

.PHONY: help run test bench bench-load lint lock catalogs prepare clean distclean

help:
	@echo "make run     set up everything, then start the web server and the task worker"
	@echo "make test    install the test tools, then run the whole test suite"
	@echo "make bench   run the benchmarks (benchmarks/)"
	@echo "make bench-load  load test under gunicorn on PostgreSQL (BENCH_CASES=20000, docs/performance.md)"
	@echo "make lint    ruff and mypy"
	@echo "make lock    recompile requirements/*.txt from requirements/*.in (UPGRADE=1 to upgrade)"
	@echo "make clean   remove build products and caches (keeps .venv and the database)"
	@echo "make distclean  also remove .venv and var/ (the database and uploaded files)"

$(BASE_STAMP): requirements/base.txt scripts/make-venv.sh
	@scripts/make-venv.sh $(VENV)
	@echo "==> Installing pinned dependencies (requirements/base.txt)"
	$(PIP_INSTALL) --quiet -r requirements/base.txt
	@touch $@

$(DEV_STAMP): requirements/dev.txt requirements/base.txt scripts/make-venv.sh
	@scripts/make-venv.sh $(VENV)
	@echo "==> Installing pinned development dependencies (requirements/dev.txt)"
	$(PIP_INSTALL) --quiet -r requirements/dev.txt
	@# dev.txt pins everything base.txt pins (to the same versions), so base is installed too.
	@touch $@ $(BASE_STAMP)

catalogs: $(BASE_STAMP)
	@echo "==> Compiling message catalogs"
	$(PY) manage.py compile_catalogs

# Everything `make run` does before it starts the processes.
prepare: catalogs
	@mkdir -p var
	@echo "==> Migrating the database"
	$(PY) manage.py migrate --noinput
	@echo "==> Collecting static files"
	$(PY) manage.py collectstatic --noinput --verbosity 0
	@echo "==> Loading the demo street (idempotent)"
	$(PY) manage.py seed_demo | tee var/demo-logins.txt

run: prepare
	@scripts/run-dev.sh

test: $(DEV_STAMP)
	@$(MAKE) catalogs
	@if [ ! -x "$(CHROMIUM_PATH)" ]; then \
	  echo "NOTE: $(CHROMIUM_PATH) is missing, so the browser tests will fail." >&2; \
	  echo "      Install Debian's Chromium (apt-get install chromium) or set CHROMIUM_PATH." >&2; \
	fi
	@echo "==> Running the test suite on $$([ -n "$${DATABASE_URL:-}" ] && echo "the DATABASE_URL database" || echo "SQLite")"
	CHROMIUM_PATH=$(CHROMIUM_PATH) $(VENV)/bin/pytest -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

bench: $(DEV_STAMP)
	$(VENV)/bin/pytest benchmarks --benchmark-sort=mean --benchmark-columns=min,median,mean,max,rounds $(BENCH_ARGS)

# Needs a PostgreSQL server (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/wangge_bench_<cases>).
BENCH_CASES ?= 20000
BENCH_DURATION ?= 10
BENCH_CONCURRENCY ?= 8
bench-load: $(BASE_STAMP)
	@$(MAKE) catalogs
	$(PY) benchmarks/bench_load.py --cases $(BENCH_CASES) --duration $(BENCH_DURATION) --concurrency $(BENCH_CONCURRENCY)

lint: $(DEV_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy .

lock: $(DEV_STAMP)
	$(LOCK) requirements/base.in -o requirements/base.txt
	$(LOCK) requirements/dev.in -o requirements/dev.txt

clean:
	rm -rf var/static test-artifacts .pytest_cache .mypy_cache .ruff_cache .benchmarks
	rm -f var/demo-logins.txt $(BASE_STAMP) $(DEV_STAMP)
	find locale -name '*.mo' -delete 2>/dev/null || true
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) var
