// The fast engine (sim/fast_channel.hpp, sim/fast_centroid_match.hpp) against the Verilated RTL:
// the same selections and decode steps on both engines, every cycle count, command and result
// bit compared. The centroid-match model on random streams with random arrival gaps (MaxSel 4
// and 16 builds, many passes); whole decode steps of every policy on the small channel (both
// controller modes, fp16 and bf16, the 2 x 2 organisation, passes beyond MaxSel) and on the
// paper's 64-bank channel. Seeded: STARC_SEED overrides the default (printed).
#include <algorithm>
#include <map>
#include <cstring>
#include <functional>
#include <random>

#include <fmt/core.h>
#include <gtest/gtest.h>

#include "host/policy.hpp"
#include "host/synthetic_kv.hpp"
#include "sim/centroid_match_harness.hpp"
#include "sim/decode_cosim.hpp"
#include "sim/fast_centroid_match.hpp"
#include "sim/fast_channel.hpp"
#include "sim/head_step_runner.hpp"
#include "same_policy_figures.hpp"
#include "test_seed.hpp"

namespace {

std::uint64_t seed() {
  static const std::uint64_t s = starc::test::test_seed(13);
  return s;
}

// ---- Centroid-match unit: the C++ cycle model against the Verilated unit -------------------

void expect_same_selection(pim::CentroidMatcher& rtl, pim::CentroidMatcher& fast,
                           const std::vector<pim::CentroidEntry>& e, std::uint32_t budget,
                           const std::vector<std::uint64_t>& ready) {
  const pim::CentroidMatchPassesRun a = rtl.select_passes(e, budget, ready);
  const pim::CentroidMatchPassesRun b = fast.select_passes(e, budget, ready);
  ASSERT_EQ(a.passes.size(), b.passes.size());
  for (std::size_t p = 0; p < a.passes.size(); ++p) {
    SCOPED_TRACE(fmt::format("pass {}", p + 1));
    EXPECT_EQ(a.passes[p].selection, b.passes[p].selection);
    EXPECT_EQ(a.passes[p].cycles, b.passes[p].cycles);
    EXPECT_EQ(a.passes[p].stream_cycles, b.passes[p].stream_cycles);
  }
  EXPECT_EQ(a.cycles, b.cycles);
  EXPECT_EQ(a.selection, b.selection);
  EXPECT_FALSE(rtl.got_error());
}

class FastCentroidMatch : public ::testing::TestWithParam<int> {};

TEST_P(FastCentroidMatch, SameSelectionsAndCyclesAsTheRtlOnRandomStreams) {
  const bool s4 = GetParam() == 4;
  pim::CentroidMatchHarness rtl(s4 ? pim::make_centroid_match_s4({}) : pim::make_centroid_match_s16({}));
  pim::FastCentroidMatch fast(rtl.max_sel(), rtl.max_clusters(), rtl.in_width());
  std::mt19937_64 rng(seed());
  fmt::print("seed {}\n", seed());
  const int max_c = std::min(rtl.max_clusters(), 300);
  for (int trial = 0; trial < 60; ++trial) {
    const int c = 1 + static_cast<int>(rng() % static_cast<unsigned>(max_c));
    std::vector<pim::CentroidEntry> e;
    std::vector<std::uint32_t> ids(static_cast<std::size_t>(c));
    for (int i = 0; i < c; ++i) ids[static_cast<std::size_t>(i)] = static_cast<std::uint32_t>(i * 3 + rng() % 3);
    std::shuffle(ids.begin(), ids.end(), rng);
    for (int i = 0; i < c; ++i) {
      // Scores with ties (a few distinct values) or spread; sizes 0..64.
      const float s = trial % 3 == 0 ? static_cast<float>(rng() % 4) : static_cast<float>(rng() % 100000) * 1e-3f - 50.0f;
      std::uint32_t bits = 0;
      std::memcpy(&bits, &s, 4);
      e.push_back({ids[static_cast<std::size_t>(i)], bits, static_cast<std::uint8_t>(rng() % 65)});
    }
    const std::uint32_t budget = static_cast<std::uint32_t>(rng() % (40u * static_cast<unsigned>(c) + 2));
    // Arrival: all at once, or gaps as MVSB results give them (8 scores every few cycles).
    std::vector<std::uint64_t> ready;
    if (trial % 2 == 1) {
      std::uint64_t t = 0;
      for (int i = 0; i < c; ++i) {
        if (i > 0 && rng() % 4 == 0) t += rng() % 7;
        ready.push_back(t);
      }
    }
    SCOPED_TRACE(fmt::format("trial {}: {} entries, budget {}, {}", trial, c, budget,
                             ready.empty() ? "no gaps" : "gaps"));
    expect_same_selection(rtl, fast, e, budget, ready);
  }
}

INSTANTIATE_TEST_SUITE_P(Builds, FastCentroidMatch, ::testing::Values(4, 16),
                         [](const auto& info) { return fmt::format("MaxSel{}", info.param); });

// ---- Whole decode steps on both engines ----------------------------------------------------

const starc::KvSource& workload(pim::Fmt fmt) {
  static std::map<pim::Fmt, starc::KvSource> cache;
  auto it = cache.find(fmt);
  if (it == cache.end()) {
    starc::SyntheticParams p;
    p.context = 1024;
    p.steps = 2;
    p.seed = seed();
    it = cache.emplace(fmt, starc::generate_synthetic(p, fmt)).first;
  }
  return it->second;
}

enum class Channel { small, two_by_two, full };

struct EngineRun {
  std::vector<pim::PolicyStats> stats;
  std::vector<pim::Command> cmds;
};

EngineRun run_engine(bool fast, Channel ch, pim::Fmt fmt, const pim::DecodeConfig& cfg, bool cmatch_s4 = false,
                     const std::vector<std::string>& policies = starc::policy_names(),
                     const starc::KvSource* kv = nullptr) {
  pim::ChannelSimOptions opt{fmt, seed(), ""};
  const unsigned head_dim = kv ? static_cast<unsigned>(kv->heads.at(0).keys.cols()) : 128u;
  opt.head_dim = head_dim;  // the RTL channel's mode register
  std::unique_ptr<pim::ChannelSim> rtl;
  if (!fast) {
    rtl = ch == Channel::small       ? pim::make_channel_sim_small(opt)
          : ch == Channel::two_by_two ? pim::make_channel_sim_2x2(opt)
                                      : pim::make_channel_sim_full(opt);
  }
  const pim::Org org = ch == Channel::small       ? pim::small_channel_org()
                       : ch == Channel::two_by_two ? pim::channel_2x2_org()
                                                   : pim::hbm3_pim_org();
  std::unique_ptr<pim::ChannelSim> channel =
      fast ? pim::make_fast_channel(org, pim::timing_preset("hbm3-pim"), opt) : std::move(rtl);
  std::unique_ptr<pim::CentroidMatcher> cm;
  if (fast) {
    cm = cmatch_s4 ? std::make_unique<pim::FastCentroidMatch>(4, 4096, 4)
         : ch == Channel::full ? std::make_unique<pim::FastCentroidMatch>()
                               : std::make_unique<pim::FastCentroidMatch>(16, 256, 4);
  } else {
    const pim::CentroidMatchOptions cmo{static_cast<std::uint32_t>(seed()), ""};
    cm = std::make_unique<pim::CentroidMatchHarness>(
        cmatch_s4 ? pim::make_centroid_match_s4(cmo)
                  : ch == Channel::full ? pim::make_centroid_match_s256(cmo) : pim::make_centroid_match_s16(cmo));
  }
  pim::DecodeCosim cosim(*channel, cm.get(), kv ? *kv : workload(fmt), cfg);
  EngineRun r;
  for (const auto& p : policies) r.stats.push_back(cosim.run_policy(p));
  r.cmds = cosim.commands();
  return r;
}

// Every command (cycle and every field), every per-step cycle count and phase start, every output
// bit, the selection, the events, and the checks of the RTL run.
void expect_same_run(const EngineRun& rtl, const EngineRun& fast) {
  ASSERT_EQ(rtl.cmds.size(), fast.cmds.size());
  std::size_t differing = 0;
  for (std::size_t i = 0; i < rtl.cmds.size(); ++i) {
    const pim::Command &a = rtl.cmds[i], &b = fast.cmds[i];
    if (a != b && differing++ == 0)
      ADD_FAILURE() << fmt::format("command {}: RTL {} at cycle {}, fast {} at cycle {}", i, pim::op_name(a.op),
                                   a.cycle, pim::op_name(b.op), b.cycle);
  }
  EXPECT_EQ(differing, 0u);
  ASSERT_EQ(rtl.stats.size(), fast.stats.size());
  for (std::size_t p = 0; p < rtl.stats.size(); ++p) {
    const pim::PolicyStats &a = rtl.stats[p], &b = fast.stats[p];
    SCOPED_TRACE(a.policy);
    // The RTL run is clean (so the fast run's figures are the RTL's).
    EXPECT_GT(a.compared, 0u);
    EXPECT_EQ(a.mismatches, 0u) << a.first_mismatch;
    EXPECT_EQ(a.cmatch_mismatches, 0u) << a.cmatch_first_mismatch;
    EXPECT_EQ(a.rtl_timing_errors, 0u);
    EXPECT_EQ(b.rtl_timing_errors, 0u);
    EXPECT_EQ(b.cmatch_mismatches, 0u) << b.cmatch_first_mismatch;
    EXPECT_EQ(a.trace_violations, b.trace_violations);
    starc_test::expect_same_policy_figures(a, b);
    // And what only the engines' comparison can ask: the same phase start cycles, the same
    // tokens, the same score error, the same centroid-match busy cycles.
    ASSERT_EQ(a.steps.size(), b.steps.size());
    for (std::size_t s = 0; s < a.steps.size(); ++s) {
      SCOPED_TRACE(fmt::format("step {}", s));
      const pim::StepStats &x = a.steps[s], &y = b.steps[s];
      EXPECT_EQ(x.at.start, y.at.start);
      EXPECT_EQ(x.at.selection, y.at.selection);
      EXPECT_EQ(x.at.keys, y.at.keys);
      EXPECT_EQ(x.at.softmax, y.at.softmax);
      EXPECT_EQ(x.at.values, y.at.values);
      EXPECT_EQ(x.at.end, y.at.end);
      EXPECT_EQ(x.tokens, y.tokens);
      EXPECT_EQ(x.score_max_abs_err, y.score_max_abs_err);
    }
    EXPECT_EQ(a.events.cmatch_busy_cycles, b.events.cmatch_busy_cycles);
    EXPECT_EQ(a.selected_tokens, b.selected_tokens);
  }
}

TEST(FastEngine, EveryPolicyBothModesSmallChannelIdenticalToRtl) {
  for (const auto mode : {pim::CtrlMode::lockstep, pim::CtrlMode::per_bg}) {
    SCOPED_TRACE(pim::ctrl_mode_name(mode));
    pim::DecodeConfig cfg;
    cfg.budget = 256;
    cfg.mode = mode;
    expect_same_run(run_engine(false, Channel::small, pim::Fmt::fp16, cfg),
                    run_engine(true, Channel::small, pim::Fmt::fp16, cfg));
  }
}

// The head dimension is the channel's run-time mode (docs/design.md section 2): D = 64 and 256
// on the one small build, every policy, identical on both engines.
TEST(FastEngine, EveryHeadDimensionIdenticalToRtl) {
  for (const int d : {64, 256}) {
    SCOPED_TRACE(fmt::format("D = {}", d));
    starc::SyntheticParams p;
    p.context = 512;
    p.steps = 1;
    p.head_dim = d;
    p.seed = seed();
    const starc::KvSource kv = starc::generate_synthetic(p, pim::Fmt::fp16);
    pim::DecodeConfig cfg;
    cfg.budget = 128;
    expect_same_run(run_engine(false, Channel::small, pim::Fmt::fp16, cfg, false, starc::policy_names(), &kv),
                    run_engine(true, Channel::small, pim::Fmt::fp16, cfg, false, starc::policy_names(), &kv));
  }
}

TEST(FastEngine, Bf16TwoByTwoAndClusterLayoutIdenticalToRtl) {
  pim::DecodeConfig cfg;
  cfg.budget = 128;
  cfg.striped.buckets = 8;  // the 2 x 2 organisation's 128 rows
  expect_same_run(run_engine(false, Channel::two_by_two, pim::Fmt::bf16, cfg),
                  run_engine(true, Channel::two_by_two, pim::Fmt::bf16, cfg));
  cfg = {};
  cfg.budget = 300;
  cfg.layout = pim::LayoutChoice::cluster;
  cfg.params.hierarchical = false;
  const std::vector<std::string> clustered = {"dense", "oracle", "starc"};  // quest needs token order
  expect_same_run(run_engine(false, Channel::small, pim::Fmt::fp16, cfg, false, clustered),
                  run_engine(true, Channel::small, pim::Fmt::fp16, cfg, false, clustered));
}

TEST(FastEngine, SelectionInManyPassesIdenticalToRtl) {
  pim::DecodeConfig cfg;
  cfg.budget = 1000;  // ~15 passes of the MaxSel 4 build per step
  cfg.params.hierarchical = false;
  expect_same_run(run_engine(false, Channel::small, pim::Fmt::fp16, cfg, true),
                  run_engine(true, Channel::small, pim::Fmt::fp16, cfg, true));
}

TEST(FastEngine, PaperChannelIdenticalToRtl) {
  pim::DecodeConfig cfg;
  cfg.budget = 256;
  expect_same_run(run_engine(false, Channel::full, pim::Fmt::fp16, cfg),
                  run_engine(true, Channel::full, pim::Fmt::fp16, cfg));
}

// The model command's RTL-sample comparison (sim/head_step_runner.hpp) finds each kind of
// difference between the engines it claims to check, and counts every item it compares.
TEST(FastEngine, ModelSampleComparisonCatchesEachDifference) {
  pim::EngineRun run;
  for (unsigned i = 0; i < 3; ++i) {
    pim::Command c;
    c.cycle = 10 * i;
    c.op = pim::Op::MACAB;
    c.col = i;
    c.mask = 0x3;
    run.cmds.push_back(c);
  }
  pim::PolicyStats ps;
  ps.policy = "starc";
  pim::StepStats st;
  st.cycles.total = 100;
  st.tokens = {1, 5, 9};
  st.output = {0.0f, -2.0f};
  ps.steps = {st, st};
  ps.cycles.total = 200;
  ps.cmatch_cycles = 7;
  run.stats = {ps};
  auto compare = [&](const pim::EngineRun& fast) {
    starc::HeadStepRecord rec;
    pim::compare_engine_runs(run, fast, rec);
    return rec;
  };
  const auto same = compare(run);
  EXPECT_EQ(same.engine_mismatches, 0u);
  EXPECT_EQ(same.engine_checked, 1u + 3u + 2u * 3u + 1u);  // size, commands, 3 per step, the policy
  std::vector<std::pair<std::string, std::function<void(pim::EngineRun&)>>> faults = {
      {"command", [](pim::EngineRun& r) { r.cmds[1].mask = 0x1; }},
      {"command mode", [](pim::EngineRun& r) { r.cmds[2].mode = pim::Mode::axpy; }},
      {"commands", [](pim::EngineRun& r) { r.cmds.pop_back(); }},
      {"step cycles", [](pim::EngineRun& r) { r.stats[0].steps[1].cycles.keys += 1; }},
      {"tokens", [](pim::EngineRun& r) { r.stats[0].steps[0].tokens[2] = 8; }},
      {"output bits (-0 against +0)", [](pim::EngineRun& r) { r.stats[0].steps[1].output[0] = -0.0f; }},
      {"steps", [](pim::EngineRun& r) { r.stats[0].steps.pop_back(); }},
      {"cmatch", [](pim::EngineRun& r) { r.stats[0].cmatch_passes += 1; }},
  };
  for (auto& [what, fault] : faults) {
    SCOPED_TRACE(what);
    pim::EngineRun fast = run;
    fault(fast);
    const auto rec = compare(fast);
    EXPECT_GE(rec.engine_mismatches, 1u);
    EXPECT_FALSE(rec.first_engine_mismatch.empty());
  }
}

TEST(FastEngine, RefusesWavesAndFaults) {
  pim::ChannelSimOptions opt;
  opt.waves = "x.fst";
  EXPECT_THROW(pim::make_fast_channel(pim::small_channel_org(), pim::timing_preset("hbm3-pim"), opt),
               std::invalid_argument);
  auto ch = pim::make_fast_channel(pim::small_channel_org(), pim::timing_preset("hbm3-pim"), {});
  pim::FaultPlan plan;
  EXPECT_THROW(ch->inject(&plan), std::invalid_argument);
  EXPECT_NO_THROW(ch->inject(nullptr));
  EXPECT_THROW(pim::FastCentroidMatch(1, 16, 1), std::invalid_argument);
}

}  // namespace
