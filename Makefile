# starc-pim front door. `make test` works as the first command on a fresh Debian 12 clone.
BUILD ?= build
JOBS  ?= $(shell nproc)
STARCSIM = $(abspath $(BUILD))/host/cli/starcsim

.PHONY: all deps build test lint synth bench clean

all: build

deps:
	@scripts/deps.sh

$(BUILD)/CMakeCache.txt: | deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j$(JOBS)
	@echo "starcsim: $(STARCSIM)"

test: build
	ctest --test-dir $(BUILD) --output-on-failure -j$(JOBS)

lint: deps
	@scripts/lint.sh

synth: deps
	@scripts/synth.sh

bench: build
	@scripts/bench.sh $(BUILD)

clean:
	rm -rf $(BUILD)
