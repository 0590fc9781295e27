# The two commands of the README: `make run` and `make test`.
# Everything else here is what they need; each step is skipped when done.

VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
# .python-version pins the interpreter; fall back to whatever python3 is when
# no python3.12 is on the PATH (the venv step then tells if it is too old).
PYTHON_VERSION := $(shell cat .python-version)
BOOT_PYTHON ?= $(shell command -v python$(PYTHON_VERSION) || command -v python3)
HOST ?= 127.0.0.1
PORT ?= 8000
# The address links in e-mails, feeds and calendars point to under `make run`
# (and the django.contrib.sites row that allauth names the site from): the
# one served. Set it when HOST is no name a browser reaches (0.0.0.0).
SITE_URL ?= http://$(HOST):$(PORT)
# pytest-xdist workers for the suite, the browser tests included. Each worker
# has its own test database, Redis database (settings/test.py), live server
# and chromium.
TEST_WORKERS ?= 2

.PHONY: run test e2e lint check-deploy audit load faults messages clean

$(PY):
	$(BOOT_PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 12) and "Python 3.12 or newer is needed (see .python-version)")'
	$(BOOT_PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --disable-pip-version-check --upgrade pip==26.3

$(VENV)/.base-installed: requirements/base.txt | $(PY)
	$(PIP) install --quiet --disable-pip-version-check -r requirements/base.txt
	touch $@

$(VENV)/.test-installed: requirements/base.txt requirements/test.txt | $(PY)
	$(PIP) install --quiet --disable-pip-version-check -r requirements/test.txt
	touch $@ $(VENV)/.base-installed

## make run: install, migrate, load the demo data and serve on http://127.0.0.1:8000
# The site's own error pages; `make run DJANGO_DEBUG=True` shows Django's
# debug pages instead. Beside the development server, run_embedded runs the
# periodic tasks (digests, sweeps, purges) in a Celery worker with its beat,
# stopped with the server (conseils/embedded.py).
run: export SITE_URL := $(SITE_URL)
run: $(VENV)/.base-installed
	$(PY) manage.py migrate --no-input
	$(PY) manage.py seed_demo
	$(PY) manage.py run_embedded $(HOST):$(PORT)

## make test: install what the tests need, lint, check and run the whole suite
# One run of the whole suite, browser tests included, on TEST_WORKERS
# processes (the 30 slowest printed at the end): one test database made per
# worker, and the browser tests, which wait on chromium half of their time,
# dealt to both workers at the end of the run (tests/conftest.py). A
# PYTEST_ARGS subset ("-k avatar") that selects nothing makes pytest answer 5
# (no test collected), which is no failure here.
test: $(VENV)/.test-installed
	bash scripts/ensure-test-system-packages
	$(MAKE) --no-print-directory lint check-deploy
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest -n $(TEST_WORKERS) --durations=30 $(PYTEST_ARGS) || [ $$? -eq 5 ]

## make e2e: the browser tests only (Playwright driving Debian's chromium)
# A failed one leaves its screenshots in tmp/e2e-screenshots/.
e2e: $(VENV)/.test-installed
	bash scripts/ensure-test-system-packages
	$(PY) -m pytest -m browser $(PYTEST_ARGS)

# ruff, then bandit over the project's code (tests and benchmarks are not
# shipped; migrations are generated). Each bandit finding reviewed and waived
# is marked "nosec" in the code with its reason beside it.
lint: $(VENV)/.test-installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/bandit --quiet --recursive . \
		--exclude './.venv,./tests,./bench,./tmp,./media,./staticfiles,*/migrations/*' 2>/dev/null

# The production settings must pass Django's deployment checklist. The values
# below are stand-ins that only let the settings load; nothing connects.
check-deploy: $(VENV)/.base-installed
	DJANGO_SETTINGS_MODULE=conseils.settings.production \
	DJANGO_SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))') \
	DJANGO_ALLOWED_HOSTS=conseils.example.org \
	DATABASE_URL=postgres://check@127.0.0.1:5432/check \
	REDIS_URL=redis://127.0.0.1:6379/0 \
	$(PY) manage.py check --deploy --fail-level WARNING

# make audit, apart from make test: pip-audit checks every pinned version of
# the three requirements files (named one by one: pip-audit does not follow
# their "-r" lines) against the advisories PyPI publishes. Where that service
# does not answer (these machines reach no PyPI, or only a mirror without
# advisories), the probe, which asks about a release known to have advisories,
# gets none back and the target fails saying so: an audit never passes
# without having run.
AUDIT_PROBE_URL := https://pypi.org/pypi/Django/3.2/json

$(VENV)/.audit-installed: requirements/base.txt requirements/test.txt requirements/audit.txt | $(PY)
	$(PIP) install --quiet --disable-pip-version-check -r requirements/audit.txt
	touch $@

audit: $(VENV)/.audit-installed
	@$(PY) -c 'import json, sys, urllib.request; \
	answer = json.load(urllib.request.urlopen(sys.argv[1], timeout=10)); \
	sys.exit(not answer.get("vulnerabilities"))' $(AUDIT_PROBE_URL) 2>/dev/null || { \
	echo "pip-audit: the vulnerability database is not reachable from this machine;" \
	"dependencies NOT audited" >&2; exit 1; }
	$(VENV)/bin/pip-audit --strict --progress-spinner off --vulnerability-service pypi \
		--no-deps --disable-pip \
		-r requirements/base.txt -r requirements/test.txt -r requirements/audit.txt \
		-r requirements/load.txt

# make load, apart from make test: the load test of bench/load.py (locust,
# 200 simulated people for 60 s against gunicorn, PostgreSQL and Redis over
# `seed_demo --scale 49`), Markdown report on stdout. The database must be
# named *bench*; the first run seeds it (minutes), later runs reuse it.
LOAD_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/conseils_load_bench
LOAD_REDIS_URL ?= redis://127.0.0.1:6379/5

$(VENV)/.load-installed: requirements/base.txt requirements/test.txt requirements/load.txt | $(PY)
	$(PIP) install --quiet --disable-pip-version-check -r requirements/load.txt
	touch $@

load: $(VENV)/.load-installed
	DATABASE_URL=$(LOAD_DATABASE_URL) REDIS_URL=$(LOAD_REDIS_URL) $(PY) bench/load.py $(LOAD_ARGS)

# make faults, apart from make test: bench/faults.py starts the production
# shape on private ports and folders (its own PostgreSQL cluster and Redis,
# never the machine's on 5432 and 6379; an SMTP sink; gunicorn, a Celery
# worker and beat), injects the faults of issue 18 one after the other and
# prints one line per fault; it fails if any line shows something lost or
# doubled. About 15 minutes; FAULTS_ARGS=--quick for shorter outages.
faults: $(VENV)/.load-installed
	$(PY) bench/faults.py $(FAULTS_ARGS)

## make messages: refresh the French catalogue after changing strings
messages: $(VENV)/.base-installed
	$(PY) manage.py makemessages --locale fr --no-obsolete --ignore '.venv/*' --ignore 'tests/*'
	$(PY) manage.py compilemessages --locale fr --ignore '.venv/*'

clean:
	rm -rf $(VENV) db.sqlite3 media staticfiles
