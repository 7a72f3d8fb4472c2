// The host softmax between the key and the value phase (host/attention.hpp, docs/design.md
// section 5, step 4), tested directly: the golden model and the RTL consume the same
// probabilities, so a wrong softmax passes every co-simulation check and only shows here.
//
// Contract: binary32 over scores x 1/sqrt(D), maximum subtracted, std::exp, summed in token
// order, each term divided by the sum and rounded (RNE) to the input format.
// Derived bound against the double-precision softmax p_i: the binary32 part (the scale, the
// subtraction, exp within a few ulps, a sequential sum of n terms, the division) is relative
// error at most (n + 8) x 2^-24; rounding to the format adds at most u = 2^-11 (fp16) / 2^-8
// (bf16) relative (half an ulp). So |p^_i - p_i| <= (u + (n + 8) x 2^-24) x p_i (+ the smallest
// subnormal of the format, for probabilities that underflow).
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "contracts/pim_arith.hpp"
#include "host/attention.hpp"

namespace {

using pim::Fmt;

std::vector<double> exact_softmax(const std::vector<float>& s, const std::vector<unsigned>& tok, unsigned d) {
  double mx = -INFINITY, sum = 0;
  for (unsigned t : tok) mx = std::max(mx, double(s[t]) / std::sqrt(double(d)));
  std::vector<double> p(s.size(), 0.0);
  for (unsigned t : tok) sum += (p[t] = std::exp(double(s[t]) / std::sqrt(double(d)) - mx));
  for (unsigned t : tok) p[t] /= sum;
  return p;
}

void expect_within_bound(const std::vector<float>& s, const std::vector<unsigned>& tok, unsigned d, Fmt fmt) {
  const auto got = pim::softmax_probabilities(s, tok, d, fmt);
  const auto want = exact_softmax(s, tok, d);
  ASSERT_EQ(got.size(), s.size());
  const double u = fmt == Fmt::fp16 ? std::ldexp(1.0, -11) : std::ldexp(1.0, -8);
  const double tiny = fmt == Fmt::fp16 ? std::ldexp(1.0, -24) : std::ldexp(1.0, -133);
  const double rel = u + (tok.size() + 8) * std::ldexp(1.0, -24);
  std::vector<bool> attended(s.size(), false);
  for (unsigned t : tok) attended[t] = true;
  for (std::size_t i = 0; i < s.size(); ++i) {
    SCOPED_TRACE(i);
    const double p = pim::decode_input(got[i], fmt);
    if (!attended[i]) {
      EXPECT_EQ(got[i], 0u);  // +0 for a token not attended
      continue;
    }
    ASSERT_TRUE(std::isfinite(p));
    EXPECT_LE(std::abs(p - want[i]), rel * want[i] + tiny) << p << " vs " << want[i];
  }
}

// Catches: the maximum subtraction removed (planted: `std::exp(scores[t] * scale)`). Scaled
// logits of about 100 overflow binary32 exp (e^88.7 = FLT_MAX) and give inf / inf = NaN; with the
// maximum subtracted they are fine. Also a context of logits all far below 0 (e^-200 underflows
// to 0 without the subtraction: 0 / 0).
TEST(Softmax, LargeLogitsNeedTheMaximumSubtracted) {
  const unsigned d = 128;
  const float r = std::sqrt(128.0f);
  std::vector<float> big{100.0f * r, 99.0f * r, 97.5f * r, 60.0f * r, 100.0f * r};
  expect_within_bound(big, {0, 1, 2, 3, 4}, d, Fmt::fp16);
  // Two equal maxima share the mass: 0x3800 would be 0.5; here the rest takes a little.
  const auto p = pim::softmax_probabilities(big, std::vector<unsigned>{0, 4}, d, Fmt::fp16);
  EXPECT_EQ(p[0], 0x3800u);  // exactly 0.5
  EXPECT_EQ(p[4], 0x3800u);
  std::vector<float> low{-200.0f * r, -201.0f * r, -202.0f * r};
  expect_within_bound(low, {0, 1, 2}, d, Fmt::fp16);
  expect_within_bound(low, {0, 1, 2}, d, Fmt::bf16);
}

// Hand-computed values: four equal logits give 0.25 (0x3400 fp16, 0x3E80 bf16); logits
// 0 and ln 3 (scale 1) give 1/4 and 3/4 (0x3400, 0x3A00); the tokens not attended get +0.
TEST(Softmax, HandComputedProbabilities) {
  const std::vector<float> eq{5.0f, 5.0f, 5.0f, 5.0f, -3.0f};
  auto p = pim::softmax_probabilities(eq, std::vector<unsigned>{0, 1, 2, 3}, 4, Fmt::fp16);
  EXPECT_EQ(p, (std::vector<std::uint16_t>{0x3400, 0x3400, 0x3400, 0x3400, 0}));
  p = pim::softmax_probabilities(eq, std::vector<unsigned>{0, 1, 2, 3}, 4, Fmt::bf16);
  EXPECT_EQ(p, (std::vector<std::uint16_t>{0x3E80, 0x3E80, 0x3E80, 0x3E80, 0}));
  const std::vector<float> two{0.0f, std::log(3.0f)};
  p = pim::softmax_probabilities(two, std::vector<unsigned>{0, 1}, 1, Fmt::fp16);
  EXPECT_EQ(p[0], 0x3400u);
  EXPECT_EQ(p[1], 0x3A00u);
  // A subset: token 1 is left out, the rest renormalise over tokens 0 and 2.
  const std::vector<float> three{1.0f, 50.0f, 1.0f};
  p = pim::softmax_probabilities(three, std::vector<unsigned>{0, 2}, 1, Fmt::fp16);
  EXPECT_EQ(p, (std::vector<std::uint16_t>{0x3800, 0, 0x3800}));
}

// Random contexts against the double-precision softmax within the derived bound, both formats,
// with the scaling by 1/sqrt(D) (a softmax that forgets the scale is far outside the bound).
TEST(Softmax, RandomContextsWithinTheDerivedBound) {
  std::mt19937_64 rng(7);
  for (const Fmt fmt : {Fmt::fp16, Fmt::bf16}) {
    for (const unsigned n : {1u, 2u, 17u, 300u}) {
      for (const double spread : {0.5, 8.0, 60.0}) {
        SCOPED_TRACE(testing::Message() << "n " << n << " spread " << spread);
        std::normal_distribution<float> g(0.0f, float(spread * std::sqrt(128.0)));
        std::vector<float> s(n + 3);
        for (auto& x : s) x = g(rng);
        std::vector<unsigned> tok;
        for (unsigned i = 0; i < s.size(); ++i)
          if (i % 7 != 3) tok.push_back(i);
        expect_within_bound(s, tok, 128, fmt);
      }
    }
  }
}

}  // namespace
