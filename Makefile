# nas-tui: `make run` and `make test` are all a newcomer needs.
SWIFT        ?= swift
DEB_PACKAGES := libopenblas-dev libncursesw5-dev zlib1g-dev libsqlite3-dev dataset-fashion-mnist tmux postgresql
BIN          := .build/release/nas-tui
ARGS         ?=

PYENV        := .build/pyenv
PY_PACKAGES  := numpy==2.4.6 onnx==1.23.2 onnxruntime==1.32.0 safetensors==0.8.0

.PHONY: run test bench build deps pyenv clean

## Install the Debian packages that are missing (as root, or through sudo).
deps:
	@missing=""; for p in $(DEB_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing Debian packages:$$missing"; \
		if [ "$$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi; \
		$$sudo apt-get update -qq && $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

build: deps
	$(SWIFT) build -c release --product nas-tui

## Build and start nas-tui on the default experiment (pass options with ARGS="...").
run: build
	$(BIN) $(ARGS)

## The Python packages the saved-model tests check against (onnxruntime, onnx, safetensors,
## numpy; PyTorch is large and optional: NAS_TUI_TORCH_PYTHON=/path/to/python enables its test).
pyenv: $(PYENV)/installed
$(PYENV)/installed:
	python3 -m venv $(PYENV)
	$(PYENV)/bin/python -m pip install -q --disable-pip-version-check $(PY_PACKAGES)
	echo "$(PY_PACKAGES)" > $@

## Build and run the whole test suite (debug build; end-to-end tests use the release binary).
## Then a few seconds of each fuzz harness, and ThreadSanitizer unless NAS_TUI_SKIP_TSAN=1.
test: build pyenv
	$(SWIFT) build --build-tests
	NAS_TUI_BIN=$(CURDIR)/$(BIN) $(SWIFT) test --skip-build
	$(MAKE) fuzz-smoke
	@if [ "$(NAS_TUI_SKIP_TSAN)" = 1 ]; then echo "tsan: skipped (NAS_TUI_SKIP_TSAN=1)"; else $(MAKE) tsan; fi

## The tensor-core benchmark (W1-W3 of bench/WORKLOADS.md).
bench: build
	$(BIN) bench

## Fuzzing (Fuzz/run.sh): the libFuzzer harnesses of Fuzz/, one per parser, built with
## --sanitize=fuzzer and address into .build-fuzz and run one at a time, each for FUZZ_RUNS
## executions or FUZZ_SECONDS, whichever comes first; crashing inputs land in .build-fuzz/artifacts/.
FUZZ_RUNS          ?= 1000000
FUZZ_SECONDS       ?= 600
FUZZ_SMOKE_SECONDS ?= 3
.PHONY: fuzz fuzz-smoke
fuzz:
	SWIFT=$(SWIFT) FUZZ_RUNS=$(FUZZ_RUNS) FUZZ_SECONDS=$(FUZZ_SECONDS) Fuzz/run.sh $(FUZZERS)

## The regression run of `make test`: a few seconds of each harness over its committed corpus,
## the inputs of every crash found so far included. Fails (never skips) without libFuzzer.
fuzz-smoke:
	SWIFT=$(SWIFT) FUZZ_SECONDS=$(FUZZ_SMOKE_SECONDS) Fuzz/run.sh

## ThreadSanitizer: the Engine tests and the tensor worker-pool tests built with
## --sanitize=thread into .build-tsan; fails on any report (the count is printed, the reports
## are in .build-tsan/reports/).
TSAN_FILTER ?= EngineTests|WorkerPoolTests
.PHONY: tsan
tsan:
	$(SWIFT) build --build-tests --sanitize=thread --scratch-path .build-tsan
	@mkdir -p .build-tsan/reports && rm -f .build-tsan/reports/tsan.*
	@TSAN_OPTIONS="halt_on_error=0 log_path=$(CURDIR)/.build-tsan/reports/tsan" \
		$(SWIFT) test --skip-build --sanitize=thread --scratch-path .build-tsan --filter '$(TSAN_FILTER)'; status=$$?; \
	reports=$$(cat .build-tsan/reports/tsan.* 2>/dev/null | grep -c 'WARNING: ThreadSanitizer'); \
	echo "tsan: $$reports reports (tests exit $$status)"; \
	if [ "$$reports" -ne 0 ]; then cat .build-tsan/reports/tsan.*; exit 1; fi; exit $$status

clean:
	rm -rf .build .build-fuzz .build-tsan
