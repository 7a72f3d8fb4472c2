// Bit-pattern generators for the golden-arithmetic tests: random values of a binary format
// built from sign / exponent / fraction fields, biased towards chosen exponents (overflow,
// subnormal range) and the special classes (zeros, extreme subnormals and normals, infinities,
// NaNs with several payloads).
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <random>
#include <vector>

#include "mpfr_oracle.hpp"

namespace starc_test {

inline int pick(std::mt19937_64& rng, int n) {
  return static_cast<int>(rng() % static_cast<std::uint64_t>(n));
}

// ---- bit-pattern generators ---------------------------------------------------------------

// Random patterns of one binary format, built from fields.
class PatternGen {
 public:
  PatternGen(const BinaryFormat& f, std::mt19937_64& rng) : f_(f), rng_(rng) {}

  int frac_bits() const { return f_.prec - 1; }
  std::uint32_t all_ones() const { return (1u << f_.exp_bits) - 1; }
  std::uint32_t frac_max() const { return (1u << frac_bits()) - 1; }

  std::uint32_t make(std::uint32_t sign, std::uint32_t field, std::uint32_t frac) const {
    return sign << (f_.width() - 1) | field << frac_bits() | frac;
  }
  std::uint32_t sign() { return rng_() & 1u; }
  std::uint32_t frac() { return static_cast<std::uint32_t>(rng_()) & frac_max(); }
  std::uint32_t uniform() {
    return static_cast<std::uint32_t>(rng_()) & ((f_.width() == 32) ? 0xFFFFFFFFu : 0xFFFFu);
  }
  // Random finite value whose unbiased exponent is `e` (subnormal encoding below the normal
  // range, clamped to the largest finite binade above it).
  std::uint32_t with_exp(int e) {
    const int field = e + f_.bias();
    if (field >= static_cast<int>(all_ones())) return make(sign(), all_ones() - 1, frac());
    if (field >= 1) return make(sign(), static_cast<std::uint32_t>(field), frac());
    // Subnormal: the leading one sits (1 - field) places below the hidden bit.
    const int shift = 1 - field;
    if (shift > frac_bits()) return make(sign(), 0, 1);
    return make(sign(), 0, (1u << (frac_bits() - shift)) | (frac() >> shift));
  }
  int exp_in(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  // Values of magnitude around 1 (the shape of attention data).
  std::uint32_t typical() { return with_exp(exp_in(-6, 3)); }
  // Every special class: zeros, extreme subnormals and normals, ones, infinities, NaNs with
  // several payloads, and a few ordinary values; both signs.
  std::vector<std::uint32_t> specials() const {
    std::vector<std::uint32_t> v;
    const auto b = static_cast<std::uint32_t>(f_.bias());
    const std::uint32_t half = 1u << (frac_bits() - 1);
    for (std::uint32_t s : {0u, 1u}) {
      v.push_back(make(s, 0, 0));                        // zero
      v.push_back(make(s, 0, 1));                        // min subnormal
      v.push_back(make(s, 0, frac_max()));               // max subnormal
      v.push_back(make(s, 1, 0));                        // min normal
      v.push_back(make(s, all_ones() - 1, frac_max()));  // max normal
      v.push_back(make(s, b, 0));                        // one
      v.push_back(make(s, b, half));                     // 1.5
      v.push_back(make(s, b + 1, half | 1));             // 3 + ulp
      v.push_back(make(s, b - 2, frac_max() / 3));       // ~0.33
      v.push_back(make(s, all_ones(), 0));               // infinity
      v.push_back(make(s, all_ones(), half));            // quiet NaN
    }
    v.push_back(make(0, all_ones(), 1));           // signalling NaN, smallest payload
    v.push_back(make(0, all_ones(), frac_max()));  // largest payload
    v.push_back(make(1, all_ones(), half | 5));
    return v;
  }

 private:
  const BinaryFormat& f_;
  std::mt19937_64& rng_;
};

// Unbiased exponents of the smallest subnormal and of the largest finite binade.
inline std::array<int, 2> exponent_range(const BinaryFormat& f) {
  return {1 - f.bias() - (f.prec - 1), f.bias()};
}

// Two 16-bit inputs whose product has unbiased exponent about `sum` (each input's exponent
// inside the format's range, subnormal inputs when `sum` demands it).
inline std::array<std::uint32_t, 2> pair_with_exponent_sum(PatternGen& g, const BinaryFormat& f,
                                                           int sum) {
  const auto [lo_e, hi_e] = exponent_range(f);
  const int ea = g.exp_in(std::max(lo_e, sum - hi_e), std::min(hi_e, sum - lo_e));
  return {g.with_exp(ea), g.with_exp(sum - ea)};
}

}  // namespace starc_test
