# Two commands on a fresh machine (Python 3.11+ and make):
#   make chat   installs talkcure in .venv and starts a conversation (embedded SQLite)
#   make test   installs talkcure with its test tools and runs lint + the whole suite
VENV ?= .venv
PYTHON ?= python3
STAMP := $(VENV)/.installed

CHROMIUM ?= /usr/bin/chromium

.PHONY: chat test install lint bench browser screenshots bench-web

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

chat: $(STAMP)
	$(VENV)/bin/talkcure chat

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests bench

# The browser tests drive Debian's Chromium (never a downloaded browser): installed
# here when missing and we are root; otherwise those tests skip (CI makes that a failure).
browser:
	@if [ ! -x $(CHROMIUM) ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing Debian's chromium for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "note: $(CHROMIUM) is missing and this is not root: the browser tests will be skipped"; \
	  fi; \
	fi

test: lint browser
	$(VENV)/bin/python -m pytest -q

# Re-take the screenshots in docs/screenshots/ (README "Web app").
screenshots: $(STAMP) browser
	TALKCURE_SAVE_SCREENSHOTS=1 $(VENV)/bin/python -m pytest -q tests/web/test_web_browser.py -k sqlite

bench: $(STAMP)
	$(VENV)/bin/python bench/turn_latency.py

# Web reliability figures (minutes, loopback only): load, kill -9 recovery, API fuzzing.
bench-web: $(STAMP)
	$(VENV)/bin/pip install --quiet -e ".[bench]"
	$(VENV)/bin/python bench/web_load.py
	$(VENV)/bin/python bench/web_crash.py
	$(VENV)/bin/python bench/web_fuzz.py
