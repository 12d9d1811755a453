# Quán triệt — `make run` serves the demo, `make test` runs the suite. Needs only Python 3.11+.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 5000
FLASK  := $(BIN)/flask --app app

.PHONY: run test lint venv dev translations i18n clean help

help:
	@echo "make run    - install, migrate, load the course, seed demo data if empty, serve on 127.0.0.1:$(PORT)"
	@echo "make test   - install test tools and run the whole suite (TEST_DATABASE_URL for PostgreSQL)"
	@echo "make i18n   - re-extract UI messages and update the catalogues"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found " + sys.version.split()[0] + ")")'
	@$(PYTHON) -m venv $(VENV) 2>/dev/null || { \
	  rm -rf $(VENV); \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing python3-venv (Debian/Ubuntu ship venv separately)..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null && $(PYTHON) -m venv $(VENV); \
	  else \
	    echo "Could not create a virtual environment. On Debian/Ubuntu run: sudo apt-get install python3-venv"; exit 1; \
	  fi; }
	@$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: requirements-dev.txt requirements.txt $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	@touch $@

venv: $(VENV)/.installed
dev: $(VENV)/.installed-dev

# Compiled catalogues are build products (.mo files are not committed).
translations: $(VENV)/.installed
	@$(BIN)/pybabel compile -d lms/translations -D messages >/dev/null

i18n: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output \
	  --project "Quan triet" --copyright-holder "Quan triet" -o lms/translations/messages.pot .
	$(BIN)/pybabel update -i lms/translations/messages.pot -d lms/translations --no-fuzzy-matching --ignore-obsolete
	@echo "Now translate the new entries in lms/translations/vi/LC_MESSAGES/messages.po"

run: venv translations
	$(FLASK) db upgrade
	$(FLASK) content sync
	$(FLASK) demo --if-empty
	@echo "Quán triệt is at http://127.0.0.1:$(PORT)  (demo logins: see README.md)"
	$(BIN)/gunicorn --workers 2 --threads 4 --bind 127.0.0.1:$(PORT) --access-logfile - app:app

test: dev translations
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

# bandit: every exception is a `# nosec Bxxx` on its line, with the reason beside it.
lint: dev
	$(BIN)/ruff check lms tests bench app.py gunicorn.conf.py
	$(BIN)/bandit -q -r lms app.py gunicorn.conf.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
