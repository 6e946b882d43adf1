# The commands of the README: `make run` starts the bot, `make test` runs every check, `make demo`
# plays a scripted emergency against a fake Telegram (no token, no network; see bot/demo.py).
# Each creates the virtualenv (.venv) and installs the locked dependencies on first use.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-dev

.PHONY: run test demo lint typecheck pytest clean lock

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found " + sys.version.split()[0] + ")")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml requirements-dev.lock
	$(BIN)/pip install --quiet -r requirements-dev.lock
	$(BIN)/pip install --quiet --no-deps -e .
	@touch $@

run: $(STAMP)
	$(BIN)/hoatoc run

test: lint typecheck pytest

demo: $(STAMP)
	$(BIN)/python -m bot.demo

lint: $(STAMP)
	$(BIN)/ruff check .

typecheck: $(STAMP)
	$(BIN)/mypy

# Two workers, a test file each at a time (module-scoped fixtures stay in one process): most
# tests wait on HTTP to the fake Telegram, so two workers halve the suite on a 2-core machine.
pytest: $(STAMP)
	$(BIN)/pytest -n 2 --dist loadfile

# Regenerate the lock files after changing dependencies in pyproject.toml.
lock: $(STAMP)
	$(BIN)/pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --strip-extras --no-header --no-emit-index-url --no-emit-find-links -o requirements.lock pyproject.toml
	$(BIN)/pip-compile --quiet --strip-extras --no-header --no-emit-index-url --no-emit-find-links --extra test -o requirements-dev.lock pyproject.toml

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache *.egg-info
