// The golden PIM arithmetic (host/pim_arith) checked bit for bit against an independent MPFR
// oracle (tests/mpfr_oracle): exhaustive decode, every pair of special classes for mul and add,
// and >= 10^6 random mul, add and encode operations per format plus 2 x 10^5 dot and 10^5
// axpy commands (16 lanes each), from generators biased to the regions where arithmetic goes wrong.
// Seeded: STARC_SEED overrides the default seed; every test prints the seed it used.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cstdlib>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "mpfr_oracle.hpp"
#include "pim_arith.hpp"

using pim::Fmt;
using starc_test::BinaryFormat;
using starc_test::MpfrOracle;
using starc_test::RoundingInfo;

namespace {

constexpr int kRandomOps = 1'000'000;  // mul, add and encode, per format
constexpr int kRandomDots = 200'000;    // dot commands (16 products each), per format
constexpr int kRandomAxpys = 100'000;   // axpy commands (16 lanes each), per format
constexpr std::size_t kLanes = 16;

std::uint64_t base_seed() {
  static const std::uint64_t seed = [] {
    const char* env = std::getenv("STARC_SEED");
    const std::uint64_t s = env ? std::strtoull(env, nullptr, 0) : 20261125;
    std::printf("test_golden_mpfr: seed %llu (set STARC_SEED to reproduce)\n",
                static_cast<unsigned long long>(s));
    return s;
  }();
  return seed;
}

// One generator per test, derived from the seed and the test's name, so that tests can be
// run alone or filtered and still see the same numbers.
std::mt19937_64 test_rng() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  const std::string name = std::string(info->test_suite_name()) + "." + info->name();
  const std::uint64_t seed = base_seed();
  std::seed_seq seq{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32),
                    static_cast<std::uint32_t>(std::hash<std::string>{}(name))};
  return std::mt19937_64(seq);
}

bool is_bf16(Fmt f) { return f == Fmt::bf16; }
const BinaryFormat& format_of(Fmt f) {
  return f == Fmt::bf16 ? starc_test::kBfloat16 : starc_test::kBinary16;
}

// Counts mismatches between oracle and golden results, keeps the first few for the log.
class Mismatches {
 public:
  explicit Mismatches(std::string what) : what_(std::move(what)) {}
  template <class Describe>
  void check(std::uint32_t want, std::uint32_t got, Describe&& describe) {
    ++compared_;
    if (want == got) return;
    if (++count_ <= kShown) {
      ADD_FAILURE() << what_ << ": " << describe() << fmt::format(": oracle {:#010x}, golden {:#010x}", want, got);
    }
  }
  std::uint64_t compared() const { return compared_; }
  // Prints the tally and fails the test unless there was no mismatch.
  void expect_none() const {
    std::printf("%s: %llu compared, %llu mismatches\n", what_.c_str(),
                static_cast<unsigned long long>(compared_), static_cast<unsigned long long>(count_));
    EXPECT_EQ(count_, 0u) << what_;
  }

 private:
  static constexpr std::uint64_t kShown = 8;
  std::string what_;
  std::uint64_t compared_ = 0;
  std::uint64_t count_ = 0;
};

// How often the oracle's results landed in each interesting region; printed, and asserted
// non-zero where the generators are meant to reach a region.
struct Coverage {
  std::uint64_t ties = 0, inexact = 0, subnormal = 0, zero_pos = 0, zero_neg = 0, inf = 0,
                nan = 0;
  bool rounding_counted = false;  // ties / inexact are only known where count(info) is called
  void count_b32(std::uint32_t r) {
    const std::uint32_t mag = r & 0x7FFFFFFFu;
    if (mag == 0) {
      ++(r >> 31 ? zero_neg : zero_pos);
    } else if (mag < 0x00800000u) {
      ++subnormal;
    } else if (mag == 0x7F800000u) {
      ++inf;
    } else if (mag > 0x7F800000u) {
      ++nan;
    }
  }
  void count(const RoundingInfo& info) {
    ties += info.tie;
    inexact += info.inexact;
    rounding_counted = true;
  }
  void print(std::string_view what) const {
    std::string line = fmt::format("{} coverage (oracle results):", what);
    if (rounding_counted) line += fmt::format(" ties {}, inexact {},", ties, inexact);
    line += fmt::format(" subnormal {}, +0 {}, -0 {}, inf {}, NaN {}", subnormal, zero_pos,
                        zero_neg, inf, nan);
    std::printf("%s\n", line.c_str());
  }
};

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
      v.push_back(make(s, 0, 0));                         // zero
      v.push_back(make(s, 0, 1));                         // min subnormal
      v.push_back(make(s, 0, frac_max()));                // max subnormal
      v.push_back(make(s, 1, 0));                         // min normal
      v.push_back(make(s, all_ones() - 1, frac_max()));   // max normal
      v.push_back(make(s, b, 0));                         // one
      v.push_back(make(s, b, half));                      // 1.5
      v.push_back(make(s, b + 1, half | 1));              // 3 + ulp
      v.push_back(make(s, b - 2, frac_max() / 3));        // ~0.33
      v.push_back(make(s, all_ones(), 0));                // infinity
      v.push_back(make(s, all_ones(), half));             // quiet NaN
    }
    v.push_back(make(0, all_ones(), 1));          // signalling NaN, smallest payload
    v.push_back(make(0, all_ones(), frac_max()));  // largest payload
    v.push_back(make(1, all_ones(), half | 5));
    return v;
  }

 private:
  const BinaryFormat& f_;
  std::mt19937_64& rng_;
};

int pick(std::mt19937_64& rng, int n) { return static_cast<int>(rng() % static_cast<std::uint64_t>(n)); }

class GoldenVsMpfr : public ::testing::TestWithParam<Fmt> {
 protected:
  Fmt fmt() const { return GetParam(); }
  bool bf16() const { return is_bf16(GetParam()); }
  std::string_view name() const { return pim::fmt_name(GetParam()); }
};

// Unbiased exponents of the smallest subnormal and of the largest finite binade.
std::array<int, 2> exponent_range(const BinaryFormat& f) {
  return {1 - f.bias() - (f.prec - 1), f.bias()};
}

// Two 16-bit inputs whose product has unbiased exponent about `sum` (each input's exponent
// inside the format's range, subnormal inputs when `sum` demands it).
std::array<std::uint32_t, 2> pair_with_exponent_sum(PatternGen& g, const BinaryFormat& f,
                                                    int sum) {
  const auto [lo_e, hi_e] = exponent_range(f);
  const int ea = g.exp_in(std::max(lo_e, sum - hi_e), std::min(hi_e, sum - lo_e));
  return {g.with_exp(ea), g.with_exp(sum - ea)};
}

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
      case 0: a = g.uniform(); b = g.uniform(); break;
      case 1: a = g.typical(); b = g.typical(); break;
      case 2: a = sp[pick(rng, static_cast<int>(sp.size()))]; b = g.uniform(); break;
      case 3: {  // near binary32 overflow
        const auto p = pair_with_exponent_sum(g, f, std::min(max_sum, g.exp_in(124, 129)));
        a = p[0]; b = p[1];
        break;
      }
      case 4: case 5: {  // binary32 subnormal results, ties, underflow to zero
        const auto p = pair_with_exponent_sum(g, f, std::max(min_sum, g.exp_in(-152, -124)));
        a = p[0]; b = p[1];
        break;
      }
      case 6: {  // extremes of the format itself
        const auto p = pair_with_exponent_sum(g, f, g.exp_in(min_sum, max_sum));
        a = p[0]; b = p[1];
        break;
      }
      default: a = g.with_exp(g.exp_in(1 - f.bias() - f.prec, f.bias())); b = g.typical(); break;
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
      case 0: a = g.uniform(); b = g.uniform(); break;
      case 1: a = g.with_exp(g.exp_in(-149, 127)); b = a ^ 0x80000000u; break;  // x + (-x)
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
      case 4: case 5: {  // ties: b = odd multiple of half an ulp of a
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
      case 6: a = g.with_exp(g.exp_in(123, 127)); b = g.with_exp(g.exp_in(120, 127)); break;
      case 7: a = g.with_exp(g.exp_in(-149, -120)); b = g.with_exp(g.exp_in(-149, -120)); break;
      default: a = sp[pick(rng, static_cast<int>(sp.size()))]; b = g.uniform(); break;
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
    if (n > 1 && (rng() & 1)) bits[n - 1] = bits[static_cast<std::size_t>(pick(rng, static_cast<int>(n - 1)))] ^ 0x80000000u;
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

// ---- random dot and axpy ------------------------------------------------------------------

// Lane inputs of one MAC command in a scenario biased towards an interesting region.
void fill_lanes(PatternGen& g, const BinaryFormat& f, const std::vector<std::uint32_t>& sp,
                std::mt19937_64& rng, int scenario, std::array<std::uint16_t, kLanes>& a,
                std::array<std::uint16_t, kLanes>& b) {
  const int max_sum = 2 * f.bias() + 1;
  const int min_sum = 2 * (1 - f.bias() - (f.prec - 1));
  const int sum_hi = std::min(max_sum, g.exp_in(122, 128));
  const int sum_lo = std::max(min_sum, g.exp_in(-152, -124));
  for (std::size_t i = 0; i < kLanes; ++i) {
    std::uint32_t x = 0, y = 0;
    switch (scenario) {
      case 0: x = g.typical(); y = g.typical(); break;
      case 1: x = g.uniform(); y = g.uniform(); break;
      case 2:
        x = pick(rng, 6) == 0 ? sp[pick(rng, static_cast<int>(sp.size()))] : g.typical();
        y = pick(rng, 6) == 0 ? sp[pick(rng, static_cast<int>(sp.size()))] : g.typical();
        break;
      case 3: {  // products near binary32 overflow (bf16): infinities of both signs
        const auto p = pair_with_exponent_sum(g, f, sum_hi);
        x = p[0]; y = p[1];
        break;
      }
      case 4: {  // products in the binary32 subnormal range (bf16)
        const auto p = pair_with_exponent_sum(g, f, sum_lo);
        x = p[0]; y = p[1];
        break;
      }
      case 7: {  // signed zeros: zero lanes whose products are all -0 (or mixed)
        y = g.typical();
        x = g.make(y >> (f.width() - 1) ^ 1u, 0, 0);
        if (pick(rng, 4) == 0) x = g.make(g.sign(), 0, 0);
        break;
      }
      default: x = g.typical(); y = g.typical(); break;
    }
    a[i] = static_cast<std::uint16_t>(x);
    b[i] = static_cast<std::uint16_t>(y);
  }
  if (scenario == 5 || scenario == 6) {
    // Exact cancellation: the second half negates a permutation of the first half's products.
    std::array<std::size_t, kLanes / 2> perm{};
    for (std::size_t i = 0; i < perm.size(); ++i) perm[i] = i;
    std::shuffle(perm.begin(), perm.end(), rng);
    const auto sign = static_cast<std::uint16_t>(1u << 15);
    for (std::size_t i = 0; i < perm.size(); ++i) {
      a[kLanes / 2 + i] = a[perm[i]] ^ sign;
      b[kLanes / 2 + i] = b[perm[i]];
    }
    if (scenario == 6) std::shuffle(a.begin(), a.end(), rng);  // break the pairing sometimes
  }
}

TEST_P(GoldenVsMpfr, DotRandom) {
  std::mt19937_64 rng = test_rng();
  const BinaryFormat& f = format_of(fmt());
  PatternGen g(f, rng);
  PatternGen g32(starc_test::kBinary32, rng);
  const auto sp = g.specials();
  MpfrOracle oracle;
  Mismatches mm(fmt::format("dot random {}", name()));
  Coverage cov;
  std::array<std::uint16_t, kLanes> a{}, b{};
  for (int i = 0; i < kRandomDots; ++i) {
    const int scenario = pick(rng, 8);
    fill_lanes(g, f, sp, rng, scenario, a, b);
    std::uint32_t acc = 0;
    switch (pick(rng, 5)) {
      case 0: acc = 0u; break;
      case 1: acc = 0x80000000u; break;
      case 2: acc = g32.with_exp(g32.exp_in(-8, 8)); break;
      case 3: acc = g32.uniform(); break;
      default:  // acc = -tree: the accumulation cancels exactly
        acc = oracle.dot(0x80000000u, a, b, bf16()) ^ 0x80000000u;
        break;
    }
    if (scenario == 7 && (rng() & 1)) acc = 0x80000000u;  // -0 + (all products -0) = -0
    const std::uint32_t want = oracle.dot(acc, a, b, bf16());
    cov.count_b32(want);
    mm.check(want, pim::bits_of(pim::dot(pim::float_of(acc), a, b, fmt())), [&] {
      std::string s = fmt::format("dot(acc {:#010x};", acc);
      for (std::size_t j = 0; j < kLanes; ++j) s += fmt::format(" {:#06x}*{:#06x}", a[j], b[j]);
      return s + ")";
    });
  }
  cov.print(fmt::format("dot random {}", name()));
  EXPECT_GT(cov.zero_pos, 1000u);
  EXPECT_GT(cov.zero_neg, 1000u);
  EXPECT_GT(cov.nan, 1000u);
  EXPECT_GT(cov.inf, 1000u);
  if (bf16()) {
    EXPECT_GT(cov.subnormal, 1000u);
  }
  mm.expect_none();
}

TEST_P(GoldenVsMpfr, AxpyRandom) {
  std::mt19937_64 rng = test_rng();
  const BinaryFormat& f = format_of(fmt());
  PatternGen g(f, rng);
  PatternGen g32(starc_test::kBinary32, rng);
  const auto sp = g.specials();
  MpfrOracle oracle;
  Mismatches mm(fmt::format("axpy random {} (lanes)", name()));
  Coverage cov;
  std::array<std::uint16_t, kLanes> x{}, unused{};
  std::array<std::uint32_t, kLanes> acc{}, want{};
  std::array<float, kLanes> got{};
  for (int i = 0; i < kRandomAxpys; ++i) {
    std::uint16_t p = 0;
    const int scenario = pick(rng, 6);
    if (scenario <= 2) {
      fill_lanes(g, f, sp, rng, scenario, x, unused);
      p = scenario == 1 ? unused[0] : static_cast<std::uint16_t>(g.typical());
      if (scenario == 2 && pick(rng, 3) == 0) p = static_cast<std::uint16_t>(sp[pick(rng, static_cast<int>(sp.size()))]);
    } else if (scenario <= 4) {
      // Every lane's product near binary32 overflow (3) or in its subnormal range (4).
      const auto [lo_e, hi_e] = exponent_range(f);
      const int max_sum = 2 * hi_e + 1, min_sum = 2 * lo_e;
      const int mid = scenario == 3 ? std::min(max_sum, 125) : std::max(min_sum, -138);
      const int ep = g.exp_in(std::max(lo_e, mid - hi_e), std::min(hi_e, mid - lo_e));
      p = static_cast<std::uint16_t>(g.with_exp(ep));
      for (auto& xi : x) {
        const int sum = scenario == 3 ? std::min(max_sum, g.exp_in(122, 128))
                                      : std::max(min_sum, g.exp_in(-152, -124));
        xi = static_cast<std::uint16_t>(g.with_exp(sum - ep));
      }
    } else {
      p = static_cast<std::uint16_t>(g.with_exp(g.exp_in(-f.bias() - f.prec, f.bias())));
      for (auto& xi : x) xi = static_cast<std::uint16_t>(g.typical());
    }
    for (std::size_t j = 0; j < kLanes; ++j) {
      switch (pick(rng, 5)) {
        case 0: acc[j] = pick(rng, 2) ? 0u : 0x80000000u; break;
        case 1: acc[j] = g32.with_exp(g32.exp_in(-8, 8)); break;
        case 2: acc[j] = g32.uniform(); break;
        default: {  // -product, or one ulp either side: exact cancellation and tiny results
          const std::uint32_t prod = oracle.mul(p, x[j], bf16());
          acc[j] = (prod ^ 0x80000000u) + static_cast<std::uint32_t>(g.exp_in(-1, 1));
          if ((acc[j] & 0x7F800000u) == 0x7F800000u) acc[j] = prod ^ 0x80000000u;
          break;
        }
      }
    }
    want = acc;
    oracle.axpy(want, p, x, bf16());
    for (std::size_t j = 0; j < kLanes; ++j) got[j] = pim::float_of(acc[j]);
    pim::axpy(got, p, x, fmt());
    for (std::size_t j = 0; j < kLanes; ++j) {
      cov.count_b32(want[j]);
      mm.check(want[j], pim::bits_of(got[j]), [&] {
        return fmt::format("axpy lane {}: acc {:#010x} + {:#06x} * {:#06x}", j, acc[j], p, x[j]);
      });
    }
  }
  cov.print(fmt::format("axpy random {}", name()));
  EXPECT_GT(cov.zero_pos, 10000u);
  EXPECT_GT(cov.nan, 1000u);
  EXPECT_GT(cov.subnormal, 1000u);
  mm.expect_none();
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
      case 2: case 3: {  // exact ties of the target format, and one binary32 ulp either side
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
        const std::uint32_t max32 = oracle.decode(static_cast<std::uint16_t>(max16), is_bf16(fmt()));
        x = (max32 + static_cast<std::uint32_t>(g32.exp_in(-3, 3) << (23 - frac16 - 1))) |
            (g32.sign() << 31);
        if ((x & 0x7F800000u) == 0x7F800000u) x &= 0xFF800000u;  // inf, not a NaN
        break;
      }
      default: {  // a format value nudged by a few binary32 ulps
        std::uint32_t v = oracle.decode(static_cast<std::uint16_t>(g16.uniform()), is_bf16(fmt()));
        if ((v & 0x7F800000u) != 0x7F800000u && (v & 0x7FFFFFFFu) > 4u) v += static_cast<std::uint32_t>(g32.exp_in(-2, 2));
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
              static_cast<unsigned long long>(overflows), static_cast<unsigned long long>(subnormals));
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
