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
test: build pyenv
	$(SWIFT) build --build-tests
	NAS_TUI_BIN=$(CURDIR)/$(BIN) $(SWIFT) test --skip-build

## The tensor-core benchmark (W1-W3 of bench/WORKLOADS.md).
bench: build
	$(BIN) bench

clean:
	rm -rf .build
