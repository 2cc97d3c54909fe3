# detective-rollout: every target runs inside .venv (created on first use).
# The Lambda runtime's minor version (infra/template.yaml: Runtime python3.12): develop, test and package on it.
# pyenv installs it without putting it on PATH, so its versions are looked at too.
PYTHON ?= $(shell for p in python3.12 "$$(pyenv root 2>/dev/null)"/versions/3.12*/bin/python3.12; do \
	"$$p" -c '' 2>/dev/null && { command -v "$$p"; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
ASL := $(wildcard statemachines/*.asl.json)

.PHONY: test test-fast demo lint bench package clean

# Pins: pyproject.toml (direct) and constraints.txt (everything installed, transitive included).
$(VENV): pyproject.toml constraints.txt
	@test -n "$(PYTHON)" || { echo "python3.12 (the Lambda runtime's version) not found: install it or pass PYTHON=" >&2; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(VENV)

test: $(VENV)
	$(BIN)/python -m pytest -n 2 -q

# The inner loop: the task, emulator, engine, infra and ops tests and the repo-wide checks (under a minute warm).
# `make test` (what CI runs) adds the end-to-end workflow, disable, reliability, security and scale tests.
FAST_TESTS := tests/tasks tests/emulator tests/engine tests/infra tests/ops $(wildcard tests/test_*.py)
test-fast: $(VENV)
	$(BIN)/python -m pytest -n 2 -q $(FAST_TESTS)

demo: $(VENV)
	mkdir -p build/demo
	$(BIN)/detective-rollout enable --local examples/demo-scenario.json --report build/demo/report.json; \
	  rc=$$?; if [ $$rc -eq 0 ] || [ $$rc -eq 3 ]; then exit 0; else exit $$rc; fi

lint: $(VENV)
	$(BIN)/ruff check detective_rollout tasks tests
	$(BIN)/ruff format --check detective_rollout tasks tests
	$(BIN)/mypy tasks detective_rollout
	$(BIN)/statelint $(ASL)
	$(BIN)/cfn-lint infra/*.yaml

bench: $(VENV)
	$(BIN)/python -m detective_rollout.bench

# The Lambda code package the SAM template deploys (CodeUri: ../build/lambda): the pinned runtime dependencies,
# no console scripts, bytecode of the runtime's Python only (detective_rollout/package.py says why).
package: $(VENV)
	rm -rf build/lambda && mkdir -p build/lambda
	cp -r tasks build/lambda/tasks
	$(BIN)/pip install --quiet --no-compile --target build/lambda -c constraints.txt -r tasks/requirements.txt
	$(BIN)/python -m detective_rollout.package build/lambda

clean:
	rm -rf build $(VENV)
