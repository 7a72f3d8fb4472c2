// bench_channel: simulation speed of the full 64-bank channel RTL (2x2x4x4 banks, 16 lanes,
// hbm3-pim) on a dense head, with the golden model and scoreboard in lockstep. Counters:
// simulated cycles per wall-clock second, the head's cycles, bit-exact compared/mismatches.
#include <benchmark/benchmark.h>

#include "sim/channel_sim.hpp"
#include "sim/dense_cosim.hpp"

namespace {

void BM_FullChannelDenseHead(benchmark::State& state) {
  const auto mode = state.range(1) == 0 ? pim::CtrlMode::lockstep : pim::CtrlMode::per_bg;
  const auto head = pim::random_dense_head(static_cast<unsigned>(state.range(0)), 128, pim::Fmt::fp16, 1);
  double cycles = 0, seconds = 0, mismatches = 0, compared = 0, head_cycles = 0;
  for (auto _ : state) {
    auto sim = pim::make_channel_sim_full({});
    const auto rep = pim::run_dense_head(*sim, mode, head);
    cycles += static_cast<double>(rep.cycles);
    seconds += rep.wall_seconds;
    head_cycles = static_cast<double>(rep.cycles);
    mismatches += static_cast<double>(rep.mismatches);
    compared += static_cast<double>(rep.compared);
  }
  state.counters["sim_cycles_per_s"] = cycles / seconds;
  state.counters["head_cycles"] = head_cycles;
  state.counters["compared"] = compared;
  state.counters["mismatches"] = mismatches;
}
BENCHMARK(BM_FullChannelDenseHead)->Args({512, 0})->Args({512, 1})->Unit(benchmark::kSecond)->Iterations(1);

}  // namespace
