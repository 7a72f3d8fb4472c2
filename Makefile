# starc-pim front door. `make test` works as the first command on a fresh Debian 12 clone.
BUILD ?= build
JOBS  ?= $(shell nproc)
STARCSIM = $(abspath $(BUILD))/cli/starcsim

.PHONY: all deps build test lint synth bench clean sim paper paper-model waves plots long ppa coverage xsim sanitize fuzz mutate slurm-check sweep-small

all: build

deps:
	@scripts/deps.sh

$(BUILD)/CMakeCache.txt: | deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release

# NPC=1 (or NPC=0) reconfigures with (without) the 64-bank hbm3-pim-npc channel build.
NPC ?=
build: deps $(BUILD)/CMakeCache.txt
ifneq ($(NPC),)
	cmake -S . -B $(BUILD) -DSTARC_NPC_CHANNEL=$(if $(filter 1 ON on yes,$(NPC)),ON,OFF)
endif
	cmake --build $(BUILD) -j$(JOBS)
	@echo "starcsim: $(STARCSIM)"

test: build
	ctest --test-dir $(BUILD) --output-on-failure -j$(JOBS)

lint: deps
	@scripts/lint.sh

synth: deps
	@scripts/synth.sh

# Hardware cost from the RTL (issue 18): pim_bank and centroid_match on the OSU 0.18 um cells
# (Yosys + ABC, OpenSTA), energy per operation from a STARC step's activity (gate-level
# simulation), scaled to 14 nm; table on stdout, $(BUILD)/ppa/ppa.json. Not part of `make test`
# (tens of minutes on 2 cores, see README "Hardware cost from the RTL"). CM_MAX_SEL: the
# centroid-match unit's S to synthesise (default 128; 256 is the RTL default and twice the size).
CM_MAX_SEL ?= 128
ppa: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j$(JOBS) --target starcsim
	@scripts/ppa.py --build $(BUILD) --cm-max-sel $(CM_MAX_SEL)

bench: build
	@scripts/bench.sh $(BUILD)

clean:
	rm -rf $(BUILD)

# End-to-end co-simulation (issue 6). `make sim`: the built-in synthetic workload (16K-token
# context, D = 128, budget 1024, SIM_STEPS decode steps, every policy) on the Verilated
# 64-bank hbm3-pim channel; prints the report table and writes $(BUILD)/sim.json.
SIM_STEPS ?= 2
sim: build
	$(STARCSIM) run --context 16384 --steps $(SIM_STEPS) --budget 1024 --json $(BUILD)/sim.json

# The paper's performance configuration (contexts 16K/24K/32K, B = 1024, plus a budget sweep):
# STARC's latency/energy reductions (mean [min .. max] over 5 seeds x 2 steps) next to the
# artifact's figures, plots in $(BUILD)/paper; QUICK=1 make paper: one seed and step, in
# $(BUILD)/paper-quick (scripts/paper.sh).
paper: build
	@scripts/paper.sh $(BUILD)

# The system-level table alone (issue 13; also the last part of `make paper`): LLaMA-2-7B, batch
# 16, the 640-channel HBM3-PIM system, B = 1024, 16K/24K/32K, MODEL_SAMPLE (256) head-steps per
# context on the fast engine, MODEL_RTL (2) of them also on the RTL (scripts/paper_model.sh).
paper-model: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j$(JOBS) --target starcsim
	@scripts/paper_model.sh $(BUILD) $(BUILD)/paper

# Long contexts (issue 12): every policy at 16K .. 1M tokens, B = 2048 (scripts/long.sh; JSON,
# wall time and peak memory per run, summary table and plots in $(BUILD)/long). 6.5 min on 2
# cores (measured), half of it the all-policy run at 1M; DENSE_MAX=262144 make long leaves dense
# and token-wise out above 256K.
# Builds only the simulator (not the tests).
long: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j$(JOBS) --target starcsim
	@scripts/long.sh $(BUILD)

# A short run with waves (FST, 769 ps per cycle) and GTKWave save files written next to them in
# $(BUILD)/waves from sim/starc.gtkw, sim/starc_cmatch.gtkw (filters, phase markers; scripts/waves.sh).
waves: build
	@scripts/waves.sh $(BUILD)

# Plots of an existing `make paper` output directory (gnuplot, SVG and PNG).
plots:
	@scripts/plots.sh $(BUILD)/paper

# Verification depth (issue 15; README "Verification depth", docs/design.md section 13).
# RTL line and toggle coverage of the unit tests: $(BUILD)-cov, $(BUILD)/coverage/{table.txt,
# summary.json}; fails below MIN_LINE (95) percent line coverage in a module.
coverage: deps
	@JOBS=$(JOBS) scripts/coverage.sh $(BUILD)

# pim_mac and centroid_match under Icarus Verilog on the Verilator tests' vector files, results
# compared byte for byte (XSIM_MAC operations, XSIM_CMATCH selections), and the speed ratio.
xsim: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j$(JOBS) --target xsim_vectors
	@scripts/xsim.sh $(BUILD)

# The C++ (contracts, mapping, host, sim, the small Verilated models) with ASan + UBSan in
# $(BUILD)-asan, and its test suites (scripts/sanitize.sh prints the build and test times).
sanitize: deps
	@JOBS=$(JOBS) scripts/sanitize.sh $(BUILD)

# libFuzzer (clang): the .npy reader, the MAC vector-file parser, the command-trace parser,
# FUZZ_SECONDS (default 60) each; crashes/leaks/hangs in $(BUILD)/fuzz/artifacts.
FUZZ_SECONDS ?= 60
fuzz: deps
	@FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/fuzz.sh $(BUILD)

# Single mutations of pim_mac, pim_mac_front, the fp functions of pim_pkg and centroid_match,
# each run under Icarus on the `make xsim` vectors (scripts/mutate.py; MUTANTS per unit).
MUTANTS ?= 25
mutate: xsim
	@python3 scripts/mutate.py $(BUILD) --per-unit $(MUTANTS)

# Sweeps (issue 13; README "Sweeps", docs/design.md section 15). `make slurm-check`: a one-node
# Slurm started here (scripts/slurm/start.sh: auth/none, no munge, no cgroups), the 4-point
# sweeps/small.json (run) and sweeps/model-reduced.json (model shards) submitted as job arrays,
# merged, compared with the same sweeps run by `sweep local` (and the model shards' merged table
# with the unsharded run), daemons stopped (also on failure). ~15 s. Needs root (CI is) and slurm-wlm.
slurm-check: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j$(JOBS) --target starcsim
	@scripts/slurm/check.sh $(BUILD)

# The same sweep on this machine's cores only: plan, `sweep local`, merge into
# $(BUILD)/sweep-small/sweep.{csv,json}.
sweep-small: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j$(JOBS) --target starcsim
	rm -rf $(BUILD)/sweep-small && mkdir -p $(BUILD)/sweep-small
	$(STARCSIM) sweep plan --spec sweeps/small.json --manifest $(BUILD)/sweep-small/manifest.jsonl
	$(STARCSIM) sweep local --manifest $(BUILD)/sweep-small/manifest.jsonl
	$(STARCSIM) sweep merge --manifest $(BUILD)/sweep-small/manifest.jsonl
