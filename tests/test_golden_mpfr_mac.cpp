// Dot and axpy MAC commands (docs/design.md section 3) of the golden model against the MPFR
// oracle, 16 lanes per command, in scenarios biased towards cancellation, signed zeros,
// infinities and NaNs in the adder tree, and bf16 products beyond the binary32 range.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <string>
#include <vector>

#include "fp_patterns.hpp"
#include "golden_mpfr_fixture.hpp"
#include "mpfr_oracle.hpp"
#include "contracts/pim_arith.hpp"

namespace starc_test {
namespace {

// ---- random dot and axpy ------------------------------------------------------------------

// Lane inputs of one MAC command in a scenario biased towards an interesting region.
void fill_lanes(PatternGen& g, const BinaryFormat& f, const std::vector<std::uint32_t>& sp,
                std::mt19937_64& rng, int scenario, std::array<std::uint16_t, kLanes>& a,
                std::array<std::uint16_t, kLanes>& b) {
  const int max_sum = 2 * f.bias() + 1;
  const int min_sum = 2 * (1 - f.bias() - (f.prec - 1));
  const int sum_hi = std::min(max_sum, g.exp_in(122, 128));
  const int sum_lo = std::max(min_sum, g.exp_in(-152, -124));
  for (std::size_t i = 0; i < kLanes; ++i) {
    std::uint32_t x = 0, y = 0;
    switch (scenario) {
      case 0:
        x = g.typical();
        y = g.typical();
        break;
      case 1:
        x = g.uniform();
        y = g.uniform();
        break;
      case 2:
        x = pick(rng, 6) == 0 ? sp[pick(rng, static_cast<int>(sp.size()))] : g.typical();
        y = pick(rng, 6) == 0 ? sp[pick(rng, static_cast<int>(sp.size()))] : g.typical();
        break;
      case 3: {  // products near binary32 overflow (bf16): infinities of both signs
        const auto p = pair_with_exponent_sum(g, f, sum_hi);
        x = p[0];
        y = p[1];
        break;
      }
      case 4: {  // products in the binary32 subnormal range (bf16)
        const auto p = pair_with_exponent_sum(g, f, sum_lo);
        x = p[0];
        y = p[1];
        break;
      }
      case 7: {  // signed zeros: zero lanes whose products are all -0 (or mixed)
        y = g.typical();
        x = g.make(y >> (f.width() - 1) ^ 1u, 0, 0);
        if (pick(rng, 4) == 0) x = g.make(g.sign(), 0, 0);
        break;
      }
      default:
        x = g.typical();
        y = g.typical();
        break;
    }
    a[i] = static_cast<std::uint16_t>(x);
    b[i] = static_cast<std::uint16_t>(y);
  }
  if (scenario == 5 || scenario == 6) {
    // Exact cancellation: the second half negates a permutation of the first half's products.
    std::array<std::size_t, kLanes / 2> perm{};
    for (std::size_t i = 0; i < perm.size(); ++i) perm[i] = i;
    std::shuffle(perm.begin(), perm.end(), rng);
    const auto sign = static_cast<std::uint16_t>(1u << 15);
    for (std::size_t i = 0; i < perm.size(); ++i) {
      a[kLanes / 2 + i] = a[perm[i]] ^ sign;
      b[kLanes / 2 + i] = b[perm[i]];
    }
    if (scenario == 6) std::shuffle(a.begin(), a.end(), rng);  // break the pairing sometimes
  }
}

TEST_P(GoldenVsMpfr, DotRandom) {
  std::mt19937_64 rng = test_rng();
  const BinaryFormat& f = format_of(fmt());
  PatternGen g(f, rng);
  PatternGen g32(starc_test::kBinary32, rng);
  const auto sp = g.specials();
  MpfrOracle oracle;
  Mismatches mm(fmt::format("dot random {}", name()));
  Coverage cov;
  std::array<std::uint16_t, kLanes> a{}, b{};
  for (int i = 0; i < kRandomDots; ++i) {
    const int scenario = pick(rng, 8);
    fill_lanes(g, f, sp, rng, scenario, a, b);
    std::uint32_t acc = 0;
    switch (pick(rng, 5)) {
      case 0: acc = 0u; break;
      case 1: acc = 0x80000000u; break;
      case 2: acc = g32.with_exp(g32.exp_in(-8, 8)); break;
      case 3: acc = g32.uniform(); break;
      default:  // acc = -tree: the accumulation cancels exactly
        acc = oracle.dot(0x80000000u, a, b, bf16()) ^ 0x80000000u;
        break;
    }
    if (scenario == 7 && (rng() & 1)) acc = 0x80000000u;  // -0 + (all products -0) = -0
    const std::uint32_t want = oracle.dot(acc, a, b, bf16());
    cov.count_b32(want);
    mm.check(want, pim::bits_of(pim::dot(pim::float_of(acc), a, b, fmt())), [&] {
      std::string s = fmt::format("dot(acc {:#010x};", acc);
      for (std::size_t j = 0; j < kLanes; ++j) s += fmt::format(" {:#06x}*{:#06x}", a[j], b[j]);
      return s + ")";
    });
  }
  cov.print(fmt::format("dot random {}", name()));
  EXPECT_GT(cov.zero_pos, 1000u);
  EXPECT_GT(cov.zero_neg, 1000u);
  EXPECT_GT(cov.nan, 1000u);
  EXPECT_GT(cov.inf, 1000u);
  if (bf16()) {
    EXPECT_GT(cov.subnormal, 1000u);
  }
  mm.expect_none();
}

TEST_P(GoldenVsMpfr, AxpyRandom) {
  std::mt19937_64 rng = test_rng();
  const BinaryFormat& f = format_of(fmt());
  PatternGen g(f, rng);
  PatternGen g32(starc_test::kBinary32, rng);
  const auto sp = g.specials();
  MpfrOracle oracle;
  Mismatches mm(fmt::format("axpy random {} (lanes)", name()));
  Coverage cov;
  std::array<std::uint16_t, kLanes> x{}, unused{};
  std::array<std::uint32_t, kLanes> acc{}, want{};
  std::array<float, kLanes> got{};
  for (int i = 0; i < kRandomAxpys; ++i) {
    std::uint16_t p = 0;
    const int scenario = pick(rng, 6);
    if (scenario <= 2) {
      fill_lanes(g, f, sp, rng, scenario, x, unused);
      p = scenario == 1 ? unused[0] : static_cast<std::uint16_t>(g.typical());
      if (scenario == 2 && pick(rng, 3) == 0)
        p = static_cast<std::uint16_t>(sp[pick(rng, static_cast<int>(sp.size()))]);
    } else if (scenario <= 4) {
      // Every lane's product near binary32 overflow (3) or in its subnormal range (4).
      const auto [lo_e, hi_e] = exponent_range(f);
      const int max_sum = 2 * hi_e + 1, min_sum = 2 * lo_e;
      const int mid = scenario == 3 ? std::min(max_sum, 125) : std::max(min_sum, -138);
      const int ep = g.exp_in(std::max(lo_e, mid - hi_e), std::min(hi_e, mid - lo_e));
      p = static_cast<std::uint16_t>(g.with_exp(ep));
      for (auto& xi : x) {
        const int sum = scenario == 3 ? std::min(max_sum, g.exp_in(122, 128))
                                      : std::max(min_sum, g.exp_in(-152, -124));
        xi = static_cast<std::uint16_t>(g.with_exp(sum - ep));
      }
    } else {
      p = static_cast<std::uint16_t>(g.with_exp(g.exp_in(-f.bias() - f.prec, f.bias())));
      for (auto& xi : x) xi = static_cast<std::uint16_t>(g.typical());
    }
    for (std::size_t j = 0; j < kLanes; ++j) {
      switch (pick(rng, 5)) {
        case 0: acc[j] = pick(rng, 2) ? 0u : 0x80000000u; break;
        case 1: acc[j] = g32.with_exp(g32.exp_in(-8, 8)); break;
        case 2: acc[j] = g32.uniform(); break;
        default: {  // -product, or one ulp either side: exact cancellation and tiny results
          const std::uint32_t prod = oracle.mul(p, x[j], bf16());
          acc[j] = (prod ^ 0x80000000u) + static_cast<std::uint32_t>(g.exp_in(-1, 1));
          if ((acc[j] & 0x7F800000u) == 0x7F800000u) acc[j] = prod ^ 0x80000000u;
          break;
        }
      }
    }
    want = acc;
    oracle.axpy(want, p, x, bf16());
    for (std::size_t j = 0; j < kLanes; ++j) got[j] = pim::float_of(acc[j]);
    pim::axpy(got, p, x, fmt());
    for (std::size_t j = 0; j < kLanes; ++j) {
      cov.count_b32(want[j]);
      mm.check(want[j], pim::bits_of(got[j]), [&] {
        return fmt::format("axpy lane {}: acc {:#010x} + {:#06x} * {:#06x}", j, acc[j], p, x[j]);
      });
    }
  }
  cov.print(fmt::format("axpy random {}", name()));
  EXPECT_GT(cov.zero_pos, 10000u);
  EXPECT_GT(cov.nan, 1000u);
  EXPECT_GT(cov.subnormal, 1000u);
  mm.expect_none();
}

}  // namespace
}  // namespace starc_test
