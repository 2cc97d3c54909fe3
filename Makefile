# detective-rollout: every target runs inside .venv (created on first use).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
ASL := $(wildcard statemachines/*.asl.json)

.PHONY: test demo lint bench package clean

$(VENV): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(VENV)

test: $(VENV)
	$(BIN)/python -m pytest -n 2 -q

demo: $(VENV)
	mkdir -p build/demo
	$(BIN)/detective-rollout enable --local examples/demo-scenario.json --report build/demo/report.json; \
	  rc=$$?; if [ $$rc -eq 0 ] || [ $$rc -eq 3 ]; then exit 0; else exit $$rc; fi

lint: $(VENV)
	$(BIN)/ruff check detective_rollout tasks tests
	$(BIN)/mypy tasks
	$(BIN)/statelint $(ASL)
	$(BIN)/cfn-lint infra/*.yaml

bench: $(VENV)
	$(BIN)/python -m detective_rollout.bench

# The Lambda code package the SAM template deploys (CodeUri: ../build/lambda).
package: $(VENV)
	rm -rf build/lambda && mkdir -p build/lambda
	cp -r tasks build/lambda/tasks
	find build/lambda -name '__pycache__' -prune -exec rm -rf {} +
	$(BIN)/pip install --quiet --target build/lambda -r tasks/requirements.txt

clean:
	rm -rf build $(VENV)
