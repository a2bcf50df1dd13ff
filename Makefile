# presskit — two commands: `make` sets up and builds everything, `make test` runs the tests.
PRESSKIT := .venv/bin/presskit
PYTHON   := .venv/bin/python

.PHONY: all build check test watch bench clean setup profiles approve

all: build

setup:
	@scripts/bootstrap

build: setup
	@$(PRESSKIT) build
	@$(PRESSKIT) check

# The press conditions' ICC profiles (also made by setup); `make profiles` remakes them from scratch.
profiles: setup
	@$(PYTHON) scripts/press-profiles --force

check: setup
	@$(PRESSKIT) check

test:
	@scripts/bootstrap --test
	@.venv/bin/ruff check .
	@.venv/bin/mypy
	@$(PYTHON) -m pytest -q

watch: setup
	@$(PRESSKIT) watch

# After a reviewed change of the look: re-render the approved pictures of tests/test_visual.py
# (tests/visual/), then look at them and commit them with the change.
approve: build
	@$(PYTHON) tests/test_visual.py build

bench:
	@scripts/bootstrap --test
	@$(PYTHON) scripts/bench

clean:
	rm -rf build
