# Two commands for a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP_RUN := $(VENV)/.stamp-run
STAMP_DEV := $(VENV)/.stamp-dev

.PHONY: run test lint typecheck pytest migrate bench bench-outbox bench-contests bench-announce bench-reports bench-monitoring clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP_RUN): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(STAMP_DEV): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(STAMP_RUN)

## run: install, apply migrations, start the bot (long polling, SQLite at data/bot.db)
run: $(STAMP_RUN)
	$(BIN)/python -m bot run

migrate: $(STAMP_RUN)
	$(BIN)/python -m bot migrate

## test: ruff, the import contracts, mypy and pytest
test: lint typecheck pytest

lint: $(STAMP_DEV)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/lint-imports

typecheck: $(STAMP_DEV)
	$(BIN)/mypy .

pytest: $(STAMP_DEV)
	$(BIN)/pytest -q -n auto

bench: $(STAMP_DEV)
	$(BIN)/python -m benchmarks.dispatcher

bench-outbox: $(STAMP_DEV)
	$(BIN)/python -m benchmarks.outbox

## bench-contests: a contest's results at 1,500 entries: ranking, protocol, diplomas
bench-contests: $(STAMP_DEV)
	$(BIN)/python -m benchmarks.contests

## bench-announce: a 10,000-recipient announcement: enqueue, sending rate at SEND_RATE and 30/s, memory
bench-announce: $(STAMP_DEV)
	$(BIN)/python -m benchmarks.announcements

## bench-reports: the completion report at 1,500 schools × 40 events (a district, the republic)
bench-reports: $(STAMP_DEV)
	$(BIN)/python -m benchmarks.reports

## bench-monitoring: the monitoring's summary, charts and note at 1,500 answered questionnaires
bench-monitoring: $(STAMP_DEV)
	$(BIN)/python -m benchmarks.monitoring

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
