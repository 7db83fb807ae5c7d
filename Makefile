# Two commands for a newcomer: `make run` and `make test`. Both create the virtual environment
# and install on first use; both use SQLite and an in-memory channel layer unless DATABASE_URL
# and REDIS_URL are set.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run test lint format install migrate demo serve assets proof bench check-deploy clean messages lock

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Installs exactly the versions CI saw: the hashed lock, then our own code without resolving
# anything again. `make lock` updates the lock after a change to pyproject.toml (README).
$(STAMP): pyproject.toml requirements-dev.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-dev.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

# uv resolves for every platform and Python >= 3.11 at once (--universal); pip installs from it,
# so a newcomer needs no uv. The production lock is constrained to the dev lock's versions.
UV_COMPILE = $(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 --generate-hashes --quiet
lock: | $(BIN)/python
	$(BIN)/python -m pip install --quiet uv
	$(UV_COMPILE) --extra dev $(UV_ARGS) -o requirements-dev.lock
	$(UV_COMPILE) -c requirements-dev.lock -o requirements.lock

install: $(STAMP)

migrate: install
	$(BIN)/python manage.py migrate --noinput

# Translations: the compiled catalogues are committed, so run/test need no GNU gettext.
# --ignore=content/locale: with an app-level locale folder present, makemessages would file that
# app's strings there and strip them from locale/ (which wins at run time).
messages: install
	$(BIN)/python manage.py makemessages -l nl_BE -l en --ignore=.venv --ignore=node_modules --ignore=content/locale --no-obsolete
	$(BIN)/python manage.py compilemessages -l nl_BE -l en --ignore=.venv

demo: migrate
	$(BIN)/python manage.py load_demo_content

# PORT reaches the settings too: e-mail links and trusted origins follow it (portal/settings/dev.py).
serve:
	PORT=$(PORT) $(BIN)/uvicorn portal.asgi:application --host 127.0.0.1 --port $(PORT) --lifespan off

run: demo
	@echo "Veilig Huis serves at http://127.0.0.1:$(PORT) (sign-in: see README)"
	$(MAKE) --no-print-directory serve

# One process unless asked: `make test TEST_WORKERS=2` (or auto) spreads the tests over that many
# pytest-xdist workers, each with its own test database, Redis database and files folder
# (portal/settings/test.py says how).
TEST_WORKERS ?= 1
test: install
	DJANGO_SETTINGS_MODULE=portal.settings.test $(BIN)/python -m pytest $(if $(filter-out 0 1,$(TEST_WORKERS)),-n $(TEST_WORKERS)) $(PYTEST_ARGS)

lint: install
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy  # what it checks, and how strictly: [tool.mypy] in pyproject.toml
	$(BIN)/djhtml --check templates

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(BIN)/djhtml templates

check-deploy: install
	DJANGO_SETTINGS_MODULE=portal.settings.production SECRET_KEY=check-deploy-$$RANDOM$$RANDOM-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa ALLOWED_HOSTS=veilighuis.example \
		OPEN_BADGES_SIGNING_KEY=$$(head -c 32 /dev/urandom | base64) \
		$(BIN)/python manage.py check --deploy --fail-level WARNING

# The live-notes bundle (Yjs, y-websocket, Quill 2, y-quill) from frontend/, pinned by its lock
# file, into static/live_notes/ (committed, so run/test need no Node.js).
assets:
	cd frontend && npm ci --no-audit --no-fund && npm run build

# Every script under bench/ prints its figures; docs/performance.md collects them (BENCH_RUNS=2
# runs of each, the load average around each run; BENCH_ONLY=a,b to print a few). PostgreSQL and
# Redis are used when DATABASE_URL / REDIS_URL are set (the figures that matter need them).
bench: install
	cd bench/yws && npm ci --no-audit --no-fund --silent  # reference Yjs server for bench/live_notes.py
	$(BIN)/python bench/run_all.py

# Fault and load proofs (bench/proof/): a private PostgreSQL cluster and Redis server (free ports,
# temp dir), production ASGI processes; live notes under a killed process and Redis restart,
# PostgreSQL restart under load, worker restart, double submission, 200-client load, 64 concurrent
# signed-in requests within PostgreSQL's 100 connections (as in compose). Prints the
# figures; exits non-zero if a check fails. PROOF_ONLY=a,b / PROOF_SKIP=a,b select proofs
# (attacks, live_notes, postgres, worker, double_submit, load, connections, audit_witness).
proof: install
	timeout 900 $(BIN)/python -m bench.proof.run

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 db.sqlite3-wal db.sqlite3-shm
