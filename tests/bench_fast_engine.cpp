// bench_fast_engine: one head-step (one head, one decode step) at 32K context, the four policies
// of the paper's comparison (dense, token-wise, Quest, STARC; B = 1024, synthetic retrieval
// head), on the RTL engine (Verilated 64-bank hbm3-pim channel and centroid-match unit, golden
// model in lockstep) and on the fast engine (sim/fast_channel.hpp, sim/fast_centroid_match.hpp).
// The KV source is generated once, outside the timing, as `starcsim model` does per head-step.
// BM_HeadStep32K_FastVsRtl runs both on the same head-step, checks that every command, cycle
// count and output bit agrees, and reports rtl_s, fast_s and speedup = rtl_s / fast_s (issue 13
// target: at least 10): each the wall time from building the engine to the last policy's
// figures (not the copy of the command log the comparison needs).
#include <chrono>

#include <benchmark/benchmark.h>

#include "host/synthetic_kv.hpp"
#include "sim/decode_cosim.hpp"
#include "sim/fast_centroid_match.hpp"
#include "sim/fast_channel.hpp"

namespace {

const starc::KvSource& workload() {
  static const starc::KvSource kv = [] {
    starc::SyntheticParams p;
    p.context = 32768;
    p.steps = 1;
    return starc::generate_synthetic(p, pim::Fmt::fp16);
  }();
  return kv;
}

// Quest first: dense and token-wise then use its token-order layout (sim/decode_cosim.cpp).
const std::vector<std::string> kPolicies = {"quest", "dense", "tokenwise", "starc"};

struct HeadStep {
  std::vector<pim::PolicyStats> stats;
  std::vector<pim::Command> cmds;
  double seconds = 0;
};

HeadStep run(bool fast) {
  const auto t = std::chrono::steady_clock::now();
  std::unique_ptr<pim::ChannelSim> ch =
      fast ? pim::make_fast_channel(pim::hbm3_pim_org(), pim::timing_preset("hbm3-pim"), {})
           : pim::make_channel_sim_full({});
  std::unique_ptr<pim::CentroidMatcher> cm;
  if (fast) cm = std::make_unique<pim::FastCentroidMatch>();
  else cm = std::make_unique<pim::CentroidMatchHarness>(pim::make_centroid_match_s256({}));
  pim::DecodeConfig cfg;
  cfg.budget = 1024;
  pim::DecodeCosim cosim(*ch, cm.get(), workload(), cfg);
  HeadStep h;
  for (const auto& p : kPolicies) h.stats.push_back(cosim.run_policy(p));
  // The clock stops here: the copy of the command log below is for the comparison only.
  h.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
  h.cmds = cosim.commands();
  return h;
}

bool same(const HeadStep& a, const HeadStep& b) {
  if (a.cmds != b.cmds) return false;  // every field of every command
  for (std::size_t p = 0; p < a.stats.size(); ++p) {
    const auto &s = a.stats[p].steps.at(0), &t = b.stats[p].steps.at(0);
    if (s.cycles.total != t.cycles.total || s.output != t.output || s.tokens != t.tokens) return false;
    if (a.stats[p].mismatches != 0 || a.stats[p].cmatch_mismatches != 0 || a.stats[p].rtl_timing_errors != 0 ||
        b.stats[p].rtl_timing_errors != 0)
      return false;
  }
  return true;
}

void BM_HeadStep32K(benchmark::State& state, bool fast) {
  workload();
  HeadStep h;
  for (auto _ : state) h = run(fast);
  double engine = 0, golden = 0, host = 0;
  std::uint64_t cycles = 0;
  for (const auto& s : h.stats) {
    engine += s.wall.verilator;
    golden += s.wall.golden;
    host += s.wall.host;
    cycles += s.cycles.total;
  }
  state.counters["cycles"] = static_cast<double>(cycles);
  state.counters["channel_s"] = engine;  // Verilated models, or the fast engine's channel and unit
  state.counters["golden_s"] = golden;
  state.counters["host_s"] = host;
}

void BM_HeadStep32K_FastVsRtl(benchmark::State& state) {
  workload();
  double rtl_s = 0, fast_s = 0;
  bool identical = true;
  for (auto _ : state) {
    const HeadStep r = run(false);
    const HeadStep f = run(true);
    identical = identical && same(r, f);
    rtl_s += r.seconds;
    fast_s += f.seconds;
  }
  if (!identical) state.SkipWithError("the engines differ");
  const auto n = static_cast<double>(state.iterations());
  state.counters["rtl_s"] = rtl_s / n;
  state.counters["fast_s"] = fast_s / n;
  state.counters["speedup"] = rtl_s / fast_s;
}

BENCHMARK_CAPTURE(BM_HeadStep32K, rtl, false)->Iterations(1)->Unit(benchmark::kSecond);
BENCHMARK_CAPTURE(BM_HeadStep32K, fast, true)->Iterations(3)->Unit(benchmark::kSecond);
BENCHMARK(BM_HeadStep32K_FastVsRtl)->Iterations(2)->Unit(benchmark::kSecond);

}  // namespace
