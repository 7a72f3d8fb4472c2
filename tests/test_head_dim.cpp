// The head dimension as a run-time mode of one channel build (docs/design.md section 2): the
// small channel (1 pch x 1 rank x 2 bank groups x 4 banks, MaxColsPerToken 4) and the 2 pch x
// 2 ranks x 2 bank groups x 2 banks one (MaxColsPerToken 8) run D = 64, 128 and 256, fp16 and
// bf16, with the head-dimension mode register written at initialisation: a dense head and
// decode steps of every policy, every MVSB result compared bit for bit with the golden model,
// no RTL timing error, no trace-checker violation. The seed comes from STARC_SEED (printed).
#include <map>
#include <string>
#include <vector>

#include <fmt/core.h>
#include <gtest/gtest.h>

#include "host/policy.hpp"
#include "host/synthetic_kv.hpp"
#include "sim/channel_sim.hpp"
#include "sim/decode_cosim.hpp"
#include "sim/dense_cosim.hpp"
#include "test_seed.hpp"

namespace {

std::uint64_t seed() {
  static const std::uint64_t s = starc::test::test_seed(21);
  return s;
}

using Factory = std::unique_ptr<pim::ChannelSim> (*)(const pim::ChannelSimOptions&);

std::unique_ptr<pim::ChannelSim> channel(Factory make, unsigned d, pim::Fmt fmt) {
  pim::ChannelSimOptions opt;
  opt.fmt = fmt;
  opt.seed = seed();
  opt.head_dim = d;
  return make(opt);
}

const char* fmt_text(pim::Fmt f) { return f == pim::Fmt::fp16 ? "fp16" : "bf16"; }

// A dense head of 256 tokens at each D: every token's score and every group's D partial
// context values bit-exact (compared = 256 scores + groups x D), legal, and close to double
// precision (fp16 probabilities: 2^-11 relative each, bf16 2^-8: bounds as in test_channel).
// Catches (planted) a slot decode that ignores the mode register (`col32 >> 1` in pim_bank:
// D = 64 and 256 mismatch) and an axpy result packed for one D only (the banks' accumulators
// side by side, as before the mode register: D = 64 and 128 mismatch in the value phase); a
// mode register that ignores its write fails every test here through the harness's read-back.
void dense_at_every_d(Factory make) {
  for (const pim::Fmt fmt : {pim::Fmt::fp16, pim::Fmt::bf16}) {
    std::map<unsigned, std::uint64_t> cycles;
    for (const unsigned d : pim::kHeadDims) {
      SCOPED_TRACE(fmt::format("D = {}, {}", d, fmt_text(fmt)));
      auto sim = channel(make, d, fmt);
      ASSERT_EQ(sim->head_dim(), d);
      const auto rep = pim::run_dense_head(*sim, pim::CtrlMode::lockstep, pim::random_dense_head(256, d, fmt, seed()));
      EXPECT_EQ(rep.mismatches, 0u) << rep.first_mismatch;
      EXPECT_EQ(rep.compared, 256u + sim->org().total_bank_groups() * d);
      EXPECT_EQ(rep.timing_errors, 0u);
      EXPECT_EQ(rep.trace_violations, 0u);
      ASSERT_EQ(rep.output.size(), d);
      EXPECT_LT(rep.output_rel_error, fmt == pim::Fmt::fp16 ? 1e-3 : 8e-3);
      EXPECT_LT(rep.score_max_abs_error, fmt == pim::Fmt::fp16 ? 1e-4 : 1e-3);
      cycles[d] = rep.cycles;
      std::printf("%s D=%u: %llu cycles, %llu compared, rel error %.3g\n", fmt_text(fmt), d,
                  (unsigned long long)rep.cycles, (unsigned long long)rep.compared, rep.output_rel_error);
    }
    // Twice the columns per token reads twice the columns: a longer step.
    EXPECT_LT(cycles[64], cycles[128]);
    EXPECT_LT(cycles[128], cycles[256]);
  }
}

TEST(HeadDim, DenseHeadBitExactAtEveryDSmallChannel) { dense_at_every_d(&pim::make_channel_sim_small); }
TEST(HeadDim, DenseHeadBitExactAtEveryDTwoPseudoChannels) { dense_at_every_d(&pim::make_channel_sim_2x2); }

const starc::KvSource& workload(unsigned d, pim::Fmt fmt) {
  static std::map<std::pair<unsigned, int>, starc::KvSource> cache;
  const auto key = std::make_pair(d, static_cast<int>(fmt));
  auto it = cache.find(key);
  if (it == cache.end()) {
    starc::SyntheticParams p;
    p.context = 512;  // 510 prefill tokens + 2 decode steps
    p.steps = 2;
    p.head_dim = static_cast<int>(d);
    p.seed = seed();
    it = cache.emplace(key, starc::generate_synthetic(p, fmt)).first;
  }
  return it->second;
}

// Decode steps of `policies` at each D: bit-exact (scores, partial contexts and the
// centroid-match unit), legal, the dense output close to double precision.
void decode_at_every_d(Factory make, pim::Fmt fmt, const std::vector<std::string>& policies, unsigned buckets) {
  for (const unsigned d : pim::kHeadDims) {
    SCOPED_TRACE(fmt::format("D = {}, {}", d, fmt_text(fmt)));
    auto sim = channel(make, d, fmt);
    pim::CentroidMatchHarness cm(pim::make_centroid_match_s16({static_cast<std::uint32_t>(seed()), ""}));
    pim::DecodeConfig cfg;
    cfg.budget = 64;
    cfg.striped.buckets = buckets;
    pim::DecodeCosim cosim(*sim, &cm, workload(d, fmt), cfg);
    for (const auto& p : policies) {
      SCOPED_TRACE(p);
      const pim::PolicyStats s = cosim.run_policy(p);
      EXPECT_GT(s.compared, 0u);
      EXPECT_EQ(s.mismatches, 0u) << s.first_mismatch;
      EXPECT_EQ(s.cmatch_mismatches, 0u) << s.cmatch_first_mismatch;
      EXPECT_EQ(s.rtl_timing_errors, 0u);
      EXPECT_EQ(s.trace_violations, 0u);
      ASSERT_EQ(s.steps.size(), 2u);
      for (const auto& st : s.steps) {
        ASSERT_EQ(st.output.size(), d);
        if (p == "dense") {
          EXPECT_LT(st.fidelity.rtl_rel_err, fmt == pim::Fmt::fp16 ? 1e-3 : 8e-3);
        } else {
          EXPECT_EQ(st.selected, 64u);
        }
      }
      std::printf("%s D=%u %s: %llu cycles, %llu compared\n", fmt_text(fmt), d, p.c_str(),
                  (unsigned long long)s.cycles.total, (unsigned long long)s.compared);
    }
  }
}

TEST(HeadDim, DecodeStepsEveryPolicyBitExactAtEveryDFp16) {
  decode_at_every_d(&pim::make_channel_sim_small, pim::Fmt::fp16, starc::policy_names(), 64);
}
TEST(HeadDim, DecodeStepsBitExactAtEveryDBf16) {
  decode_at_every_d(&pim::make_channel_sim_small, pim::Fmt::bf16, {"dense", "quest", "starc"}, 64);
}
// 8 striped buckets: with 64 the striped layout does not fit the 2 x 2 model's 128 rows.
TEST(HeadDim, DecodeStepsBitExactAtEveryDTwoPseudoChannels) {
  decode_at_every_d(&pim::make_channel_sim_2x2, pim::Fmt::fp16, {"dense", "tokenwise", "starc"}, 8);
  decode_at_every_d(&pim::make_channel_sim_2x2, pim::Fmt::bf16, {"dense", "starc"}, 8);
}

// A head dimension the channel does not serve is refused at construction, naming it.
TEST(HeadDim, UnsupportedHeadDimensionIsRefusedByName) {
  for (const unsigned d : {0u, 32u, 96u, 192u, 512u}) {
    SCOPED_TRACE(d);
    try {
      channel(&pim::make_channel_sim_small, d, pim::Fmt::fp16);
      ADD_FAILURE() << "no error";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(fmt::format("head dimension {}", d)), std::string::npos) << e.what();
    }
  }
  try {
    pim::make_channel_sim_small(pim::small_channel_org(), 512, pim::timing_preset("hbm3-pim"), {});
    ADD_FAILURE() << "no error";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("512"), std::string::npos) << e.what();
  }
  // The KV head dimension must be the one the mode register was set to.
  auto sim = channel(&pim::make_channel_sim_small, 64, pim::Fmt::fp16);
  EXPECT_THROW(pim::DecodeCosim(*sim, nullptr, workload(128, pim::Fmt::fp16), {}), std::invalid_argument);
}

}  // namespace
