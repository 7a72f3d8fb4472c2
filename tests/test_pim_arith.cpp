// Hand-checked cases of the golden arithmetic (the MPFR suite covers the random space).
#include <gtest/gtest.h>

#include <array>

#include "contracts/pim_arith.hpp"

using pim::Fmt;

TEST(PimArith, DecodeFp16Specials) {
  EXPECT_EQ(pim::bits_of(pim::decode_input(0x3C00, Fmt::fp16)), 0x3F800000u);  // 1.0
  EXPECT_EQ(pim::bits_of(pim::decode_input(0x0001, Fmt::fp16)), 0x33800000u);  // 2^-24
  EXPECT_EQ(pim::bits_of(pim::decode_input(0x8000, Fmt::fp16)), 0x80000000u);  // -0
  EXPECT_EQ(pim::bits_of(pim::decode_input(0x7C00, Fmt::fp16)), 0x7F800000u);  // +inf
  EXPECT_EQ(pim::bits_of(pim::decode_input(0x7C01, Fmt::fp16)), pim::kCanonicalNaN);
  EXPECT_EQ(pim::bits_of(pim::decode_input(0x7BFF, Fmt::fp16)), 0x477FE000u);  // 65504
}

TEST(PimArith, EncodeRoundsToNearestEven) {
  EXPECT_EQ(pim::encode_input(1.0f, Fmt::fp16), 0x3C00);
  // 1 + 2^-11 is a tie between 1.0 and 1 + 2^-10: rounds to even (1.0).
  EXPECT_EQ(pim::encode_input(1.0f + 0x1p-11f, Fmt::fp16), 0x3C00);
  EXPECT_EQ(pim::encode_input(1.0f + 0x1.8p-10f, Fmt::fp16), 0x3C02);
  EXPECT_EQ(pim::encode_input(65520.0f, Fmt::fp16), 0x7C00);  // rounds to infinity
  EXPECT_EQ(pim::encode_input(0x1p-25f, Fmt::fp16), 0x0000);  // tie with 0: even
  EXPECT_EQ(pim::encode_input(0x1.8p-25f, Fmt::fp16), 0x0001);
  EXPECT_EQ(pim::encode_input(1.0f + 0x1p-8f, Fmt::bf16), 0x3F80);
  EXPECT_EQ(pim::encode_input(-0.0f, Fmt::bf16), 0x8000);
}

TEST(PimArith, SignedZeroAndInvalid) {
  EXPECT_EQ(pim::bits_of(pim::add(-0.0f, -0.0f)), 0x80000000u);
  EXPECT_EQ(pim::bits_of(pim::add(1.5f, -1.5f)), 0x00000000u);
  const float inf = pim::float_of(0x7F800000u);
  EXPECT_EQ(pim::bits_of(pim::add(inf, -inf)), pim::kCanonicalNaN);
  EXPECT_EQ(pim::bits_of(pim::mul(0x0000, 0x7C00, Fmt::fp16)), pim::kCanonicalNaN);
}

TEST(PimArith, TreeOrderIsPairwise) {
  // ((1e8 + 1) + (-1e8 + 1)): pairwise gives 0 + 2 ... check exact order dependence.
  const std::array<float, 4> x{1e8f, 1.0f, -1e8f, 1.0f};
  // (1e8 + 1) rounds to 1e8; (-1e8 + 1) rounds to -1e8; sum = 0.
  EXPECT_EQ(pim::bits_of(pim::tree(x)), 0x00000000u);
  const std::array<float, 3> y{1.0f, 2.0f, 3.0f};
  EXPECT_EQ(pim::tree_padded(y), 6.0f);
}

// encode_input's inline fast path (an exactly representable normal number: fields moved, no
// rounding) gives what the general rounding gives: every 16-bit pattern of both formats decoded
// and encoded again, and 4M binary32 patterns of a fixed LCG.
TEST(PimArith, EncodeFastPathEqualsTheGeneralRounding) {
  for (const pim::Fmt fmt : {pim::Fmt::fp16, pim::Fmt::bf16}) {
    for (std::uint32_t b = 0; b < 65536; ++b) {
      const float x = pim::decode_input(static_cast<std::uint16_t>(b), fmt);
      ASSERT_EQ(pim::encode_input(x, fmt), pim::encode_input_rounded(x, fmt)) << "pattern " << b;
    }
    std::uint64_t s = 12345;
    for (int i = 0; i < (1 << 22); ++i) {
      s = s * 6364136223846793005ull + 1442695040888963407ull;
      const float x = pim::float_of(static_cast<std::uint32_t>(s >> 32));
      ASSERT_EQ(pim::encode_input(x, fmt), pim::encode_input_rounded(x, fmt)) << "binary32 " << (s >> 32);
    }
  }
}

// mul's inline decoding of the common case (normal fp16, non-NaN bf16) gives decode_input's
// values: every 16-bit pattern against 64 others of every class, both formats.
TEST(PimArith, MulEqualsTheProductOfTheDecodedInputs) {
  for (const pim::Fmt fmt : {pim::Fmt::fp16, pim::Fmt::bf16}) {
    for (std::uint32_t a = 0; a < 65536; ++a) {
      for (std::uint32_t k = 0; k < 64; ++k) {
        const auto b = static_cast<std::uint16_t>(k * 1031u + (k & 7u));  // spread over every exponent
        const float want = pim::canonicalize(pim::decode_input(static_cast<std::uint16_t>(a), fmt) *
                                             pim::decode_input(b, fmt));
        ASSERT_EQ(pim::bits_of(pim::mul(static_cast<std::uint16_t>(a), b, fmt)), pim::bits_of(want))
            << "a " << a << " b " << b;
      }
    }
  }
}
