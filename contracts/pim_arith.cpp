#include "contracts/pim_arith.hpp"

#include <array>

#include <bit>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

namespace pim {

Fmt parse_fmt(std::string_view text) {
  if (text == "fp16") return Fmt::fp16;
  if (text == "bf16") return Fmt::bf16;
  throw std::invalid_argument("unknown format '" + std::string(text) + "' (expected fp16 or bf16)");
}

std::string_view fmt_name(Fmt fmt) { return fmt == Fmt::fp16 ? "fp16" : "bf16"; }

std::uint32_t bits_of(float x) { return std::bit_cast<std::uint32_t>(x); }
float float_of(std::uint32_t bits) { return std::bit_cast<float>(bits); }

float canonicalize(float x) { return std::isnan(x) ? float_of(kCanonicalNaN) : x; }

float decode_input(std::uint16_t bits, Fmt fmt) {
  if (fmt == Fmt::bf16) {
    // bfloat16 is the upper half of a binary32.
    return canonicalize(float_of(static_cast<std::uint32_t>(bits) << 16));
  }
  const std::uint32_t sign = static_cast<std::uint32_t>(bits >> 15) << 31;
  const std::uint32_t exp = (bits >> 10) & 0x1Fu;
  std::uint32_t man = bits & 0x3FFu;
  if (exp == 0x1F) {
    return man != 0 ? float_of(kCanonicalNaN) : float_of(sign | 0x7F800000u);
  }
  if (exp == 0) {
    if (man == 0) return float_of(sign);
    // Subnormal: value = man x 2^-24; normalise into a binary32 normal.
    int e = -14;
    while ((man & 0x400u) == 0) {
      man <<= 1;
      --e;
    }
    man &= 0x3FFu;
    return float_of(sign | static_cast<std::uint32_t>(e + 127) << 23 | man << 13);
  }
  return float_of(sign | (exp - 15 + 127) << 23 | man << 13);
}

namespace {

// Rounds the binary32 pattern `bits` (finite, non-negative magnitude part) to a format with
// `man_bits` fraction bits, exponent bias `bias` and maximum biased exponent `max_exp`
// (all-ones reserved for inf/NaN). Returns the magnitude bits of the result.
std::uint32_t round_magnitude(std::uint32_t mag, int man_bits, int bias, int exp_bits) {
  const int max_biased = (1 << exp_bits) - 1;
  if (mag == 0) return 0;
  // Decompose binary32 magnitude into significand (with hidden bit) and unbiased exponent.
  std::uint32_t e32 = mag >> 23;
  std::uint64_t sig = mag & 0x7FFFFFu;
  int exp;
  if (e32 == 0) {
    exp = -126;  // subnormal binary32: value = sig x 2^(-126-23)
  } else {
    sig |= 0x800000u;
    exp = static_cast<int>(e32) - 127;
  }
  // Value = sig x 2^(exp - 23). Target: result = q x 2^(target_exp - man_bits), with
  // target_exp = max(exp_of_msb, 1 - bias) (subnormal range shares the minimum exponent).
  int msb = 63 - std::countl_zero(sig);  // position of leading one
  int value_exp = exp - 23 + msb;        // exponent of the leading one
  int target_exp = std::max(value_exp, 1 - bias);
  int shift = (exp - 23) - (target_exp - man_bits);  // sig x 2^shift = q (before rounding)
  std::uint64_t q;
  if (shift >= 0) {
    q = sig << shift;
  } else {
    int rs = -shift;
    if (rs > 40) {
      q = 0;  // far below half an ulp of the smallest subnormal: rounds to zero
    } else {
      std::uint64_t kept = sig >> rs;
      std::uint64_t rem = sig & ((std::uint64_t{1} << rs) - 1);
      std::uint64_t half = std::uint64_t{1} << (rs - 1);
      if (rem > half || (rem == half && (kept & 1))) ++kept;
      q = kept;
    }
  }
  // q has at most man_bits + 1 significant bits, or man_bits + 2 after a rounding carry.
  int biased;
  if (q >> (man_bits + 1)) {  // carry out of the significand: renormalise
    q >>= 1;
    ++target_exp;
  }
  if (q >> man_bits) {
    biased = target_exp + bias;
  } else {
    biased = 0;  // subnormal (or zero)
  }
  if (biased >= max_biased) return static_cast<std::uint32_t>(max_biased) << man_bits;  // inf
  return static_cast<std::uint32_t>(biased) << man_bits | static_cast<std::uint32_t>(q & ((1u << man_bits) - 1));
}

}  // namespace

std::uint16_t encode_input_rounded(float x, Fmt fmt) {
  const std::uint32_t b = bits_of(x);
  const std::uint32_t sign = b >> 31;
  if (std::isnan(x)) return fmt == Fmt::fp16 ? 0x7E00 : 0x7FC0;
  const std::uint32_t mag = b & 0x7FFFFFFFu;
  if (fmt == Fmt::fp16) {
    if (mag == 0x7F800000u) return static_cast<std::uint16_t>(sign << 15 | 0x7C00u);
    return static_cast<std::uint16_t>(sign << 15 | round_magnitude(mag, 10, 15, 5));
  }
  if (mag == 0x7F800000u) return static_cast<std::uint16_t>(sign << 15 | 0x7F80u);
  return static_cast<std::uint16_t>(sign << 15 | round_magnitude(mag, 7, 127, 8));
}

namespace {
// decode_input with its common cases inline: a zero, a normal fp16 number (fields moved) or a
// bf16 that is not a NaN (the upper half of a binary32); the rest through decode_input.
inline float decode_common(std::uint16_t bits, Fmt fmt) {
  if ((bits & 0x7FFFu) == 0) return float_of(static_cast<std::uint32_t>(bits >> 15) << 31);  // +-0, both formats
  if (fmt == Fmt::fp16) {
    const std::uint32_t exp = (bits >> 10) & 0x1Fu;
    if (exp != 0 && exp != 0x1F)
      return float_of(static_cast<std::uint32_t>(bits >> 15) << 31 | (exp + 112) << 23 | (bits & 0x3FFu) << 13);
  } else if ((bits & 0x7F80u) != 0x7F80u || (bits & 0x7Fu) == 0) {
    return float_of(static_cast<std::uint32_t>(bits) << 16);
  }
  return decode_input(bits, fmt);
}
}  // namespace

float mul(std::uint16_t a, std::uint16_t b, Fmt fmt) {
  return canonicalize(decode_common(a, fmt) * decode_common(b, fmt));
}

float add(float a, float b) { return canonicalize(a + b); }

float tree(std::span<const float> x) {
  if (x.empty() || !std::has_single_bit(x.size())) {
    throw std::invalid_argument("tree: leaf count " + std::to_string(x.size()) +
                                " is not a power of two");
  }
  // A one-leaf tree passes its leaf through, NaN canonicalised like every other result
  // (found by tests/test_golden_mpfr: a non-canonical NaN leaf came out unchanged).
  if (x.size() == 1) return canonicalize(x[0]);
  const std::size_t h = x.size() / 2;
  return add(tree(x.first(h)), tree(x.subspan(h)));
}

float tree_padded(std::span<const float> x) {
  if (x.empty()) throw std::invalid_argument("tree_padded: no leaves");
  std::vector<float> leaves(x.begin(), x.end());
  leaves.resize(std::bit_ceil(leaves.size()), 0.0f);
  return tree(leaves);
}

float dot(float acc, std::span<const std::uint16_t> a, std::span<const std::uint16_t> b, Fmt fmt) {
  if (a.size() != b.size()) throw std::invalid_argument("dot: operand lengths differ");
  // The products in a stack buffer for the lane counts of a channel (no allocation per MAC).
  std::array<float, 64> small{};
  std::vector<float> large;
  std::span<float> prod(small.data(), a.size());
  if (a.size() > small.size()) {
    large.resize(a.size());
    prod = large;
  }
  for (std::size_t i = 0; i < a.size(); ++i) prod[i] = mul(a[i], b[i], fmt);
  if (!std::has_single_bit(prod.size())) return add(acc, tree(prod));  // tree() names the error
  // tree() bottom-up in place: pairing neighbours level by level brackets the sum exactly as
  // halving recursively does (the same additions in the same order).
  for (std::size_t n = prod.size(); n > 1; n /= 2)
    for (std::size_t i = 0; i < n / 2; ++i) prod[i] = add(prod[2 * i], prod[2 * i + 1]);
  return add(acc, canonicalize(prod[0]));
}

void axpy(std::span<float> acc, std::uint16_t p, std::span<const std::uint16_t> x, Fmt fmt) {
  if (acc.size() != x.size()) throw std::invalid_argument("axpy: operand lengths differ");
  for (std::size_t i = 0; i < x.size(); ++i) acc[i] = add(acc[i], mul(p, x[i], fmt));
}

}  // namespace pim
