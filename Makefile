# Two commands on a fresh machine (Python 3.11+ and make):
#   make chat   installs talkcure in .venv and starts a conversation (embedded SQLite)
#   make test   installs talkcure with its test tools and runs lint + the whole suite
VENV ?= .venv
PYTHON ?= python3
STAMP := $(VENV)/.installed

.PHONY: chat test install lint bench

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

test: lint
	$(VENV)/bin/python -m pytest -q

bench: $(STAMP)
	$(VENV)/bin/python bench/turn_latency.py
