// Shared harness of the golden-vs-MPFR tests: seed, per-test generator, mismatch tally,
// coverage counts and the fixture parameterised by input format.
#pragma once

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <ostream>
#include <random>
#include <string>
#include <string_view>

#include "mpfr_oracle.hpp"
#include "contracts/pim_arith.hpp"
#include "test_seed.hpp"

namespace pim {
// Lets GoogleTest (and so ctest's test names) print the format parameter as "fp16" / "bf16".
inline void PrintTo(Fmt fmt, std::ostream* os) { *os << fmt_name(fmt); }
}  // namespace pim

namespace starc_test {

using pim::Fmt;

inline constexpr int kRandomOps = 1'000'000;  // mul, add and encode, per format
inline constexpr int kRandomDots = 200'000;   // dot commands (16 products each), per format
inline constexpr int kRandomAxpys = 100'000;  // axpy commands (16 lanes each), per format
inline constexpr std::size_t kLanes = 16;

inline std::uint64_t base_seed() {
  static const std::uint64_t seed = starc::test::test_seed(20261125);
  return seed;
}

// One generator per test, derived from the seed and the test's name, so that tests can be
// run alone or filtered and still see the same numbers.
inline std::mt19937_64 test_rng() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  const std::string name = std::string(info->test_suite_name()) + "." + info->name();
  const std::uint64_t seed = base_seed();
  std::seed_seq seq{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32),
                    static_cast<std::uint32_t>(std::hash<std::string>{}(name))};
  return std::mt19937_64(seq);
}

inline bool is_bf16(Fmt f) { return f == Fmt::bf16; }
inline const BinaryFormat& format_of(Fmt f) {
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
      ADD_FAILURE() << what_ << ": " << describe()
                    << fmt::format(": oracle {:#010x}, golden {:#010x}", want, got);
    }
  }
  std::uint64_t compared() const { return compared_; }
  // Prints the tally and fails the test unless something was compared and nothing mismatched.
  void expect_none() const {
    std::printf("%s: %llu compared, %llu mismatches\n", what_.c_str(),
                static_cast<unsigned long long>(compared_),
                static_cast<unsigned long long>(count_));
    EXPECT_GT(compared_, 0u) << what_ << ": nothing was compared";
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
  std::uint64_t ties = 0, inexact = 0, subnormal = 0, zero_pos = 0, zero_neg = 0, inf = 0, nan = 0;
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

class GoldenVsMpfr : public ::testing::TestWithParam<Fmt> {
 protected:
  Fmt fmt() const { return GetParam(); }
  bool bf16() const { return is_bf16(GetParam()); }
  std::string_view name() const { return pim::fmt_name(GetParam()); }
};

}  // namespace starc_test
