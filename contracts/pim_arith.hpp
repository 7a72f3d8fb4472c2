// Bit-exact golden model of the PIM unit arithmetic (docs/design.md section 3).
//
// Inputs are 16-bit patterns in fp16 (IEEE binary16) or bf16 (bfloat16); accumulation is
// IEEE binary32 with round-to-nearest-even, subnormals honoured, and every NaN result replaced
// by the canonical quiet NaN 0x7FC00000. This file must be compiled with -ffp-contract=off
// (the top-level CMakeLists sets it for everything) and never with -ffast-math.
#pragma once

#include <bit>
#include <cstdint>
#include <span>
#include <string_view>

namespace pim {

enum class Fmt : std::uint8_t { fp16 = 0, bf16 = 1 };

inline constexpr std::uint32_t kCanonicalNaN = 0x7FC00000u;

// Parses "fp16" / "bf16"; throws std::invalid_argument naming the text otherwise.
Fmt parse_fmt(std::string_view text);
std::string_view fmt_name(Fmt fmt);

std::uint32_t bits_of(float x);
float float_of(std::uint32_t bits);

// Replaces any NaN by the canonical quiet NaN; other values unchanged.
float canonicalize(float x);

// Exact value of a 16-bit input pattern as binary32 (every fp16 and bf16 value is exact in
// binary32). Decoded by bit manipulation; a NaN input gives the canonical NaN.
float decode_input(std::uint16_t bits, Fmt fmt);

// binary32 -> input format with round-to-nearest-even (subnormals kept, overflow to
// infinity, NaN -> canonical quiet NaN of the format: fp16 0x7E00, bf16 0x7FC0).
std::uint16_t encode_input_rounded(float x, Fmt fmt);  // the general case (out of line)
inline std::uint16_t encode_input(float x, Fmt fmt) {
  // Fast path (the same result): a normal number of the format that binary32 holds exactly, as
  // every KV element of a layout is, needs no rounding, only its fields moved.
  const std::uint32_t b = std::bit_cast<std::uint32_t>(x);
  const std::uint32_t e32 = (b >> 23) & 0xFFu;
  if ((b & 0x7FFFFFFFu) == 0) return static_cast<std::uint16_t>((b >> 31) << 15);  // +-0, both formats
  if (fmt == Fmt::fp16) {
    if (e32 >= 127 - 14 && e32 <= 127 + 15 && (b & 0x1FFFu) == 0)
      return static_cast<std::uint16_t>((b >> 31) << 15 | (e32 - 112) << 10 | (b >> 13 & 0x3FFu));
  } else if (e32 >= 1 && e32 <= 254 && (b & 0xFFFFu) == 0) {
    return static_cast<std::uint16_t>(b >> 16);
  }
  return encode_input_rounded(x, fmt);
}

// mul(a, b): a x b rounded once to binary32 (exact for fp16), NaN canonical.
float mul(std::uint16_t a, std::uint16_t b, Fmt fmt);

// One binary32 RNE addition, NaN canonical.
float add(float a, float b);

// tree(x0..x{n-1}) = tree(first half) + tree(second half); n must be a power of two >= 1.
float tree(std::span<const float> x);

// Same tree, but n may be any count >= 1: padded with +0.0 leaves at the end up to the next
// power of two (the cross-bank reduction rule of docs/design.md section 3).
float tree_padded(std::span<const float> x);

// Dot mode: acc + tree(mul(a[0], b[0]) .. mul(a[n-1], b[n-1])), n a power of two.
float dot(float acc, std::span<const std::uint16_t> a, std::span<const std::uint16_t> b, Fmt fmt);

// Axpy mode: acc[i] = acc[i] + mul(p, x[i]) for each lane.
void axpy(std::span<float> acc, std::uint16_t p, std::span<const std::uint16_t> x, Fmt fmt);

}  // namespace pim
