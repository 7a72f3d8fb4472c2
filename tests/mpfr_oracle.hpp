// Independent MPFR oracle for the PIM unit arithmetic (docs/design.md section 3).
//
// Emulates IEEE binary32 (precision 24), binary16 (precision 11) and bfloat16 (precision 8)
// with MPFR: every operation is computed correctly rounded to the format's precision in
// MPFR's wide exponent range, then brought into the format's exponent range with
// mpfr_check_range + mpfr_subnormalize under round-to-nearest-even (the idiom of the MPFR
// manual, which avoids double rounding by passing the ternary value along). Bit patterns are
// decoded and encoded by this file's own arithmetic from sign/exponent/fraction fields
// (mpfr_set_ui_2exp, mpfr_get_exp), never by calling the golden model or by C++ float casts.
//
// NaN policy of the contract: every binary32 NaN result is 0x7FC00000; NaN encodes to the
// format's canonical quiet NaN (fp16 0x7E00, bf16 0x7FC0).
#pragma once

#include <mpfr.h>

#include <cstddef>
#include <cstdint>
#include <span>

namespace starc_test {

// An IEEE-style binary interchange format: `prec` significand bits (hidden bit included),
// `exp_bits` exponent bits, bias 2^(exp_bits-1) - 1.
struct BinaryFormat {
  int prec;
  int exp_bits;
  int bias() const { return (1 << (exp_bits - 1)) - 1; }
  int width() const { return prec + exp_bits; }  // sign + exponent + (prec - 1) fraction bits
  // MPFR exponent range (x = m * 2^e, 1/2 <= m < 1) holding exactly the format's finite values
  // once subnormalised.
  mpfr_exp_t mpfr_emin() const { return 3 - bias() - prec; }
  mpfr_exp_t mpfr_emax() const { return bias() + 1; }
};

inline constexpr BinaryFormat kBinary32{24, 8};
inline constexpr BinaryFormat kBinary16{11, 5};
inline constexpr BinaryFormat kBfloat16{8, 8};

// What an operation's exact result looked like relative to binary32, for coverage counts.
struct RoundingInfo {
  bool inexact = false;  // the exact result was not representable
  bool tie = false;      // the exact result was exactly halfway between two binary32 values
};

class MpfrOracle {
 public:
  MpfrOracle();
  ~MpfrOracle();
  MpfrOracle(const MpfrOracle&) = delete;
  MpfrOracle& operator=(const MpfrOracle&) = delete;

  // `input_is_bf16` selects bfloat16, otherwise binary16, for 16-bit input patterns.
  // Exact binary32 pattern of a 16-bit input (NaN -> 0x7FC00000).
  std::uint32_t decode(std::uint16_t bits, bool input_is_bf16);
  // binary32 pattern -> 16-bit input pattern, round to nearest even.
  std::uint16_t encode(std::uint32_t x, bool input_is_bf16);
  // a x b rounded to binary32. `info` (optional) reports inexact / tie.
  std::uint32_t mul(std::uint16_t a, std::uint16_t b, bool input_is_bf16,
                    RoundingInfo* info = nullptr);
  // a + b in binary32.
  std::uint32_t add(std::uint32_t a, std::uint32_t b, RoundingInfo* info = nullptr);
  // Pairwise tree of binary32 additions; n a power of two (asserted by the caller).
  std::uint32_t tree(std::span<const std::uint32_t> x);
  // acc + tree(mul(a[i], b[i])).
  std::uint32_t dot(std::uint32_t acc, std::span<const std::uint16_t> a,
                    std::span<const std::uint16_t> b, bool input_is_bf16);
  // acc[i] = acc[i] + mul(p, x[i]).
  void axpy(std::span<std::uint32_t> acc, std::uint16_t p, std::span<const std::uint16_t> x,
            bool input_is_bf16);

 private:
  // x := value of the `fmt` pattern `bits` (exact; x must have precision >= fmt.prec).
  static void set_bits(mpfr_t x, std::uint32_t bits, const BinaryFormat& fmt);
  // Pattern of x, which must already be a value of `fmt` (or NaN / inf / zero).
  std::uint32_t get_bits(const mpfr_t x, const BinaryFormat& fmt);
  // Brings r (correctly rounded to fmt.prec in the wide range, ternary t) into fmt's range.
  static void round_to(mpfr_t r, int t, const BinaryFormat& fmt);
  // Tie / inexact classification of the exact value `exact` against its binary32 rounding.
  void classify(const mpfr_t exact, const mpfr_t rounded, RoundingInfo* info);
  // leaves_[0] := tree(leaves_[0 .. n-1]).
  void reduce_leaves(std::size_t n);

  static constexpr std::size_t kMaxLeaves = 64;

  mpfr_t a_, b_, r_, scratch_;  // precision 24
  mpfr_t exact_, diff_;         // wide, for classification only
  mpfr_t r16_[2];               // precision 11 and 8, for encode
  mpfr_t leaves_[kMaxLeaves];   // tree levels
};

}  // namespace starc_test
