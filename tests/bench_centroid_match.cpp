// centroid_match at its default parameters (MaxSel 256, MaxClusters 4096), Verilated: RTL clock
// cycles per selection for C = 512, 2048, 4096 centroids and budgets B = 256..2048 tokens.
//
// Streams are STARC-like: blocks of 4 clusters whose sizes split 64 tokens at random (empty
// clusters occur), scores uniform in [-4, 4). Every selection is checked against the golden
// model (select_centroids); a mismatch stops the benchmark with an error.
// Counters: cycles (first entry through done_o, inclusive), selected clusters n, and
// overhead = cycles - C - n (the contract: 1). The Yosys generic cell count of the unit at these
// parameters is printed by `make synth` (scripts/synth.sh), not here: synthesis takes minutes.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <bit>
#include <random>
#include <vector>

#include <fmt/core.h>

#include "sim/centroid_match_harness.hpp"
#include "host/centroid_select.hpp"

namespace {

std::vector<pim::CentroidEntry> starc_stream(int clusters, std::mt19937_64& rng) {
  std::vector<pim::CentroidEntry> e(static_cast<std::size_t>(clusters));
  std::uniform_real_distribution<float> score(-4.0f, 4.0f);
  for (int b = 0; b < clusters; b += 4) {
    // Three cut points in 0..64 split the block's 64 tokens into 4 clusters.
    int cuts[5] = {0, static_cast<int>(rng() % 65), static_cast<int>(rng() % 65),
                   static_cast<int>(rng() % 65), 64};
    std::sort(cuts + 1, cuts + 4);
    for (int k = 0; k < 4 && b + k < clusters; ++k) {
      pim::CentroidEntry& x = e[static_cast<std::size_t>(b + k)];
      x.id = static_cast<std::uint32_t>(b + k);
      x.score_bits = std::bit_cast<std::uint32_t>(score(rng));
      x.size = static_cast<std::uint8_t>(cuts[k + 1] - cuts[k]);
    }
  }
  return e;
}

void BM_CentroidMatchSelection(benchmark::State& state) {
  const int c = static_cast<int>(state.range(0));
  const auto budget = static_cast<std::uint32_t>(state.range(1));
  static pim::CentroidMatchHarness h(pim::make_centroid_match_s256({}), 1);
  std::mt19937_64 rng(1234u + static_cast<unsigned>(c) * 7u + budget);
  std::uint64_t cycles = 0, selected = 0, runs = 0, overhead = 0;
  for (auto _ : state) {
    state.PauseTiming();
    const auto entries = starc_stream(c, rng);
    const pim::CentroidSelection want = pim::select_centroids(entries, budget, h.max_sel());
    state.ResumeTiming();
    const pim::CentroidMatchRun run = h.select(entries, budget);
    if (!(run.selection == want) || h.got_error()) {
      state.SkipWithError("RTL selection differs from the golden model");
      return;
    }
    cycles += run.cycles;
    selected += run.selection.clusters.size();
    overhead += run.cycles - static_cast<std::uint64_t>(c) - run.selection.clusters.size();
    ++runs;
  }
  if (runs == 0) return;
  state.counters["C"] = c;
  state.counters["B"] = budget;
  state.counters["cycles"] = static_cast<double>(cycles) / static_cast<double>(runs);
  state.counters["n_sel"] = static_cast<double>(selected) / static_cast<double>(runs);
  state.counters["overhead"] = static_cast<double>(overhead) / static_cast<double>(runs);
  state.counters["max_cycles_bound"] = c + h.max_sel() + 1;
}

BENCHMARK(BM_CentroidMatchSelection)
    ->ArgsProduct({{512, 2048, 4096}, {256, 512, 1024, 2048}})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3);

}  // namespace
