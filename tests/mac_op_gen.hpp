// Random MAC operations for the RTL-vs-golden tests and the MAC benchmark.
//
// Beside uniform random bit patterns, the generator biases operands towards the corners of
// the arithmetic: similar magnitudes with random signs (cancellation in the tree and in the
// accumulate), exponents near overflow, subnormal and underflowing ranges, special values
// (zeros, subnormal and normal extremes, ones, infinities, NaNs) and exact cancellation (the
// accumulator set to minus the exact golden sum, opposite lanes that cancel pairwise).
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "host/mac_model.hpp"
#include "test_seed.hpp"
#include "contracts/pim_arith.hpp"

namespace pim::test {

// Seed of a random test: the one STARC_SEED reader (tests/test_seed.hpp), else `fallback`.
inline std::uint64_t test_seed(std::uint64_t fallback) { return starc::test::test_seed(fallback); }

// Special input values of a 16-bit format: +-0, min/max subnormal, min/max normal, +-1,
// +-inf, a quiet and a signalling NaN.
inline std::vector<std::uint16_t> special_inputs(Fmt fmt) {
  if (fmt == Fmt::fp16) {
    return {0x0000, 0x8000, 0x0001, 0x8001, 0x03FF, 0x83FF, 0x0400, 0x8400, 0x7BFF, 0xFBFF,
            0x3C00, 0xBC00, 0x7C00, 0xFC00, 0x7E00, 0x7C01, 0xFE01};
  }
  return {0x0000, 0x8000, 0x0001, 0x8001, 0x007F, 0x807F, 0x0080, 0x8080, 0x7F7F, 0xFF7F,
          0x3F80, 0xBF80, 0x7F80, 0xFF80, 0x7FC0, 0x7F81, 0xFFC1};
}

// Special binary32 values: +-0, min/max subnormal, min/max normal, +-1, +-inf, NaNs.
inline std::vector<std::uint32_t> special_fp32() {
  return {0x00000000, 0x80000000, 0x00000001, 0x80000001, 0x007FFFFF, 0x807FFFFF,
          0x00800000, 0x80800000, 0x7F7FFFFF, 0xFF7FFFFF, 0x3F800000, 0xBF800000,
          0x7F800000, 0xFF800000, 0x7FC00000, 0x7F800001, 0xFFC00001, 0x33800000};
}

class MacOpGen {
 public:
  enum class Style { bits, similar, overflow, tiny, specials, cancel, count };

  explicit MacOpGen(std::uint64_t seed, int lanes = kMaxMacLanes) : rng_(seed), lanes_(lanes) {}

  std::uint32_t u32() { return static_cast<std::uint32_t>(rng_()); }
  int uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }

  // A 16-bit input from sign, biased exponent field and fraction (masked to the format).
  static std::uint16_t make_input(Fmt fmt, unsigned sign, int exp_field, std::uint32_t man) {
    if (fmt == Fmt::fp16) {
      return static_cast<std::uint16_t>(sign << 15 | (exp_field & 0x1F) << 10 | (man & 0x3FF));
    }
    return static_cast<std::uint16_t>(sign << 15 | (exp_field & 0xFF) << 7 | (man & 0x7F));
  }
  static std::uint32_t make_fp32(unsigned sign, int exp_field, std::uint32_t man) {
    return sign << 31 | static_cast<std::uint32_t>(exp_field & 0xFF) << 23 | (man & 0x7FFFFF);
  }

  // One element in a style; `base` is a biased exponent field used by `similar`.
  std::uint16_t element(Fmt fmt, Style style, int base) {
    const bool h = fmt == Fmt::fp16;
    const int max_field = h ? 30 : 254;
    switch (style) {
      case Style::similar:
      case Style::cancel:
        return make_input(fmt, u32() & 1, std::clamp(base + uniform(-1, 1), 1, max_field), u32());
      case Style::overflow:
        return make_input(fmt, u32() & 1, max_field - uniform(0, h ? 3 : 70), u32());
      case Style::tiny:
        // Subnormals and the smallest normals; for bf16 also exponents whose products
        // underflow binary32 (fields around 127 - 63 .. 127 - 75).
        if (!h && (u32() & 1)) return make_input(fmt, u32() & 1, uniform(48, 66), u32());
        return make_input(fmt, u32() & 1, uniform(0, 2), u32());
      case Style::specials:
        if (uniform(0, 3) == 0) {
          const auto s = special_inputs(fmt);
          return s[static_cast<std::size_t>(uniform(0, static_cast<int>(s.size()) - 1))];
        }
        return static_cast<std::uint16_t>(u32());
      default:
        return static_cast<std::uint16_t>(u32());
    }
  }

  // An accumulator value matching the style; `near` is the binary32 exponent field of the
  // expected sum (for similar-magnitude accumulators).
  std::uint32_t accumulator(Style style, int near) {
    switch (style) {
      case Style::similar:
      case Style::cancel:
        return make_fp32(u32() & 1, std::clamp(near + uniform(-2, 2), 0, 254), u32());
      case Style::overflow:
        return make_fp32(u32() & 1, uniform(230, 254), u32());
      case Style::tiny:
        return make_fp32(u32() & 1, uniform(0, 1), u32());
      case Style::specials: {
        if (uniform(0, 2) == 0) {
          const auto s = special_fp32();
          return s[static_cast<std::size_t>(uniform(0, static_cast<int>(s.size()) - 1))];
        }
        return u32();
      }
      default:
        return u32();
    }
  }

  MacOp op(MacMode mode, Fmt fmt) {
    return op(mode, fmt, static_cast<Style>(uniform(0, static_cast<int>(Style::count) - 1)));
  }

  MacOp op(MacMode mode, Fmt fmt, Style style) {
    const bool h = fmt == Fmt::fp16;
    MacOp o;
    o.mode = mode;
    o.fmt = fmt;
    const int base = h ? uniform(1, 30) : uniform(1, 254);
    const int bias = h ? 15 : 127;
    // binary32 exponent field of a product of two `base` elements.
    const int near = std::clamp(2 * (base - bias) + 127, 0, 254);
    o.p = element(fmt, style, base);
    for (int i = 0; i < kMaxMacLanes; ++i) {
      o.a[i] = element(fmt, style, base);
      o.b[i] = element(fmt, style, base);
      o.acc[i] = accumulator(style, near);
    }
    if (style == Style::tiny && uniform(0, 3) == 0) {
      // Signed-zero products: a subnormal accumulator passes through (fp16 products are never
      // below 2^-48, so this is the only way an fp16 dot result can be subnormal).
      o.p = static_cast<std::uint16_t>((u32() & 1) << 15);
      for (auto& x : o.b) x = static_cast<std::uint16_t>((u32() & 1) << 15);
    }
    if (style == Style::cancel) {
      // Opposite neighbours cancel exactly in the first tree level (x*y + (-x)*y = +0) ...
      for (int i = 0; i + 1 < lanes_; i += 2) {
        if (uniform(0, 1) == 0) {
          o.a[i + 1] = static_cast<std::uint16_t>(o.a[i] ^ 0x8000);
          o.b[i + 1] = o.b[i];
        }
      }
      // ... and the accumulator is often minus the exact sum, so the result is an exact zero.
      if (uniform(0, 1) == 0) {
        MacOp zero_acc = o;
        zero_acc.acc.fill(0x80000000u);  // -0 + x = x exactly
        const MacResult sum = golden_mac(zero_acc, lanes_);
        // Exactly minus the sum, or one ulp away from it (a residual near the rounding point).
        const int ulp = uniform(-1, 1);
        for (int i = 0; i < kMaxMacLanes; ++i) {
          o.acc[i] = (sum[i] ^ 0x80000000u) + static_cast<std::uint32_t>(ulp);
        }
      }
    }
    return o;
  }

  // A mixed stream: random modes, formats and styles.
  std::vector<MacOp> stream(std::size_t n) {
    std::vector<MacOp> ops;
    ops.reserve(n);
    for (std::size_t k = 0; k < n; ++k) {
      ops.push_back(op(u32() & 1 ? MacMode::axpy : MacMode::dot, u32() & 2 ? Fmt::bf16 : Fmt::fp16));
    }
    return ops;
  }

 private:
  std::mt19937_64 rng_;
  int lanes_;
};

}  // namespace pim::test
