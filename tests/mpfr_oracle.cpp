#include "mpfr_oracle.hpp"

#include <cstdio>
#include <cstdlib>

namespace starc_test {

namespace {

// Precision of the classification temporaries: every exact sum of two binary32 values spans
// at most 2^128 .. 2^-149 (278 bits), every exact product of two 16-bit inputs 22 bits.
constexpr mpfr_prec_t kWidePrec = 320;

[[noreturn]] void oracle_bug(const char* what) {
  std::fprintf(stderr, "mpfr_oracle: internal error: %s\n", what);
  std::abort();
}

const BinaryFormat& input_format(bool input_is_bf16) {
  return input_is_bf16 ? kBfloat16 : kBinary16;
}

}  // namespace

MpfrOracle::MpfrOracle() {
  for (mpfr_ptr v : {a_, b_, r_, scratch_}) mpfr_init2(v, kBinary32.prec);
  for (mpfr_ptr v : {exact_, diff_}) mpfr_init2(v, kWidePrec);
  mpfr_init2(r16_[0], kBinary16.prec);
  mpfr_init2(r16_[1], kBfloat16.prec);
  for (auto& v : leaves_) mpfr_init2(v, kBinary32.prec);
}

MpfrOracle::~MpfrOracle() {
  for (mpfr_ptr v : {a_, b_, r_, scratch_, exact_, diff_, r16_[0], r16_[1]}) mpfr_clear(v);
  for (auto& v : leaves_) mpfr_clear(v);
}

void MpfrOracle::set_bits(mpfr_t x, std::uint32_t bits, const BinaryFormat& fmt) {
  const int frac_bits = fmt.prec - 1;
  const std::uint32_t frac = bits & ((1u << frac_bits) - 1);
  const std::uint32_t field = (bits >> frac_bits) & ((1u << fmt.exp_bits) - 1);
  const bool negative = (bits >> (fmt.width() - 1)) & 1u;
  const std::uint32_t all_ones = (1u << fmt.exp_bits) - 1;
  if (field == all_ones) {
    if (frac != 0) {
      mpfr_set_nan(x);
      return;
    }
    mpfr_set_inf(x, negative ? -1 : 1);
    return;
  }
  if (field == 0) {
    // Subnormal or zero: frac x 2^(1 - bias - frac_bits).
    if (frac == 0) {
      mpfr_set_zero(x, negative ? -1 : 1);
      return;
    }
    mpfr_set_ui_2exp(x, frac, 1 - fmt.bias() - frac_bits, MPFR_RNDN);
  } else {
    // Normal: (2^frac_bits + frac) x 2^(field - bias - frac_bits).
    mpfr_set_ui_2exp(x, (1u << frac_bits) | frac,
                     static_cast<mpfr_exp_t>(field) - fmt.bias() - frac_bits, MPFR_RNDN);
  }
  if (negative) mpfr_neg(x, x, MPFR_RNDN);
}

std::uint32_t MpfrOracle::get_bits(const mpfr_t x, const BinaryFormat& fmt) {
  const int frac_bits = fmt.prec - 1;
  const std::uint32_t all_ones = (1u << fmt.exp_bits) - 1;
  if (mpfr_nan_p(x)) return all_ones << frac_bits | 1u << (frac_bits - 1);  // canonical quiet
  const std::uint32_t sign = mpfr_signbit(x) ? 1u << (fmt.width() - 1) : 0u;
  if (mpfr_inf_p(x)) return sign | all_ones << frac_bits;
  if (mpfr_zero_p(x)) return sign;
  const mpfr_exp_t e = mpfr_get_exp(x);  // |x| in [2^(e-1), 2^e)
  const bool normal = e >= 2 - fmt.bias();
  // Significand as an integer: |x| x 2^(prec - e) for normals, |x| x 2^(bias - 2 + prec) for
  // subnormals (the fixed scale of the smallest subnormal 2^(2 - bias - prec)).
  const mpfr_exp_t scale = normal ? fmt.prec - e : fmt.bias() - 2 + fmt.prec;
  mpfr_abs(scratch_, x, MPFR_RNDN);
  if (mpfr_mul_2si(scratch_, scratch_, scale, MPFR_RNDN) != 0 || !mpfr_integer_p(scratch_)) {
    oracle_bug("value is not representable in the target format");
  }
  const std::uint32_t sig = static_cast<std::uint32_t>(mpfr_get_ui(scratch_, MPFR_RNDN));
  if (!normal) {
    if (sig >> frac_bits) oracle_bug("subnormal significand overflows");
    return sign | sig;
  }
  const long biased = static_cast<long>(e) - 1 + fmt.bias();
  if (biased < 1 || biased >= static_cast<long>(all_ones) || (sig >> frac_bits) != 1u) {
    oracle_bug("normal value out of range");
  }
  return sign | static_cast<std::uint32_t>(biased) << frac_bits | (sig & ((1u << frac_bits) - 1));
}

void MpfrOracle::round_to(mpfr_t r, int t, const BinaryFormat& fmt) {
  if (mpfr_get_prec(r) != fmt.prec) oracle_bug("round_to: precision mismatch");
  const mpfr_exp_t emin = mpfr_get_emin();
  const mpfr_exp_t emax = mpfr_get_emax();
  if (mpfr_set_emin(fmt.mpfr_emin()) != 0 || mpfr_set_emax(fmt.mpfr_emax()) != 0) {
    oracle_bug("cannot set the exponent range");
  }
  t = mpfr_check_range(r, t, MPFR_RNDN);
  mpfr_subnormalize(r, t, MPFR_RNDN);
  mpfr_set_emin(emin);
  mpfr_set_emax(emax);
}

void MpfrOracle::classify(const mpfr_t exact, const mpfr_t rounded, RoundingInfo* info) {
  *info = {};
  if (!mpfr_number_p(exact) || mpfr_nan_p(rounded)) return;
  if (mpfr_inf_p(rounded)) {
    // Overflow: compare against the virtual next value 2^128.
    mpfr_set_ui_2exp(diff_, 1, 128, MPFR_RNDN);
    if (mpfr_signbit(rounded)) mpfr_neg(diff_, diff_, MPFR_RNDN);
    mpfr_sub(diff_, exact, diff_, MPFR_RNDN);
  } else {
    mpfr_sub(diff_, exact, rounded, MPFR_RNDN);
  }
  if (mpfr_zero_p(diff_)) return;
  info->inexact = true;
  if (mpfr_zero_p(exact)) return;
  // Half the binary32 spacing above trunc(exact), which shares exact's binade (or is the
  // subnormal spacing 2^-149).
  mpfr_exp_t ulp_exp = mpfr_get_exp(exact) - kBinary32.prec;
  if (ulp_exp < -149) ulp_exp = -149;
  mpfr_abs(diff_, diff_, MPFR_RNDN);
  info->tie = mpfr_cmp_ui_2exp(diff_, 1, ulp_exp - 1) == 0;
}

std::uint32_t MpfrOracle::decode(std::uint16_t bits, bool input_is_bf16) {
  set_bits(a_, bits, input_format(input_is_bf16));
  return get_bits(a_, kBinary32);
}

std::uint16_t MpfrOracle::encode(std::uint32_t x, bool input_is_bf16) {
  const BinaryFormat& fmt = input_format(input_is_bf16);
  mpfr_ptr r = r16_[input_is_bf16 ? 1 : 0];
  set_bits(a_, x, kBinary32);
  const int t = mpfr_set(r, a_, MPFR_RNDN);
  round_to(r, t, fmt);
  return static_cast<std::uint16_t>(get_bits(r, fmt));
}

std::uint32_t MpfrOracle::mul(std::uint16_t a, std::uint16_t b, bool input_is_bf16,
                              RoundingInfo* info) {
  const BinaryFormat& fmt = input_format(input_is_bf16);
  set_bits(a_, a, fmt);
  set_bits(b_, b, fmt);
  round_to(r_, mpfr_mul(r_, a_, b_, MPFR_RNDN), kBinary32);
  if (info) {
    mpfr_mul(exact_, a_, b_, MPFR_RNDN);  // exact: 22 bits at most
    classify(exact_, r_, info);
  }
  return get_bits(r_, kBinary32);
}

std::uint32_t MpfrOracle::add(std::uint32_t a, std::uint32_t b, RoundingInfo* info) {
  set_bits(a_, a, kBinary32);
  set_bits(b_, b, kBinary32);
  round_to(r_, mpfr_add(r_, a_, b_, MPFR_RNDN), kBinary32);
  if (info) {
    if (mpfr_add(exact_, a_, b_, MPFR_RNDN) != 0) oracle_bug("wide sum is not exact");
    classify(exact_, r_, info);
  }
  return get_bits(r_, kBinary32);
}

void MpfrOracle::reduce_leaves(std::size_t n) {
  for (; n > 1; n /= 2) {
    for (std::size_t i = 0; i < n / 2; ++i) {
      round_to(leaves_[i], mpfr_add(leaves_[i], leaves_[2 * i], leaves_[2 * i + 1], MPFR_RNDN),
               kBinary32);
    }
  }
}

std::uint32_t MpfrOracle::tree(std::span<const std::uint32_t> x) {
  if (x.empty() || x.size() > kMaxLeaves || (x.size() & (x.size() - 1)) != 0) {
    oracle_bug("tree: leaf count must be a power of two <= 64");
  }
  for (std::size_t i = 0; i < x.size(); ++i) set_bits(leaves_[i], x[i], kBinary32);
  reduce_leaves(x.size());
  return get_bits(leaves_[0], kBinary32);
}

std::uint32_t MpfrOracle::dot(std::uint32_t acc, std::span<const std::uint16_t> a,
                              std::span<const std::uint16_t> b, bool input_is_bf16) {
  const std::size_t n = a.size();
  if (n != b.size() || n == 0 || n > kMaxLeaves || (n & (n - 1)) != 0) {
    oracle_bug("dot: operand count must be a power of two <= 64");
  }
  const BinaryFormat& fmt = input_format(input_is_bf16);
  for (std::size_t i = 0; i < n; ++i) {
    set_bits(a_, a[i], fmt);
    set_bits(b_, b[i], fmt);
    round_to(leaves_[i], mpfr_mul(leaves_[i], a_, b_, MPFR_RNDN), kBinary32);
  }
  reduce_leaves(n);
  set_bits(a_, acc, kBinary32);
  round_to(r_, mpfr_add(r_, a_, leaves_[0], MPFR_RNDN), kBinary32);
  return get_bits(r_, kBinary32);
}

void MpfrOracle::axpy(std::span<std::uint32_t> acc, std::uint16_t p,
                      std::span<const std::uint16_t> x, bool input_is_bf16) {
  if (acc.size() != x.size()) oracle_bug("axpy: operand lengths differ");
  const BinaryFormat& fmt = input_format(input_is_bf16);
  for (std::size_t i = 0; i < x.size(); ++i) {
    set_bits(a_, p, fmt);
    set_bits(b_, x[i], fmt);
    round_to(r_, mpfr_mul(r_, a_, b_, MPFR_RNDN), kBinary32);  // the lane's product
    set_bits(a_, acc[i], kBinary32);
    round_to(b_, mpfr_add(b_, a_, r_, MPFR_RNDN), kBinary32);
    acc[i] = get_bits(b_, kBinary32);
  }
}

}  // namespace starc_test
