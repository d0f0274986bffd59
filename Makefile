# Hearth: `make run` serves the forum with demo content; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := FORUM_ENV=development $(BIN)/flask --app wsgi

.PHONY: run test lint bench clean

$(BIN)/activate: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $(BIN)/activate

$(VENV)/.dev: $(BIN)/activate requirements-dev.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.dev

run: $(BIN)/activate
	$(FLASK) db upgrade
	$(FLASK) seed-demo --if-empty
	$(FLASK) run --host 127.0.0.1 --port 5000

test: $(VENV)/.dev
	$(BIN)/ruff check forum tests benchmarks config.py wsgi.py
	$(BIN)/pytest

lint: $(VENV)/.dev
	$(BIN)/ruff check forum tests benchmarks config.py wsgi.py

bench: $(VENV)/.dev
	$(BIN)/python benchmarks/bench_pages.py
	$(BIN)/python benchmarks/bench_safety.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
