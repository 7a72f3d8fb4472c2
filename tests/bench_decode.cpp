// bench_decode: wall time of one simulated decode step of one head at 32K context on the
// paper's channel (Verilated hbm3-pim, 64 banks, golden model in lockstep) for dense,
// token-wise, Quest and STARC (B = 1024, synthetic retrieval head). Counters: simulated cycles
// of the step, simulated cycles per wall second, and where the time goes (Verilator models,
// golden model, host: layouts, policy, controller, softmax, reference, trace check).
// The goal (issue 6) is the four policies together in under 10 s on the 2-core machine.
#include <benchmark/benchmark.h>

#include "sim/decode_cosim.hpp"
#include "host/synthetic_kv.hpp"

namespace {

const starc::KvSource& workload() {
  static const starc::KvSource kv = [] {
    starc::SyntheticParams p;
    p.context = 32768;
    p.steps = 1;
    p.head_dim = 128;
    return starc::generate_synthetic(p, pim::Fmt::fp16);
  }();
  return kv;
}

void BM_DecodeStep32K(benchmark::State& state, const char* policy) {
  const auto& kv = workload();
  auto sim = pim::make_channel_sim_full({});
  pim::CentroidMatchHarness cm(pim::make_centroid_match_s256({}));
  pim::DecodeConfig cfg;
  cfg.budget = 1024;
  pim::PolicyStats st;
  for (auto _ : state) {
    pim::DecodeCosim cosim(*sim, &cm, kv, cfg);
    st = cosim.run_policy(policy);
  }
  if (st.mismatches != 0 || st.cmatch_mismatches != 0 || st.rtl_timing_errors != 0 ||
      st.trace_violations != 0) {
    state.SkipWithError("co-simulation mismatch or timing error");
  }
  const double wall = st.wall.verilator + st.wall.golden + st.wall.host;
  state.counters["cycles"] = static_cast<double>(st.cycles.total);
  state.counters["cycles_per_s"] = wall > 0 ? st.cycles.total / wall : 0.0;
  state.counters["verilator_s"] = st.wall.verilator;
  state.counters["golden_s"] = st.wall.golden;
  state.counters["host_s"] = st.wall.host;
}

BENCHMARK_CAPTURE(BM_DecodeStep32K, dense, "dense")->Iterations(1)->Unit(benchmark::kSecond);
BENCHMARK_CAPTURE(BM_DecodeStep32K, tokenwise, "tokenwise")->Iterations(1)->Unit(benchmark::kSecond);
BENCHMARK_CAPTURE(BM_DecodeStep32K, quest, "quest")->Iterations(1)->Unit(benchmark::kSecond);
BENCHMARK_CAPTURE(BM_DecodeStep32K, starc, "starc")->Iterations(1)->Unit(benchmark::kSecond);

}  // namespace
