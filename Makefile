# nas-tui: `make run` and `make test` are all a newcomer needs.
SWIFT        ?= swift
DEB_PACKAGES := libopenblas-dev libncursesw5-dev zlib1g-dev libsqlite3-dev dataset-fashion-mnist tmux
BIN          := .build/release/nas-tui
ARGS         ?=

.PHONY: run test bench build deps clean

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

## Build and run the whole test suite (debug build; end-to-end tests use the release binary).
test: build
	$(SWIFT) build --build-tests
	NAS_TUI_BIN=$(CURDIR)/$(BIN) $(SWIFT) test --skip-build

## The tensor-core benchmark (W1-W3 of bench/WORKLOADS.md).
bench: build
	$(BIN) bench

clean:
	rm -rf .build
