// The golden PIM arithmetic (host/pim_arith) checked bit for bit against an independent MPFR
// oracle (tests/mpfr_oracle): exhaustive decode, every pair of special classes for mul and add,
// and >= 10^6 random mul, add and encode operations per format plus 2 x 10^5 dot and 10^5
// axpy commands (16 lanes each), from generators biased to the regions where arithmetic goes wrong.
// Seeded: STARC_SEED overrides the default seed; every test prints the seed it used.
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

// ---- decode, specials ---------------------------------------------------------------------

TEST_P(GoldenVsMpfr, DecodeAllPatterns) {
  MpfrOracle oracle;
  Mismatches mm(fmt::format("decode_input {}", name()));
  for (std::uint32_t p = 0; p <= 0xFFFFu; ++p) {
    const auto bits = static_cast<std::uint16_t>(p);
    mm.check(oracle.decode(bits, bf16()), pim::bits_of(pim::decode_input(bits, fmt())),
             [&] { return fmt::format("{:#06x}", p); });
  }
  EXPECT_EQ(mm.compared(), 65536u);
  mm.expect_none();
}

TEST_P(GoldenVsMpfr, MulEverySpecialPair) {
  std::mt19937_64 rng = test_rng();
  PatternGen g(format_of(fmt()), rng);
  MpfrOracle oracle;
  Mismatches mm(fmt::format("mul specials {}", name()));
  const auto sp = g.specials();
  for (std::uint32_t a : sp) {
    for (std::uint32_t b : sp) {
      const auto a16 = static_cast<std::uint16_t>(a), b16 = static_cast<std::uint16_t>(b);
      mm.check(oracle.mul(a16, b16, bf16()), pim::bits_of(pim::mul(a16, b16, fmt())),
               [&] { return fmt::format("mul({:#06x}, {:#06x})", a, b); });
    }
  }
  mm.expect_none();
}

TEST(GoldenVsMpfrB32, AddEverySpecialPair) {
  std::mt19937_64 rng = test_rng();
  PatternGen g(starc_test::kBinary32, rng);
  MpfrOracle oracle;
  Mismatches mm("add specials");
  auto sp = g.specials();
  // Exact and near cancellation partners: 1 - (1 - ulp), max + max, min normal - max subnormal.
  for (std::uint32_t x : {0x3F7FFFFFu, 0xBF7FFFFFu, 0x3F800001u, 0xBF800001u, 0x00800001u,
                          0x80800001u, 0x4B800000u, 0xCB800001u}) {
    sp.push_back(x);
  }
  Coverage cov;
  for (std::uint32_t a : sp) {
    for (std::uint32_t b : sp) {
      const std::uint32_t want = oracle.add(a, b);
      cov.count_b32(want);
      mm.check(want, pim::bits_of(pim::add(pim::float_of(a), pim::float_of(b))),
               [&] { return fmt::format("add({:#010x}, {:#010x})", a, b); });
    }
  }
  cov.print("add specials");
  EXPECT_GT(cov.zero_pos, 0u);
  EXPECT_GT(cov.zero_neg, 0u);
  EXPECT_GT(cov.nan, 0u);
  mm.expect_none();
}

// ---- random mul ---------------------------------------------------------------------------

TEST_P(GoldenVsMpfr, MulRandom) {
  std::mt19937_64 rng = test_rng();
  const BinaryFormat& f = format_of(fmt());
  PatternGen g(f, rng);
  const auto sp = g.specials();
  MpfrOracle oracle;
  Mismatches mm(fmt::format("mul random {}", name()));
  Coverage cov;
  // Product exponents that reach binary32 overflow and the subnormal / underflow range
  // (only bf16 gets there; fp16 products span 2^-48 .. 2^32 and stay exact).
  const int max_sum = 2 * f.bias() + 1;
  const int min_sum = 2 * (1 - f.bias() - (f.prec - 1));
  for (int i = 0; i < kRandomOps; ++i) {
    std::uint32_t a = 0, b = 0;
    switch (pick(rng, 8)) {
      case 0:
        a = g.uniform();
        b = g.uniform();
        break;
      case 1:
        a = g.typical();
        b = g.typical();
        break;
      case 2:
        a = sp[pick(rng, static_cast<int>(sp.size()))];
        b = g.uniform();
        break;
      case 3: {  // near binary32 overflow
        const auto p = pair_with_exponent_sum(g, f, std::min(max_sum, g.exp_in(124, 129)));
        a = p[0];
        b = p[1];
        break;
      }
      case 4:
      case 5: {  // binary32 subnormal results, ties, underflow to zero
        const auto p = pair_with_exponent_sum(g, f, std::max(min_sum, g.exp_in(-152, -124)));
        a = p[0];
        b = p[1];
        break;
      }
      case 6: {  // extremes of the format itself
        const auto p = pair_with_exponent_sum(g, f, g.exp_in(min_sum, max_sum));
        a = p[0];
        b = p[1];
        break;
      }
      default:
        a = g.with_exp(g.exp_in(1 - f.bias() - f.prec, f.bias()));
        b = g.typical();
        break;
    }
    const auto a16 = static_cast<std::uint16_t>(a), b16 = static_cast<std::uint16_t>(b);
    RoundingInfo info;
    const std::uint32_t want = oracle.mul(a16, b16, bf16(), &info);
    cov.count(info);
    cov.count_b32(want);
    mm.check(want, pim::bits_of(pim::mul(a16, b16, fmt())),
             [&] { return fmt::format("mul({:#06x}, {:#06x})", a, b); });
  }
  cov.print(fmt::format("mul random {}", name()));
  if (bf16()) {
    EXPECT_GT(cov.ties, 1000u);
    EXPECT_GT(cov.subnormal, 10000u);
    EXPECT_GT(cov.inf, 10000u);
    EXPECT_GT(cov.zero_pos + cov.zero_neg, 10000u);
  } else {
    EXPECT_EQ(cov.inexact, 0u) << "fp16 products must be exact in binary32";
  }
  mm.expect_none();
}

// ---- random add ---------------------------------------------------------------------------

TEST(GoldenVsMpfrB32, AddRandom) {
  std::mt19937_64 rng = test_rng();
  PatternGen g(starc_test::kBinary32, rng);
  const auto sp = g.specials();
  MpfrOracle oracle;
  Mismatches mm("add random");
  Coverage cov;
  for (int i = 0; i < kRandomOps; ++i) {
    std::uint32_t a = 0, b = 0;
    switch (pick(rng, 9)) {
      case 0:
        a = g.uniform();
        b = g.uniform();
        break;
      case 1:
        a = g.with_exp(g.exp_in(-149, 127));
        b = a ^ 0x80000000u;
        break;   // x + (-x)
      case 2: {  // near cancellation
        a = g.with_exp(g.exp_in(-149, 127));
        b = (a ^ 0x80000000u) + static_cast<std::uint32_t>(g.exp_in(-3, 3));
        if ((b & 0x7F800000u) == 0x7F800000u) b = a ^ 0x80000000u;
        break;
      }
      case 3: {  // close exponents
        const int e = g.exp_in(-149, 127);
        a = g.with_exp(e);
        b = g.with_exp(std::clamp(e + g.exp_in(-26, 26), -149, 127));
        break;
      }
      case 4:
      case 5: {  // ties: b = odd multiple of half an ulp of a
        const int e = g.exp_in(-125, 127);
        a = g.with_exp(e);
        const auto k = static_cast<std::uint32_t>(2 * g.exp_in(0, 511) + 1);
        // b = k x 2^(e - 24) built from fields: normalise k.
        const int kbits = std::bit_width(k);
        const int be = e - 24 + kbits - 1;
        const std::uint32_t kfrac = (k << (24 - kbits)) & 0x7FFFFFu;
        if (be >= -126) {
          b = g.make(g.sign(), static_cast<std::uint32_t>(be + 127), kfrac);
        } else {
          b = g.make(g.sign(), 0, k << (e - 24 + 149));  // subnormal half-ulp multiple
        }
        break;
      }
      case 6:
        a = g.with_exp(g.exp_in(123, 127));
        b = g.with_exp(g.exp_in(120, 127));
        break;
      case 7:
        a = g.with_exp(g.exp_in(-149, -120));
        b = g.with_exp(g.exp_in(-149, -120));
        break;
      default:
        a = sp[pick(rng, static_cast<int>(sp.size()))];
        b = g.uniform();
        break;
    }
    if (rng() & 1) std::swap(a, b);
    RoundingInfo info;
    const std::uint32_t want = oracle.add(a, b, &info);
    cov.count(info);
    cov.count_b32(want);
    mm.check(want, pim::bits_of(pim::add(pim::float_of(a), pim::float_of(b))),
             [&] { return fmt::format("add({:#010x}, {:#010x})", a, b); });
  }
  cov.print("add random");
  EXPECT_GT(cov.ties, 10000u);
  EXPECT_GT(cov.subnormal, 10000u);
  EXPECT_GT(cov.inf, 10000u);
  EXPECT_GT(cov.zero_pos, 10000u);
  mm.expect_none();
}

// ---- tree -----------------------------------------------------------------------------------

TEST(GoldenVsMpfrB32, TreeAndPaddedTreeRandom) {
  std::mt19937_64 rng = test_rng();
  PatternGen g(starc_test::kBinary32, rng);
  MpfrOracle oracle;
  Mismatches mm_tree("tree random"), mm_pad("tree_padded random");
  std::vector<std::uint32_t> bits;
  std::vector<float> vals;
  for (int i = 0; i < 20'000; ++i) {
    const std::size_t n = 1 + static_cast<std::size_t>(pick(rng, 64));
    bits.resize(n);
    const int e = g.exp_in(-149, 127);
    for (auto& x : bits) {
      switch (pick(rng, 4)) {
        case 0: x = g.uniform(); break;
        case 1: x = g.typical(); break;
        default: x = g.with_exp(std::clamp(e + g.exp_in(-8, 8), -149, 127)); break;
      }
    }
    // Exact cancellation inside the tree: negate a random earlier leaf.
    if (n > 1 && (rng() & 1))
      bits[n - 1] =
          bits[static_cast<std::size_t>(pick(rng, static_cast<int>(n - 1)))] ^ 0x80000000u;
    vals.assign(n, 0.0f);
    for (std::size_t j = 0; j < n; ++j) vals[j] = pim::float_of(bits[j]);
    auto describe = [&] {
      std::string s = fmt::format("n={} leaves", n);
      for (std::uint32_t x : bits) s += fmt::format(" {:#010x}", x);
      return s;
    };
    if ((n & (n - 1)) == 0) {
      mm_tree.check(oracle.tree(bits), pim::bits_of(pim::tree(vals)), describe);
    }
    std::vector<std::uint32_t> padded = bits;
    padded.resize(std::bit_ceil(n), 0u);
    mm_pad.check(oracle.tree(padded), pim::bits_of(pim::tree_padded(vals)), describe);
  }
  mm_tree.expect_none();
  mm_pad.expect_none();
}

// ---- encode_input -------------------------------------------------------------------------

TEST_P(GoldenVsMpfr, EncodeRandomAndTies) {
  std::mt19937_64 rng = test_rng();
  const BinaryFormat& f = format_of(fmt());
  PatternGen g32(starc_test::kBinary32, rng);
  PatternGen g16(f, rng);
  MpfrOracle oracle;
  Mismatches mm(fmt::format("encode_input {}", name()));
  std::uint64_t ties = 0, overflows = 0, subnormals = 0;
  const int frac16 = f.prec - 1;
  const int min_normal_e = 1 - f.bias();
  const int min_sub_e = min_normal_e - frac16;
  for (int i = 0; i < kRandomOps; ++i) {
    std::uint32_t x = 0;
    bool tie = false;
    switch (pick(rng, 6)) {
      case 0: x = g32.uniform(); break;
      case 1: x = g32.with_exp(g32.exp_in(min_sub_e - 2, f.bias() + 1)); break;
      case 2:
      case 3: {  // exact ties of the target format, and one binary32 ulp either side
        const int e = g32.exp_in(min_sub_e - 1, f.bias());
        x = g32.with_exp(e);
        // Bits of the binary32 pattern below the target's last kept bit (binary32 subnormals
        // and bf16 subnormals share the scale: bf16 is the top half of binary32).
        const int cut = 23 - frac16 + std::max(0, min_normal_e - std::max(e, -126));
        if (cut == 24) {  // x = 2^e exactly halfway between 0 and the smallest subnormal
          x &= 0xFF800000u;
          tie = true;
        } else {
          const std::uint32_t low = (1u << cut) - 1;
          x = (x & ~low) | (1u << (cut - 1));
          const int nudge = g32.exp_in(-1, 1);
          tie = nudge == 0;
          x += static_cast<std::uint32_t>(nudge);
        }
        break;
      }
      case 4: {  // around the largest finite value and the overflow threshold
        const std::uint32_t max16 = g16.make(0, g16.all_ones() - 1, g16.frac_max());
        const std::uint32_t max32 =
            oracle.decode(static_cast<std::uint16_t>(max16), is_bf16(fmt()));
        x = (max32 + static_cast<std::uint32_t>(g32.exp_in(-3, 3) << (23 - frac16 - 1))) |
            (g32.sign() << 31);
        if ((x & 0x7F800000u) == 0x7F800000u) x &= 0xFF800000u;  // inf, not a NaN
        break;
      }
      default: {  // a format value nudged by a few binary32 ulps
        std::uint32_t v = oracle.decode(static_cast<std::uint16_t>(g16.uniform()), is_bf16(fmt()));
        if ((v & 0x7F800000u) != 0x7F800000u && (v & 0x7FFFFFFFu) > 4u)
          v += static_cast<std::uint32_t>(g32.exp_in(-2, 2));
        x = v;
        break;
      }
    }
    const std::uint16_t want = oracle.encode(x, is_bf16(fmt()));
    ties += tie;
    const std::uint32_t mag = want & 0x7FFFu;
    overflows += mag == g16.make(0, g16.all_ones(), 0) && (x & 0x7FFFFFFFu) < 0x7F800000u;
    subnormals += mag != 0 && mag <= g16.frac_max();
    mm.check(want, pim::encode_input(pim::float_of(x), fmt()),
             [&] { return fmt::format("encode_input({:#010x})", x); });
  }
  std::printf("encode_input %.*s coverage: ties %llu, finite->inf %llu, subnormal %llu\n",
              static_cast<int>(name().size()), name().data(), static_cast<unsigned long long>(ties),
              static_cast<unsigned long long>(overflows),
              static_cast<unsigned long long>(subnormals));
  EXPECT_GT(ties, 10000u);
  EXPECT_GT(overflows, 1000u);
  EXPECT_GT(subnormals, 10000u);
  mm.expect_none();
}

// ---- the oracle itself, on hand-computed values -------------------------------------------

TEST(MpfrOracleSelfCheck, HandComputedValues) {
  MpfrOracle o;
  EXPECT_EQ(o.add(0x3F800000u, 0x33800000u), 0x3F800000u);  // 1 + 2^-24: tie, to even
  EXPECT_EQ(o.add(0x3F800001u, 0x33800000u), 0x3F800002u);  // (1 + 2^-23) + 2^-24: up
  EXPECT_EQ(o.add(0x7F7FFFFFu, 0x7F7FFFFFu), 0x7F800000u);  // overflow
  EXPECT_EQ(o.add(0x3FC00000u, 0xBFC00000u), 0x00000000u);  // x + (-x) = +0
  EXPECT_EQ(o.add(0x80000000u, 0x80000000u), 0x80000000u);  // -0 + -0 = -0
  EXPECT_EQ(o.add(0x7F800000u, 0xFF800000u), 0x7FC00000u);  // inf - inf
  EXPECT_EQ(o.add(0x00800000u, 0x807FFFFFu), 0x00000001u);  // min normal - max subnormal
  EXPECT_EQ(o.decode(0x0001, false), 0x33800000u);          // fp16 2^-24
  EXPECT_EQ(o.decode(0x7BFF, false), 0x477FE000u);          // fp16 65504
  EXPECT_EQ(o.decode(0x0001, true), 0x00010000u);           // bf16 2^-133
  EXPECT_EQ(o.decode(0x7F81, true), 0x7FC00000u);           // bf16 NaN
  EXPECT_EQ(o.mul(0x0D80, 0x2700, true), 0x00000001u);      // 2^-100 x 2^-49 = 2^-149
  EXPECT_EQ(o.mul(0x0D80, 0x2680, true), 0x00000000u);      // 2^-150: tie with 0, to even
  EXPECT_EQ(o.mul(0x0D80, 0x26C0, true), 0x00000001u);      // 1.5 x 2^-150: up
  EXPECT_EQ(o.mul(0x8D80, 0x2680, true), 0x80000000u);      // -2^-150 -> -0
  EXPECT_EQ(o.mul(0x7F00, 0x4000, true), 0x7F800000u);      // 2^127 x 2 overflows
  EXPECT_EQ(o.mul(0x0000, 0x7C00, false), 0x7FC00000u);     // 0 x inf
  EXPECT_EQ(o.mul(0x8000, 0x3C00, false), 0x80000000u);     // -0 x 1
  EXPECT_EQ(o.encode(0x477FF000u, false), 0x7C00);          // 65520 -> inf (tie, to even)
  EXPECT_EQ(o.encode(0x477FEFFFu, false), 0x7BFF);          // just below 65520
  EXPECT_EQ(o.encode(0x33000000u, false), 0x0000);          // 2^-25: tie with 0
  EXPECT_EQ(o.encode(0x33400000u, false), 0x0001);          // 1.5 x 2^-25
  EXPECT_EQ(o.encode(0x3F808000u, true), 0x3F80);           // 1 + 2^-8: tie, to even
  EXPECT_EQ(o.encode(0x3F818000u, true), 0x3F82);           // (1 + 2^-7) + 2^-8: up
  EXPECT_EQ(o.encode(0x7F7FFFFFu, true), 0x7F80);           // binary32 max -> bf16 inf
  EXPECT_EQ(o.encode(0x00008000u, true), 0x0000);           // 2^-134: tie with 0
  EXPECT_EQ(o.encode(0xFFC00001u, true), 0x7FC0);           // NaN -> canonical
  const std::array<std::uint32_t, 4> leaves{0x4CBEBC20u, 0x3F800000u, 0xCCBEBC20u, 0x3F800000u};
  EXPECT_EQ(o.tree(leaves), 0x00000000u);  // (1e8 + 1) + (-1e8 + 1) = 0 pairwise
}

INSTANTIATE_TEST_SUITE_P(Formats, GoldenVsMpfr, ::testing::Values(Fmt::fp16, Fmt::bf16),
                         [](const ::testing::TestParamInfo<Fmt>& info) {
                           return std::string(pim::fmt_name(info.param));
                         });

}  // namespace
}  // namespace starc_test
