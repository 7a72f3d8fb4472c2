// pim_mac RTL (Verilated, sim/mac_harness) against the bit-exact golden model (host/mac_model).
//
// - Hand-checked operations, run on every model (golden, 16-lane RTL, 4-lane RTL).
// - >= 10^5 random dot and >= 10^5 random axpy operations per format on the 16-lane RTL,
//   streamed back to back (uniform bits and biased corners, see mac_op_gen.hpp).
// - Every pair of special input classes through mul (dot and axpy) and through the adds.
// - Pipeline: latency, valid gaps, dependent accumulator chains at full rate, mixed streams,
//   reset mid-stream, and X randomisation with several seeds.
// Random tests print their seed; STARC_SEED overrides it.
#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <string>

#include <fmt/core.h>

#include "sim/mac_harness.hpp"
#include "host/mac_model.hpp"
#include "mac_op_gen.hpp"

namespace {

using pim::Fmt;
using pim::MacHarness;
using pim::MacMode;
using pim::MacOp;
using pim::MacResult;
using pim::test::MacOpGen;

std::uint64_t announce_seed(std::uint64_t fallback) {
  const std::uint64_t seed = pim::test::test_seed(fallback);
  std::printf("seed %llu (STARC_SEED overrides)\n", static_cast<unsigned long long>(seed));
  return seed;
}

std::string describe(const MacOp& op, int lanes) {
  std::string s = fmt::format("{} {}", op.mode == MacMode::dot ? "dot" : "axpy", pim::fmt_name(op.fmt));
  if (op.mode == MacMode::axpy) s += fmt::format(" p={:04x}", op.p);
  for (int i = 0; i < lanes; ++i) {
    s += fmt::format(" [{:08x} {:04x} {:04x}]", op.acc[i], op.a[i], op.b[i]);
  }
  return s;
}

// Compares results with the golden model; prints the first few mismatches; returns the count.
long count_mismatches(std::span<const MacOp> ops, std::span<const MacResult> got, int lanes) {
  EXPECT_EQ(got.size(), ops.size()) << "results lost or duplicated";
  long bad = 0;
  for (std::size_t k = 0; k < std::min(ops.size(), got.size()); ++k) {
    const MacResult want = pim::golden_mac(ops[k], lanes);
    if (got[k] != want) {
      if (bad < 5) {
        std::printf("  mismatch op %zu: %s\n", k, describe(ops[k], lanes).c_str());
        for (int i = 0; i < lanes; ++i) {
          if (got[k][i] != want[i]) {
            std::printf("    lane %d: rtl %08x golden %08x\n", i, got[k][i], want[i]);
          }
        }
      }
      ++bad;
    }
  }
  return bad;
}

// ---- The same hand-checked test on every model (the `get_cpu(name)` idiom) ------------------

std::unique_ptr<pim::MacModel> make_model(const std::string& name) {
  if (name == "golden") return std::make_unique<pim::GoldenMac>(16);
  if (name == "golden4") return std::make_unique<pim::GoldenMac>(4);
  return std::make_unique<MacHarness>(pim::MacHarnessOptions{name == "rtl16" ? 16 : 4, 1, ""});
}

class MacModelTest : public ::testing::TestWithParam<std::string> {};

TEST_P(MacModelTest, HandCheckedOperations) {
  auto model = make_model(GetParam());
  const int n = model->lanes();
  std::vector<MacOp> ops(4);
  // dot fp16: 1.5 + sum of n x (1 x 2) = 1.5 + 2n.
  ops[0].fmt = Fmt::fp16;
  ops[0].acc[0] = 0x3FC00000;  // 1.5
  for (int i = 0; i < n; ++i) ops[0].a[i] = 0x3C00, ops[0].b[i] = 0x4000;
  // axpy bf16: acc_i = i, p = -0.5, x_i = 2 -> i - 1.
  ops[1].mode = MacMode::axpy;
  ops[1].fmt = Fmt::bf16;
  ops[1].p = 0xBF00;
  for (int i = 0; i < n; ++i) {
    ops[1].acc[i] = pim::bits_of(static_cast<float>(i));
    ops[1].a[i] = 0x4000;
  }
  // dot with an infinity and a zero in different lanes: 0 x inf is invalid -> canonical NaN.
  ops[2].fmt = Fmt::fp16;
  ops[2].a[0] = 0x7C00;
  ops[2].b[n - 1] = 0x3C00;  // b[0] = +0
  // dot where the tree cancels exactly: lanes (x, -x) -> +0, and acc = -0 -> +0.
  ops[3].fmt = Fmt::bf16;
  ops[3].acc[0] = 0x80000000;
  for (int i = 0; i < n; ++i) ops[3].a[i] = (i % 2) ? 0xC040 : 0x4040, ops[3].b[i] = 0x3F80;

  const auto res = model->run_batch(ops);
  ASSERT_EQ(res.size(), ops.size());
  EXPECT_EQ(res[0][0], pim::bits_of(1.5f + 2.0f * static_cast<float>(n)));
  for (int i = 1; i < pim::kMaxMacLanes; ++i) EXPECT_EQ(res[0][i], 0u) << "dot lane " << i;
  for (int i = 0; i < n; ++i) EXPECT_EQ(res[1][i], pim::bits_of(static_cast<float>(i) - 1.0f));
  EXPECT_EQ(res[2][0], pim::kCanonicalNaN);
  EXPECT_EQ(res[3][0], 0x00000000u);
}

INSTANTIATE_TEST_SUITE_P(Models, MacModelTest,
                         ::testing::Values("golden", "golden4", "rtl16", "rtl4"));

// ---- Random operations, RTL vs golden ------------------------------------------------------

void random_per_format(Fmt fmt, std::uint64_t seed_fallback) {
  const std::uint64_t seed = announce_seed(seed_fallback);
  constexpr int kOps = 100000;
  MacHarness rtl({16, static_cast<std::uint32_t>(seed), ""});
  MacOpGen gen(seed);
  for (MacMode mode : {MacMode::dot, MacMode::axpy}) {
    std::vector<MacOp> ops;
    ops.reserve(kOps);
    for (int k = 0; k < kOps; ++k) ops.push_back(gen.op(mode, fmt));
    const auto got = rtl.run_batch(ops);
    const long bad = count_mismatches(ops, got, 16);
    // Coverage of the result classes (lane 0 for dot, every lane for axpy).
    std::array<long, 5> cls{};  // +-0, subnormal, normal, inf, NaN
    for (const MacResult& r : got) {
      for (int i = 0; i < (mode == MacMode::dot ? 1 : 16); ++i) {
        const std::uint32_t e = (r[i] >> 23) & 0xFF, m = r[i] & 0x7FFFFF;
        ++cls[e == 0 ? (m == 0 ? 0 : 1) : e != 0xFF ? 2 : (m == 0 ? 3 : 4)];
      }
    }
    std::printf("%s %s: %d ops, %ld mismatches; results zero %ld subnormal %ld normal %ld "
                "inf %ld nan %ld\n", pim::fmt_name(fmt).data(),
                mode == MacMode::dot ? "dot" : "axpy", kOps, bad, cls[0], cls[1], cls[2], cls[3], cls[4]);
    EXPECT_EQ(bad, 0);
    for (long c : cls) EXPECT_GT(c, 0) << "a result class was never produced";
  }
  EXPECT_FALSE(rtl.got_error());
}

TEST(MacRtl, RandomFp16) { random_per_format(Fmt::fp16, 0xF16); }
TEST(MacRtl, RandomBf16) { random_per_format(Fmt::bf16, 0xBF16); }

TEST(MacRtl, RandomMixedStreamFourLanes) {
  const std::uint64_t seed = announce_seed(0x4444);
  MacHarness rtl({4, static_cast<std::uint32_t>(seed), ""});
  MacOpGen gen(seed, 4);
  const auto ops = gen.stream(40000);
  EXPECT_EQ(count_mismatches(ops, rtl.run_batch(ops), 4), 0);
  EXPECT_FALSE(rtl.got_error());
}

// ---- Special classes -----------------------------------------------------------------------

TEST(MacRtl, SpecialClassPairs) {
  MacHarness rtl({16, 1, ""});
  std::vector<MacOp> ops;
  const auto acc_classes = pim::test::special_fp32();
  for (Fmt fmt : {Fmt::fp16, Fmt::bf16}) {
    const auto in = pim::test::special_inputs(fmt);
    for (std::size_t i = 0; i < in.size(); ++i) {
      // mul: every (a, b) pair; axpy: p = in[i] against every lane class, with every
      // accumulator class (add of a special product to a special accumulator).
      for (std::size_t c = 0; c < acc_classes.size(); ++c) {
        MacOp ax;
        ax.mode = MacMode::axpy;
        ax.fmt = fmt;
        ax.p = in[i];
        for (int l = 0; l < 16; ++l) {
          ax.a[l] = in[(static_cast<std::size_t>(l) + c) % in.size()];
          ax.acc[l] = acc_classes[(c + static_cast<std::size_t>(l) / 4) % acc_classes.size()];
        }
        ops.push_back(ax);
      }
      for (std::size_t j = 0; j < in.size(); ++j) {
        // dot: a pair (in[i], in[j]) in lane 0 and its partner lane, the rest ones x zeros,
        // so the special product meets the tree; and the same pair in every lane.
        for (int variant = 0; variant < 3; ++variant) {
          MacOp d;
          d.fmt = fmt;
          d.acc[0] = acc_classes[(i + j + static_cast<std::size_t>(variant)) % acc_classes.size()];
          for (int l = 0; l < 16; ++l) {
            d.a[l] = variant == 2 ? in[i] : in[(static_cast<std::size_t>(l) * 7 + i) % in.size()];
            d.b[l] = variant == 2 ? in[j] : in[(static_cast<std::size_t>(l) * 3 + j) % in.size()];
          }
          if (variant == 1) d.a[1] = in[i], d.b[1] = in[j], d.a[0] = in[i] ^ 0x8000, d.b[0] = in[j];
          ops.push_back(d);
        }
      }
    }
  }
  const long bad = count_mismatches(ops, rtl.run_batch(ops), 16);
  std::printf("special-class operations: %zu, mismatches %ld\n", ops.size(), bad);
  EXPECT_EQ(bad, 0);
}

// ---- Pipeline behaviour --------------------------------------------------------------------

TEST(MacRtl, LatencyMatchesPackageFormula) {
  for (int lanes : {16, 4}) {
    MacHarness rtl({lanes, 3, ""});
    EXPECT_EQ(rtl.latency(), lanes == 16 ? 6 : 4);  // pim_pkg::mac_lat(lanes)
    MacOp op;
    op.a[0] = 0x3C00, op.b[0] = 0x3C00;
    // Issued in call 0, the result must come back from call latency - 1, and only then.
    for (int c = 0; c < rtl.latency() + 3; ++c) {
      const auto r = rtl.cycle(c == 0 ? &op : nullptr);
      EXPECT_EQ(r.has_value(), c == rtl.latency() - 1) << "lanes " << lanes << " call " << c;
      if (r) EXPECT_EQ((*r)[0], 0x3F800000u);
    }
  }
}

TEST(MacRtl, ValidGapsAndMixedFormats) {
  const std::uint64_t seed = announce_seed(0x6A95);
  MacHarness rtl({16, static_cast<std::uint32_t>(seed), ""});
  MacOpGen gen(seed);
  const auto ops = gen.stream(20000);
  std::vector<int> idle(ops.size());
  for (int& g : idle) g = gen.uniform(0, 3) == 0 ? gen.uniform(1, 7) : 0;
  EXPECT_EQ(count_mismatches(ops, rtl.run_batch(ops, idle), 16), 0);
  EXPECT_FALSE(rtl.got_error());
}

// Accumulator chains as in a bank: op t uses the result of op t - K as its accumulator, with
// K = latency chains interleaved so one operation issues every cycle.
TEST(MacRtl, DependentChainsAtFullRate) {
  const std::uint64_t seed = announce_seed(0xC4A1);
  for (int lanes : {16, 4}) {
    MacHarness rtl({lanes, static_cast<std::uint32_t>(seed), ""});
    MacOpGen gen(seed, lanes);
    const int k = rtl.latency();
    constexpr int kSteps = 3000;
    std::vector<MacOp> ops;
    for (int t = 0; t < kSteps; ++t) {
      // One mode and format per chain, as a bank slot keeps its phase.
      const int chain = t % k;
      ops.push_back(gen.op(chain % 2 ? MacMode::axpy : MacMode::dot, chain % 3 ? Fmt::fp16 : Fmt::bf16,
                           MacOpGen::Style::similar));
    }
    // Golden: sequential per chain.
    std::vector<MacResult> want(ops.size());
    std::vector<MacResult> got;
    for (int t = 0; t < kSteps; ++t) {
      if (t >= k) {
        for (int i = 0; i < pim::kMaxMacLanes; ++i) ops[t].acc[i] = want[t - k][i];
      }
      want[t] = pim::golden_mac(ops[t], lanes);
    }
    // RTL: the accumulator operand comes from the result the pipeline just produced.
    std::vector<MacResult> rtl_res;
    for (int t = 0; t < kSteps + k; ++t) {
      MacOp op;
      if (t < kSteps) {
        op = ops[t];
        if (t >= k) {
          ASSERT_GE(rtl_res.size(), static_cast<std::size_t>(t - k + 1)) << "result not ready";
          op.acc = rtl_res[t - k];
        }
      }
      const auto r = rtl.cycle(t < kSteps ? &op : nullptr);
      if (r) rtl_res.push_back(*r);
    }
    ASSERT_EQ(rtl_res.size(), want.size());
    long bad = 0;
    for (std::size_t t = 0; t < want.size(); ++t) bad += rtl_res[t] != want[t];
    std::printf("lanes %d: %d chained ops in %d chains, mismatches %ld\n", lanes, kSteps, k, bad);
    EXPECT_EQ(bad, 0);
  }
}

TEST(MacRtl, ResetFlushesThePipeline) {
  MacHarness rtl({16, 9, ""});
  MacOpGen gen(9);
  const auto ops = gen.stream(3);
  for (const MacOp& op : ops) rtl.cycle(&op);  // in flight, never completed
  rtl.reset();
  for (int c = 0; c < 10; ++c) EXPECT_FALSE(rtl.cycle(nullptr).has_value()) << "call " << c;
  const auto after = gen.stream(50);
  EXPECT_EQ(count_mismatches(after, rtl.run_batch(after), 16), 0);
}

// X randomisation: different initial flop values and idle-cycle garbage must not change any
// result (data registers have no reset; only valid bits do).
TEST(MacRtl, XRandomisationSeeds) {
  const std::uint64_t seed = announce_seed(0x7E57);
  MacOpGen gen(seed);
  const auto ops = gen.stream(5000);
  std::vector<int> idle(ops.size());
  for (int& g : idle) g = gen.uniform(0, 4) == 0 ? 1 : 0;
  std::vector<std::vector<MacResult>> runs;
  for (std::uint32_t xseed : {1u, 2u, 0xDEADBEEFu}) {
    MacHarness rtl({16, xseed, ""});
    runs.push_back(rtl.run_batch(ops, idle));
    EXPECT_EQ(count_mismatches(ops, runs.back(), 16), 0) << "x seed " << xseed;
    EXPECT_FALSE(rtl.got_error());
  }
  EXPECT_EQ(runs[0], runs[1]);
  EXPECT_EQ(runs[0], runs[2]);
}

TEST(MacRtl, WritesWaves) {
  const std::string path = ::testing::TempDir() + "mac_rtl_waves.fst";
  std::remove(path.c_str());
  {
    MacHarness rtl({4, 1, path});
    MacOpGen gen(5, 4);
    const auto ops = gen.stream(10);
    EXPECT_EQ(count_mismatches(ops, rtl.run_batch(ops), 4), 0);
  }
  std::FILE* f = std::fopen(path.c_str(), "rb");
  ASSERT_NE(f, nullptr) << path;
  std::fseek(f, 0, SEEK_END);
  EXPECT_GT(std::ftell(f), 100L);
  std::fclose(f);
}

}  // namespace
