// End-to-end decode co-simulation (sim/decode_cosim.hpp) on the small Verilated channel
// (1 pch x 1 rank x 2 bank groups x 4 banks, 256 rows, D = 128) and the small centroid-match
// build (MaxSel 16, MaxClusters 256): every policy, both controller modes, a short synthetic
// context. The synthetic seed comes from STARC_SEED (printed).
#include <algorithm>
#include <cmath>
#include <cstdlib>

#include <fmt/core.h>
#include <map>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "host/cmd_trace.hpp"
#include "sim/decode_cosim.hpp"
#include "same_policy_figures.hpp"
#include "host/policy.hpp"
#include "host/synthetic_kv.hpp"
#include "test_seed.hpp"
#include "host/trace_checker.hpp"

namespace {

std::uint64_t seed() {
  static const std::uint64_t s = starc::test::test_seed(1);
  return s;
}

const starc::KvSource& make_workload(pim::Fmt fmt) {
  starc::SyntheticParams p;
  p.context = 1024;  // 1022 prefill tokens + 2 decode steps; 15 complete blocks at step 0
  p.steps = 2;
  p.head_dim = 128;
  p.seed = seed();
  return *new starc::KvSource(starc::generate_synthetic(p, fmt));
}

const starc::KvSource& workload(pim::Fmt fmt = pim::Fmt::fp16) {
  static const starc::KvSource& fp16 = make_workload(pim::Fmt::fp16);
  if (fmt == pim::Fmt::fp16) return fp16;
  static const starc::KvSource& bf16 = make_workload(pim::Fmt::bf16);
  return bf16;
}

// Which Verilated channel and input format a run uses: the small channel (1 pch x 1 rank x
// 2 bank groups x 4 banks) or the 2 pch x 2 ranks x 2 bank groups x 2 banks one; fp16 or bf16
// (the workload, the golden model and the RTL's format input).
struct Rig {
  bool two_by_two = false;
  pim::Fmt fmt = pim::Fmt::fp16;
};

struct CosimRun {
  std::map<std::string, pim::PolicyStats> stats;
  std::vector<pim::Command> cmds;
  std::vector<pim::TraceMark> marks;
  unsigned result_latency = 0;
  pim::Org org;
  pim::Timing timing;
};

CosimRun run(pim::CtrlMode mode, unsigned budget, const std::vector<std::string>& policies,
        const std::string& layout = "auto", bool hierarchical = false, double cover = 2.0,
        bool cmatch_s4 = false, bool group_rows = false, unsigned buckets = 64, const Rig& rig = {}) {
  const pim::ChannelSimOptions opt{rig.fmt, seed(), ""};
  auto sim = rig.two_by_two ? pim::make_channel_sim_2x2(opt) : pim::make_channel_sim_small(opt);
  const pim::CentroidMatchOptions cmo{static_cast<std::uint32_t>(seed()), ""};
  pim::CentroidMatchHarness cm(cmatch_s4 ? pim::make_centroid_match_s4(cmo) : pim::make_centroid_match_s16(cmo));
  pim::DecodeConfig cfg;
  cfg.budget = budget;
  cfg.mode = mode;
  cfg.layout = pim::parse_layout_choice(layout);
  cfg.params.hierarchical = hierarchical;
  cfg.params.hier_cover = cover;
  cfg.striped.group_rows = group_rows;
  cfg.striped.buckets = buckets;
  pim::DecodeCosim cosim(*sim, &cm, workload(rig.fmt), cfg);
  CosimRun r;
  for (const auto& p : policies) r.stats[p] = cosim.run_policy(p);
  r.cmds = cosim.commands();
  r.marks = cosim.marks();
  r.result_latency = sim->result_latency();
  r.org = sim->org();
  r.timing = sim->timing();
  return r;
}

void expect_clean(const pim::PolicyStats& s) {
  SCOPED_TRACE(s.policy + " " + s.mode);
  EXPECT_GT(s.compared, 0u);
  EXPECT_EQ(s.mismatches, 0u) << s.first_mismatch;
  EXPECT_EQ(s.cmatch_mismatches, 0u) << s.cmatch_first_mismatch;
  EXPECT_EQ(s.rtl_timing_errors, 0u);
  EXPECT_EQ(s.trace_violations, 0u);
  ASSERT_EQ(s.steps.size(), 2u);
  EXPECT_GT(s.cycles.keys, 0u);
  EXPECT_GT(s.cycles.values, 0u);
}

// Gap 1 of issue 20: the RTL's output vector against the exact attention over the tokens the
// policy selected, every step. The exact attention is computed here in double precision from the
// KV source (scores q.k / sqrt(D), softmax restricted to the selection, o = sum p_i v_i), so a
// wrong score -> token or probability -> slot mapping, which the golden model reproduces bit for
// bit, fails here. Step s attends to tokens [0, L - S + s + 1) (contracts/kv_source.hpp), which
// is checked against the KV source's shape, and dense attends all of them.
//
// Bound, per output dimension d, with a_d = sum_i p_i |v_id| and b_d = sum_i |v_id| over the
// n selected tokens, u32 = 2^-24, u = 2^-11 (fp16) or 2^-8 (bf16), D = 128:
//   - keys, values, queries are exact in the format; products of two 16-bit inputs are exact in
//     binary32; a score is a binary32 tree/accumulate of D products of depth at most log2(D) + 2
//     (16-lane tree, column accumulation, bank tree), so |score error| <= (log2 D + 2) u32
//     sum_j |k_ij q_j|; the host scales it and subtracts the maximum in binary32 (3 u32 |logit|
//     more): a logit error of at most e = max_i ((log2 D + 2) u32 sum_j |k_ij q_j| / sqrt(D)
//     + 3 u32 |logit_i|), which moves each normalised probability by at most 2e relative;
//   - exp, the sequential sum of n terms and the division: (n + 4) u32 relative;
//   - rounding each probability to the format: u relative, or half the smallest subnormal
//     (2^-25 fp16, 2^-134 bf16) absolute for a probability that underflows;
//   - the axpy accumulation of p_i v_id in binary32 over at most n tokens of a bank group and
//     the tree over bank groups: (n + 8) u32 of a_d.
// So |o^_d - o_d| <= (u + 2e + (2n + 12) u32) (1 + 2^-10) a_d + t b_d, t the subnormal term
// (the factor 1 + 2^-10 covers the second-order products of these relative errors).
// Measured: the error is 10-30% of this bound, and a probability swapped between two tokens
// exceeds it by orders of magnitude.
void expect_output_is_exact_attention(const pim::PolicyStats& s, const starc::KvSource& kv, pim::Fmt fmt) {
  SCOPED_TRACE(s.policy + " " + s.layout + " " + s.mode);
  const starc::KvHead& h = kv.heads.at(0);
  const unsigned d = static_cast<unsigned>(h.keys.cols()), L = static_cast<unsigned>(h.keys.rows()),
                 S = static_cast<unsigned>(h.queries.rows());
  ASSERT_EQ(s.steps.size(), S);
  const double u32 = std::ldexp(1.0, -24), u = fmt == pim::Fmt::fp16 ? std::ldexp(1.0, -11) : std::ldexp(1.0, -8);
  const double t = fmt == pim::Fmt::fp16 ? std::ldexp(1.0, -25) : std::ldexp(1.0, -134);
  const double depth = std::log2(double(d)) + 2;
  double worst = 0;  // largest error / bound over dimensions and steps
  for (unsigned si = 0; si < S; ++si) {
    SCOPED_TRACE(fmt::format("step {}", si));
    const pim::StepStats& st = s.steps[si];
    const unsigned n = L - S + si + 1;
    ASSERT_EQ(st.context, n);
    ASSERT_EQ(st.tokens.size(), st.selected);
    ASSERT_FALSE(st.tokens.empty());
    ASSERT_TRUE(std::is_sorted(st.tokens.begin(), st.tokens.end()));
    ASSERT_LT(st.tokens.back(), n);
    if (s.policy == "dense") {
      EXPECT_EQ(st.tokens.size(), n);
    }
    ASSERT_EQ(st.output.size(), d);
    const auto q = h.queries.row(si);
    std::vector<double> logit(st.tokens.size());
    double e = 0;
    for (std::size_t k = 0; k < st.tokens.size(); ++k) {
      double dot = 0, mag = 0;
      for (unsigned j = 0; j < d; ++j) {
        const double x = double(h.keys(st.tokens[k], j)) * double(q(j));
        dot += x;
        mag += std::abs(x);
      }
      logit[k] = dot / std::sqrt(double(d));
      e = std::max(e, depth * u32 * mag / std::sqrt(double(d)) + 3 * u32 * std::abs(logit[k]));
    }
    const double mx = *std::max_element(logit.begin(), logit.end());
    std::vector<double> p(logit.size());
    double z = 0;
    for (std::size_t k = 0; k < p.size(); ++k) z += (p[k] = std::exp(logit[k] - mx));
    for (auto& x : p) x /= z;
    const double sel = double(st.tokens.size());
    const double c = (u + 2 * e + (2 * sel + 12) * u32) * (1 + std::ldexp(1.0, -10));
    for (unsigned dim = 0; dim < d; ++dim) {
      double o = 0, a = 0, b = 0;
      for (std::size_t k = 0; k < p.size(); ++k) {
        const double v = h.values(st.tokens[k], dim);
        o += p[k] * v;
        a += p[k] * std::abs(v);
        b += std::abs(v);
      }
      const double bound = c * a + t * b;
      const double err = std::abs(double(st.output[dim]) - o);
      if (bound > 0) worst = std::max(worst, err / bound);
      EXPECT_LE(err, bound) << "dimension " << dim << ": RTL " << st.output[dim] << ", exact " << o;
    }
  }
  std::printf("%s/%s/%s: RTL output error at most %.3f of the derived bound\n", s.policy.c_str(), s.layout.c_str(),
              s.mode.c_str(), worst);
}

// Every policy on every layout it runs on (token order: dense, oracle, tokenwise, quest;
// cluster and striped: dense, oracle, tokenwise, starc), every step: the RTL output is the exact
// attention over the selection within the derived bound (expect_output_is_exact_attention).
// Catches (planted) a wrong score -> token mapping in the key phase
// (`layout.token_at(base + (slot ^ 1))` in DecodeCosim::key_phase), and a probability sent to
// the slot of another token in the value phase; the golden model follows the same commands, so
// the bit-exact checks pass on both.
TEST(DecodeCosim, RtlOutputIsTheExactAttentionOverTheSelectionEveryPolicyAndLayout) {
  for (const char* layout : {"token", "cluster", "striped"}) {
    std::vector<std::string> policies{"dense", "oracle", "tokenwise"};
    policies.push_back(std::string(layout) == "token" ? "quest" : "starc");
    const CosimRun r = run(pim::CtrlMode::lockstep, 128, policies, layout);
    for (const auto& [name, s] : r.stats) {
      expect_clean(s);
      expect_output_is_exact_attention(s, workload(), pim::Fmt::fp16);
    }
  }
}

TEST(DecodeCosim, EveryPolicyBitExactLockstep) {
  const CosimRun r = run(pim::CtrlMode::lockstep, 128, starc::policy_names());
  for (const auto& [name, s] : r.stats) {
    expect_clean(s);
    expect_output_is_exact_attention(s, workload(), pim::Fmt::fp16);
    for (const auto& st : s.steps) {
      if (name == "dense") {
        EXPECT_EQ(st.selected, st.context);
        // Against the exact dense output: the derived bound of expect_output_is_exact_attention
        // (per dimension, about 2^-11 of sum_i p_i |v_id| here) in norm is below 1e-3 of the
        // output's norm for this workload (measured 2e-4; the former bound was 1e-2).
        EXPECT_LT(st.fidelity.rtl_rel_err, 1e-3);
      } else {
        EXPECT_EQ(st.selected, 128u) << name;
      }
    }
  }
  // STARC: both centroid-match checks per step (RTL unit vs golden, policy fill vs unit).
  EXPECT_EQ(r.stats.at("starc").cmatch_compared, 4u);
  EXPECT_GT(r.stats.at("starc").cycles.selection, 0u);
  EXPECT_GT(r.stats.at("starc").cmatch_cycles, 0u);
  EXPECT_EQ(r.stats.at("dense").cycles.selection, 0u);
  EXPECT_GT(r.stats.at("quest").cycles.selection, 0u);
  EXPECT_GT(r.stats.at("tokenwise").cycles.selection, 0u);
  // STARC reads fewer rows and takes fewer cycles than dense at a budget of 1/8 of the context.
  EXPECT_LT(r.stats.at("starc").events.activations, r.stats.at("dense").events.activations);
  EXPECT_LT(r.stats.at("starc").cycles.total, r.stats.at("dense").cycles.total);
  EXPECT_LT(r.stats.at("starc").events.bank_bytes_read, r.stats.at("dense").events.bank_bytes_read);
  // The oracle attends exactly its top-B set.
  for (const auto& st : r.stats.at("oracle").steps) EXPECT_DOUBLE_EQ(st.fidelity.hit_rate, 1.0);
  // The whole run's trace passes the independent checker, and a corrupted copy does not.
  std::stringstream ss;
  pim::write_trace(ss, r.org, r.timing, r.cmds);
  EXPECT_TRUE(pim::check_trace(pim::parse_trace(ss)).empty());
  auto bad = r.cmds;
  for (std::size_t i = 1; i < bad.size(); ++i) {
    if (bad[i].op == pim::Op::MACAB && bad[i - 1].op == pim::Op::MACAB) {
      bad[i].cycle = bad[i - 1].cycle + 1;  // breaks nCCDAB
      break;
    }
  }
  std::stringstream bs;
  pim::write_trace(bs, r.org, r.timing, bad);
  EXPECT_FALSE(pim::check_trace(pim::parse_trace(bs)).empty());
}

// Gap 2 of issue 20: every policy on 2 pseudo-channels x 2 ranks x 2 bank groups x 2 banks
// (make_channel_sim_2x2), both controller modes: bit-exact, legal for the RTL checker and the
// trace checker, the output the exact attention over the selection. per-bg opens rows with
// single-bank ACTs in all four (pch, rank) pairs. Catches pseudo-channel and rank swapped in
// contracts/pim_org.hpp global_bank_group (planted: the golden model and the trace checker then
// address other banks than the RTL for ACT/PRE/MVGB/MVSB: mismatches and trace violations).
// 8 striped buckets: with 64, the striped layout does not fit the model's 128 rows.
TEST(DecodeCosim, TwoPseudoChannelsTwoRanksEveryPolicyBothModes) {
  for (const auto mode : {pim::CtrlMode::lockstep, pim::CtrlMode::per_bg}) {
    const CosimRun r = run(mode, 128, starc::policy_names(), "auto", false, 2.0, false, false, 8, Rig{true});
    EXPECT_EQ(r.org.pseudo_channels, 2u);
    EXPECT_EQ(r.org.ranks, 2u);
    for (const auto& [name, s] : r.stats) {
      expect_clean(s);
      expect_output_is_exact_attention(s, workload(), pim::Fmt::fp16);
      EXPECT_EQ(s.macab_per_bg.size(), 8u);
    }
    if (mode == pim::CtrlMode::per_bg) {
      // Single-bank ACTs reach every (pch, rank) pair.
      std::set<std::pair<unsigned, unsigned>> ranks;
      for (const auto& c : r.cmds)
        if (c.op == pim::Op::ACT) ranks.insert({c.pch, c.rank});
      EXPECT_EQ(ranks.size(), 4u);
    }
  }
}

// Gap 4 of issue 20: bf16 end to end through STARC decode steps (centroid scoring, the
// centroid-match unit, key and value phases) and dense, on the small channel with a bf16
// workload: bit-exact, and the output the exact attention within the bf16 bound. Catches a
// softmax that rounds the probabilities to fp16 whatever the format (planted: Fmt::fp16 in
// DecodeCosim::run_step's softmax_probabilities call; golden and RTL then agree on the wrong
// probabilities) and an RTL run in the wrong format (mismatches).
TEST(DecodeCosim, Bf16StarcDecodeStepsAreBitExactAndExactAttention) {
  const CosimRun r = run(pim::CtrlMode::lockstep, 128, {"dense", "starc"}, "auto", false, 2.0, false, false, 64,
                         Rig{false, pim::Fmt::bf16});
  for (const auto& [name, s] : r.stats) {
    expect_clean(s);
    expect_output_is_exact_attention(s, workload(pim::Fmt::bf16), pim::Fmt::bf16);
  }
  EXPECT_EQ(r.stats.at("starc").cmatch_compared, 4u);
  EXPECT_EQ(r.stats.at("starc").cmatch_mismatches, 0u);
  for (const auto& st : r.stats.at("starc").steps) EXPECT_EQ(st.selected, 128u);
}

TEST(DecodeCosim, PerBankGroupModeBitExact) {
  const CosimRun r = run(pim::CtrlMode::per_bg, 128, {"dense", "starc", "quest"});
  for (const auto& [name, s] : r.stats) {
    expect_clean(s);
    expect_output_is_exact_attention(s, workload(), pim::Fmt::fp16);
    EXPECT_EQ(s.mode, "per-bg");
  }
  // per-bg opens rows with single-bank ACTs.
  EXPECT_GT(r.stats.at("starc").commands.count("ACT"), 0u);
}

TEST(DecodeCosim, ClusterLayoutForDenseAndBudgetAboveContext) {
  const CosimRun r = run(pim::CtrlMode::lockstep, 4096, {"dense", "tokenwise"}, "cluster");
  for (const auto& [name, s] : r.stats) {
    expect_clean(s);
    EXPECT_EQ(s.layout, "cluster");
    for (const auto& st : s.steps) EXPECT_EQ(st.selected, st.context) << name;  // B > context
  }
}

// Former defect (issue 14, item 4): with B >= the context every sparse policy still paid its
// selection and was slower than dense. The selection is now skipped (and reported so): every
// token, no selection phase, the same cycles as dense on the same layout.
TEST(DecodeCosim, BudgetCoveringTheContextSkipsTheSelection) {
  const CosimRun r = run(pim::CtrlMode::lockstep, 1024, starc::policy_names());
  const auto& dense = r.stats.at("dense");
  for (const auto& [name, s] : r.stats) {
    SCOPED_TRACE(name);
    expect_clean(s);
    EXPECT_EQ(s.cycles.selection, 0u);
    EXPECT_EQ(s.cmatch_cycles, 0u);
    for (const auto& st : s.steps) {
      EXPECT_EQ(st.selected, st.context);
      EXPECT_EQ(st.selection_skipped, name != "dense" && name != "oracle");
    }
    if (s.layout == dense.layout) {
      EXPECT_EQ(s.cycles.total, dense.cycles.total);
    }
    EXPECT_LE(s.cycles.total, dense.cycles.total * 11 / 10);
  }
  EXPECT_EQ(r.stats.at("starc").selection_skipped_steps, 2u);
}

TEST(DecodeCosim, StripedLayoutSelectsWhatTheClusterLayoutSelects) {
  // Same clusters, so the same selection and recall; the striped layout needs fewer MACABs.
  const CosimRun c = run(pim::CtrlMode::lockstep, 128, {"starc"}, "cluster");
  const CosimRun s = run(pim::CtrlMode::lockstep, 128, {"starc"});
  const auto& sc = c.stats.at("starc");
  const auto& ss = s.stats.at("starc");
  expect_clean(sc);
  expect_clean(ss);
  EXPECT_EQ(sc.layout, "cluster");
  EXPECT_EQ(ss.layout, "striped");
  ASSERT_EQ(sc.steps.size(), ss.steps.size());
  for (std::size_t i = 0; i < sc.steps.size(); ++i) {
    EXPECT_EQ(sc.steps[i].selected, ss.steps[i].selected);
    EXPECT_EQ(sc.steps[i].fidelity.recall, ss.steps[i].fidelity.recall);
    EXPECT_EQ(sc.steps[i].fidelity.hit_rate, ss.steps[i].fidelity.hit_rate);
  }
  EXPECT_LT(ss.commands.at("MACAB"), sc.commands.at("MACAB"));
}

TEST(DecodeCosim, HierarchicalSelectionIsBitExactAndCheaper) {
  // Two rounds per step (groups, then the chosen groups' centroids), both checked against the
  // golden unit, plus the policy's fill: 3 centroid-match comparisons per step.
  const CosimRun f = run(pim::CtrlMode::lockstep, 160, {"starc"});
  const CosimRun h = run(pim::CtrlMode::lockstep, 160, {"starc"}, "auto", true, 1.0);
  const auto& sf = f.stats.at("starc");
  const auto& sh = h.stats.at("starc");
  expect_clean(sh);
  EXPECT_EQ(sh.layout, "striped");
  EXPECT_EQ(sh.cmatch_compared, 6u);
  for (const auto& s : sh.steps) EXPECT_EQ(s.selected, 160u);
  // Round 2 reads only the chosen groups' centroids: fewer MACABs in the selection phase.
  EXPECT_LT(sh.cycles.selection, sf.cycles.selection);
  // With every group chosen (a cover above the context), the selection is the flat one.
  const CosimRun all = run(pim::CtrlMode::lockstep, 160, {"starc"}, "auto", true, 64.0);
  const auto& sa = all.stats.at("starc");
  expect_clean(sa);
  for (std::size_t i = 0; i < sa.steps.size(); ++i) {
    EXPECT_EQ(sa.steps[i].fidelity.recall, sf.steps[i].fidelity.recall);
    EXPECT_EQ(sa.steps[i].fidelity.hit_rate, sf.steps[i].fidelity.hit_rate);
  }
}

// Window clustering (issue 19, `starcsim`'s default clustering) through the RTL: at 1022-1023
// tokens the clusters are block 0's and the merge segments of 8, 4 and 2 blocks (the default
// window of 1024 tokens is not complete yet); with a window of 256 tokens, three complete
// windows and a 2-block segment. Both on the striped layout with the hierarchical selection
// (the CLI default) and on the paper's cluster layout with the flat one: bit-exact, clean,
// exactly the budget, the same centroid count as the paper's clustering.
TEST(DecodeCosim, WindowClusteringIsBitExactOnEveryLayout) {
  for (const unsigned window : {1024u, 256u}) {
    for (const bool hier : {true, false}) {
      SCOPED_TRACE(fmt::format("window {} {}", window, hier ? "striped, hier" : "cluster, flat"));
      auto sim = pim::make_channel_sim_small({pim::Fmt::fp16, seed(), ""});
      const pim::CentroidMatchOptions cmo{static_cast<std::uint32_t>(seed()), ""};
      pim::CentroidMatchHarness cm(pim::make_centroid_match_s16(cmo));
      pim::DecodeConfig cfg;
      cfg.budget = 160;
      cfg.layout = pim::parse_layout_choice(hier ? "auto" : "cluster");
      cfg.params.hierarchical = hier;
      cfg.params.kmeans = starc::KmeansParams::windowed_default();
      cfg.params.kmeans.window = window;
      pim::DecodeCosim cosim(*sim, &cm, workload(), cfg);
      const pim::PolicyStats s = cosim.run_policy("starc");
      expect_clean(s);
      EXPECT_EQ(s.layout, hier ? "striped" : "cluster");
      EXPECT_GT(s.cmatch_compared, 0u);
      for (const auto& st : s.steps) {
        EXPECT_EQ(st.selected, 160u);
        EXPECT_GT(st.fidelity.recall, 0.0);
      }
    }
  }
}

// --hier-rows group (issue 12): a group's chunk stripes in the group's own centroid rows. The
// selection does not depend on where the centroids sit: the same tokens, bit-exact, clean.
// 8 buckets: with 64, the group rows do not fit the small channel's 256 rows (checked below).
TEST(DecodeCosim, HierarchicalSelectionWithGroupRowsSelectsTheSame) {
  const CosimRun shared = run(pim::CtrlMode::lockstep, 160, {"starc"}, "auto", true, 1.0, false, false, 8);
  const CosimRun group = run(pim::CtrlMode::lockstep, 160, {"starc"}, "auto", true, 1.0, false, true, 8);
  const auto& ss = shared.stats.at("starc");
  const auto& sg = group.stats.at("starc");
  expect_clean(sg);
  EXPECT_EQ(sg.cmatch_compared, 6u);
  for (std::size_t i = 0; i < sg.steps.size(); ++i) {
    EXPECT_EQ(sg.steps[i].selected, ss.steps[i].selected);
    EXPECT_EQ(sg.steps[i].fidelity.recall, ss.steps[i].fidelity.recall);
    EXPECT_EQ(sg.steps[i].fidelity.rtl_rel_err, ss.steps[i].fidelity.rtl_rel_err);
  }
}

// Row sizes from the sizes alone (what `starcsim run` checks before any work): the small
// channel's 256 rows hold 4096 tokens in token order (2 x 128 rows) and not 4097; Quest's page
// metadata needs more; on the full channel every policy's layout of 2^20 tokens fits 16384 rows.
TEST(DecodeCosim, RowsNeededAtTheContextExtremes) {
  pim::DecodeConfig cfg;
  const pim::Org small = pim::small_channel_org();
  EXPECT_EQ(pim::DecodeCosim::rows_needed(small, 128, 4096, cfg, "dense"), 256u);
  EXPECT_GT(pim::DecodeCosim::rows_needed(small, 128, 4097, cfg, "dense"), 256u);
  EXPECT_GT(pim::DecodeCosim::rows_needed(small, 128, 4096, cfg, "quest"), 256u);
  // The hierarchical selection's group rows: 64 buckets do not fit beside 1024 tokens, 8 do.
  cfg.params.hierarchical = true;
  cfg.striped.group_rows = true;
  EXPECT_GT(pim::DecodeCosim::rows_needed(small, 128, 1024, cfg, "starc"), 256u);
  cfg.striped.buckets = 8;
  EXPECT_LE(pim::DecodeCosim::rows_needed(small, 128, 1024, cfg, "starc"), 256u);
  cfg = pim::DecodeConfig{};
  const pim::Org full = pim::hbm3_pim_org();
  for (const bool hier : {false, true})
    for (const bool group_rows : {false, true}) {
      cfg.params.hierarchical = hier;
      cfg.striped.group_rows = group_rows;
      for (const char* p : {"dense", "oracle", "tokenwise", "quest", "starc"}) {
        SCOPED_TRACE(fmt::format("{} hier {} group rows {}", p, hier, group_rows));
        EXPECT_LE(pim::DecodeCosim::rows_needed(full, 128, 1u << 20, cfg, p), full.rows);
      }
    }
  // 1M tokens in token order: 4096 rows per region; Quest's metadata 512 more.
  EXPECT_EQ(pim::DecodeCosim::rows_needed(full, 128, 1u << 20, cfg, "dense"), 8192u);
  EXPECT_EQ(pim::DecodeCosim::rows_needed(full, 128, 1u << 20, cfg, "quest"), 8704u);
  // Striped, hierarchical (the defaults): 2 x 4161 data rows, 517 centroid rows, 17 group rows;
  // --hier-rows group: 65 centroid rows more.
  cfg.params.hierarchical = true;
  cfg.striped.group_rows = false;
  EXPECT_EQ(pim::DecodeCosim::rows_needed(full, 128, 1u << 20, cfg, "starc"), 8856u);
  cfg.striped.group_rows = true;
  EXPECT_EQ(pim::DecodeCosim::rows_needed(full, 128, 1u << 20, cfg, "starc"), 8921u);
}

// Former defect (issue 12): a budget that needs more clusters than the unit's MaxSel ran with
// the unit stopping at MaxSel and a mismatch. Now the unit runs passes, each checked against the
// golden pass, and the merged selection is the policy's fill.
TEST(DecodeCosim, BudgetNeedingMoreClustersThanMaxSelRunsInPasses) {
  // 60 clusters at step 0 (15 blocks x 4): B = 512 needs about 32 (> MaxSel 16), B = 1000 all
  // but a few tokens of the context, nearly every cluster; the MaxSel 4 build needs ~15 passes for
  // B = 1000. (B = 1024 covers the context: the selection is skipped, issue 14 item 4.)
  for (const bool s4 : {false, true}) {
    for (const unsigned budget : {512u, 1000u}) {
      SCOPED_TRACE(fmt::format("MaxSel {} budget {}", s4 ? 4 : 16, budget));
      const CosimRun r = run(pim::CtrlMode::lockstep, budget, {"starc"}, "auto", false, 2.0, s4);
      const auto& st = r.stats.at("starc");
      expect_clean(st);
      EXPECT_EQ(st.cmatch_compared, 4u);
      EXPECT_GE(st.cmatch_passes, 2u * 2u);  // at least two passes in each of the 2 steps
      for (const auto& step : st.steps) EXPECT_EQ(step.selected, std::min(budget, step.context));
      EXPECT_GE(st.cycles.selection, st.cmatch_cycles);  // every pass counted in `selection`
    }
  }
}

void expect_same_figures(const pim::PolicyStats& a, const pim::PolicyStats& b) {
  SCOPED_TRACE(a.policy);
  starc_test::expect_same_policy_figures(a, b);
  ASSERT_EQ(a.steps.size(), b.steps.size());
  for (std::size_t i = 0; i < a.steps.size(); ++i)
    EXPECT_EQ(a.steps[i].fidelity.rtl_rel_err, b.steps[i].fidelity.rtl_rel_err) << "step " << i;
  EXPECT_EQ(a.compared, b.compared);
  EXPECT_EQ(a.cmatch_compared, b.cmatch_compared);
}

// Former defect (issue 14, item 1): each policy inherited the previous policy's channel state
// (its closing PREA's nRP), so `--policies dense,oracle` and `oracle,dense` gave different cycles
// for the same command stream. Every step now starts from the settled state.
TEST(DecodeCosim, PolicyOrderChangesNoFigure) {
  for (const auto mode : {pim::CtrlMode::lockstep, pim::CtrlMode::per_bg}) {
    SCOPED_TRACE(pim::ctrl_mode_name(mode));
    std::vector<std::string> order = starc::policy_names();
    const CosimRun fwd = run(mode, 128, order);
    std::reverse(order.begin(), order.end());
    const CosimRun rev = run(mode, 128, order);
    for (const auto& [name, s] : fwd.stats) {
      expect_clean(s);
      expect_same_figures(s, rev.stats.at(name));
    }
  }
}

// Former defect (issue 14, item 2): `total` exceeded selection + keys + softmax + values (the
// waits between phases were in no phase). `gaps` is defined as the rest, so that sum holds by
// construction and is not what is tested here; what can fail: each step's total against the
// step's commands in the whole-run command log (found by the trace marks "P step S context N"):
// from the step's first command to its last command, plus at most the result latency of the
// last MVSB (the last result comes out after the last command or with it); and the waits between
// phases (`gaps`) at most one row cycle per phase boundary.
TEST(DecodeCosim, EveryCycleIsInANamedPhase) {
  for (const auto mode : {pim::CtrlMode::lockstep, pim::CtrlMode::per_bg}) {
    const CosimRun r = run(mode, 128, starc::policy_names());
    // Command index ranges of the steps, in run order.
    std::map<std::pair<std::string, unsigned>, std::pair<std::size_t, std::size_t>> range;
    std::vector<std::pair<std::size_t, std::string>> starts;
    for (const auto& m : r.marks) starts.push_back({m.index, m.text});
    for (std::size_t i = 0; i < starts.size(); ++i) {
      std::istringstream t(starts[i].second);
      std::string policy, word;
      unsigned step = 0;
      if (!(t >> policy >> word >> step) || word != "step") continue;
      const std::size_t end = i + 1 < starts.size() ? starts[i + 1].first : r.cmds.size();
      range[{policy, step}] = {starts[i].first, end};
    }
    for (const auto& [name, s] : r.stats) {
      SCOPED_TRACE(name + " " + s.mode);
      std::uint64_t total = 0;
      for (unsigned si = 0; si < s.steps.size(); ++si) {
        const pim::PhaseCycles& c = s.steps[si].cycles;
        ASSERT_TRUE(range.count({name, si})) << "no trace mark for step " << si;
        const auto [first, end] = range.at({name, si});
        ASSERT_LT(first, end);
        const std::uint64_t span = r.cmds[end - 1].cycle - r.cmds[first].cycle + 1;
        EXPECT_GE(c.total, span);
        EXPECT_LE(c.total, span + r.result_latency);
        EXPECT_LE(c.selection + c.keys + c.softmax + c.values + c.refresh, c.total);
        EXPECT_LE(c.gaps, 2u * (r.timing.nRC + r.timing.nRP));
        total += c.total;
      }
      EXPECT_EQ(s.cycles.total, total);  // the policy's total is the sum of its steps'
    }
  }
}

TEST(DecodeCosim, BadInputIsRejected) {
  auto sim = pim::make_channel_sim_small({});
  pim::CentroidMatchHarness cm(pim::make_centroid_match_s16({}));
  pim::DecodeConfig cfg;
  cfg.budget = 0;
  EXPECT_THROW(pim::DecodeCosim(*sim, &cm, workload(), cfg), std::invalid_argument);
  cfg.budget = 64;
  cfg.head = 3;
  EXPECT_THROW(pim::DecodeCosim(*sim, &cm, workload(), cfg), std::invalid_argument);
  cfg.head = 0;
  EXPECT_THROW(pim::parse_layout_choice("rows"), std::invalid_argument);
  cfg.layout = pim::LayoutChoice::token_order;
  pim::DecodeCosim tok(*sim, &cm, workload(), cfg);
  EXPECT_THROW(tok.layout_for("starc"), std::invalid_argument);
  EXPECT_EQ(tok.layout_for("quest"), "token-order");
  cfg.layout = pim::LayoutChoice::cluster;
  pim::DecodeCosim clu(*sim, &cm, workload(), cfg);
  EXPECT_THROW(clu.layout_for("quest"), std::invalid_argument);
  EXPECT_THROW(clu.run_policy("nonsense"), std::invalid_argument);
  cfg.layout = pim::LayoutChoice::striped;
  pim::DecodeCosim str(*sim, &cm, workload(), cfg);
  EXPECT_EQ(str.layout_for("starc"), "striped");
  EXPECT_EQ(str.layout_for("dense"), "striped");
  EXPECT_THROW(str.layout_for("quest"), std::invalid_argument);
  cfg.layout = pim::LayoutChoice::automatic;
  pim::DecodeCosim aut(*sim, &cm, workload(), cfg);
  EXPECT_EQ(aut.layout_for("starc"), "striped");
  EXPECT_EQ(aut.layout_for("quest"), "token-order");
  EXPECT_THROW(pim::parse_layout_choice("stripes"), std::invalid_argument);
  cfg.layout = pim::LayoutChoice::cluster;
  cfg.params.hierarchical = true;
  pim::DecodeCosim hier_cluster(*sim, &cm, workload(), cfg);
  EXPECT_THROW(hier_cluster.layout_for("starc"), std::invalid_argument);
  cfg.params.hierarchical = false;
  cfg.layout = pim::LayoutChoice::striped;
  cfg.striped.buckets = 0;
  EXPECT_THROW(pim::DecodeCosim(*sim, &cm, workload(), cfg), std::invalid_argument);
}

}  // namespace
