// The two floating-point units of the MAC (rtl/pim_fp_mul.sv, rtl/pim_fp32_add.sv), Verilated
// on their own, against the golden arithmetic (host/pim_arith): every pair of special values,
// then seeded random operands (uniform bits plus biased corners). Seed: STARC_SEED.
#include <gtest/gtest.h>

#include <cstdio>
#include <random>

#include <fmt/core.h>

#include "sim/fp_units.hpp"
#include "mac_op_gen.hpp"
#include "contracts/pim_arith.hpp"

namespace {

using pim::Fmt;
using pim::test::MacOpGen;

constexpr int kShowMismatches = 5;

struct Mismatches {
  long count = 0;
  void add(const std::string& what) {
    if (count++ < kShowMismatches) std::printf("  mismatch: %s\n", what.c_str());
  }
};

void check_mul(pim::FpUnits& rtl, std::uint16_t a, std::uint16_t b, Fmt fmt, Mismatches& m) {
  const std::uint32_t want = pim::bits_of(pim::mul(a, b, fmt));
  const std::uint32_t got = rtl.mul(a, b, fmt);
  if (got != want) {
    m.add(fmt::format("mul {} {:04x} x {:04x}: rtl {:08x} golden {:08x}", pim::fmt_name(fmt), a, b,
                      got, want));
  }
}

void check_add(pim::FpUnits& rtl, std::uint32_t a, std::uint32_t b, Mismatches& m) {
  const std::uint32_t want = pim::bits_of(pim::add(pim::float_of(a), pim::float_of(b)));
  const std::uint32_t got = rtl.add(a, b);
  if (got != want) {
    m.add(fmt::format("add {:08x} + {:08x}: rtl {:08x} golden {:08x}", a, b, got, want));
  }
}

TEST(FpUnits, MulSpecialPairs) {
  pim::FpUnits rtl;
  Mismatches m;
  long n = 0;
  for (Fmt fmt : {Fmt::fp16, Fmt::bf16}) {
    for (std::uint16_t a : pim::test::special_inputs(fmt)) {
      for (std::uint16_t b : pim::test::special_inputs(fmt)) {
        check_mul(rtl, a, b, fmt, m);
        ++n;
      }
    }
  }
  std::printf("mul special pairs: %ld, mismatches %ld\n", n, m.count);
  EXPECT_EQ(m.count, 0);
}

TEST(FpUnits, AddSpecialPairs) {
  pim::FpUnits rtl;
  Mismatches m;
  // Every pair of special values, and each special value against its own negation
  // (exact cancellation).
  const auto s = pim::test::special_fp32();
  for (std::uint32_t a : s) {
    for (std::uint32_t b : s) check_add(rtl, a, b, m);
    check_add(rtl, a, a ^ 0x80000000u, m);
  }
  EXPECT_EQ(m.count, 0);
}

TEST(FpUnits, HandCheckedValues) {
  pim::FpUnits rtl;
  EXPECT_EQ(rtl.mul(0x3C00, 0x4000, Fmt::fp16), 0x40000000u);  // 1 x 2 = 2
  EXPECT_EQ(rtl.mul(0x0001, 0x0001, Fmt::fp16), 0x27800000u);  // 2^-24 x 2^-24 = 2^-48
  EXPECT_EQ(rtl.mul(0x7BFF, 0x7BFF, Fmt::fp16), 0x4F7FC004u);  // 65504^2 = 2^32 - 2^22 + 2^10, exact
  EXPECT_EQ(rtl.mul(0x7F7F, 0x7F7F, Fmt::bf16), 0x7F800000u);  // overflow to +inf
  EXPECT_EQ(rtl.mul(0x0001, 0x3F80, Fmt::bf16), 0x00010000u);  // bf16 subnormal x 1
  EXPECT_EQ(rtl.mul(0x0001, 0x0001, Fmt::bf16), 0x00000000u);  // 2^-266 underflows to +0
  EXPECT_EQ(rtl.mul(0x8001, 0x0001, Fmt::bf16), 0x80000000u);  // ... to -0
  EXPECT_EQ(rtl.mul(0x0000, 0x7C00, Fmt::fp16), 0x7FC00000u);  // 0 x inf: invalid
  EXPECT_EQ(rtl.add(0x3F800000u, 0x3F800000u), 0x40000000u);   // 1 + 1
  EXPECT_EQ(rtl.add(0x3F800000u, 0xBF800000u), 0x00000000u);   // 1 - 1 = +0
  EXPECT_EQ(rtl.add(0x80000000u, 0x80000000u), 0x80000000u);   // -0 + -0 = -0
  EXPECT_EQ(rtl.add(0x00000001u, 0x807FFFFFu), 0x807FFFFEu);   // subnormal difference
  EXPECT_EQ(rtl.add(0x7F7FFFFFu, 0x7F7FFFFFu), 0x7F800000u);   // overflow
  EXPECT_EQ(rtl.add(0x4B800000u, 0x3F800000u), 0x4B800000u);   // 2^24 + 1: tie to even
  EXPECT_EQ(rtl.add(0x4B800001u, 0x3F800000u), 0x4B800002u);   // tie to even, rounds up
  EXPECT_EQ(rtl.add(0x7F800000u, 0xFF800000u), 0x7FC00000u);   // inf - inf: invalid
}

TEST(FpUnits, RandomMulMatchesGolden) {
  const std::uint64_t seed = pim::test::test_seed(0x5EED0001);
  std::printf("seed %llu (STARC_SEED overrides)\n", static_cast<unsigned long long>(seed));
  pim::FpUnits rtl;
  MacOpGen gen(seed);
  Mismatches m;
  constexpr int kPerStyle = 100000;
  for (Fmt fmt : {Fmt::fp16, Fmt::bf16}) {
    for (int s = 0; s < static_cast<int>(MacOpGen::Style::count); ++s) {
      const auto style = static_cast<MacOpGen::Style>(s);
      for (int k = 0; k < kPerStyle; ++k) {
        const int base = fmt == Fmt::fp16 ? gen.uniform(1, 30) : gen.uniform(1, 254);
        check_mul(rtl, gen.element(fmt, style, base), gen.element(fmt, style, base), fmt, m);
      }
    }
  }
  EXPECT_EQ(m.count, 0);
}

TEST(FpUnits, RandomAddMatchesGolden) {
  const std::uint64_t seed = pim::test::test_seed(0x5EED0002);
  std::printf("seed %llu (STARC_SEED overrides)\n", static_cast<unsigned long long>(seed));
  pim::FpUnits rtl;
  MacOpGen gen(seed);
  Mismatches m;
  constexpr int kN = 400000;
  for (int k = 0; k < kN; ++k) {
    const std::uint32_t a = gen.u32();
    std::uint32_t b = gen.u32();
    switch (k % 5) {
      case 0:  // uniform bits
        break;
      case 1: {  // close exponents, any signs: cancellation, alignment by 0..3
        const int e = static_cast<int>((a >> 23) & 0xFF);
        b = MacOpGen::make_fp32(gen.u32() & 1, std::clamp(e + gen.uniform(-3, 3), 0, 254), gen.u32());
        break;
      }
      case 2:  // opposite sign, nearly equal magnitude: massive cancellation
        b = (a ^ 0x80000000u) + static_cast<std::uint32_t>(gen.uniform(-4, 4));
        break;
      case 3:  // subnormal and smallest normal ranges
        b = MacOpGen::make_fp32(gen.u32() & 1, gen.uniform(0, 2), gen.u32());
        check_add(rtl, MacOpGen::make_fp32(gen.u32() & 1, gen.uniform(0, 2), gen.u32()), b, m);
        break;
      default: {  // exponent differences around the sticky boundary (24..28)
        const int e = gen.uniform(30, 254);
        b = MacOpGen::make_fp32(gen.u32() & 1, e - gen.uniform(22, 30), gen.u32());
        check_add(rtl, MacOpGen::make_fp32(gen.u32() & 1, e, gen.u32()), b, m);
        break;
      }
    }
    check_add(rtl, a, b, m);
  }
  EXPECT_EQ(m.count, 0);
}

}  // namespace
