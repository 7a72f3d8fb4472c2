// Scoreboard of the co-simulation (docs/design.md section 3): every MVSB result of the RTL is
// compared bit for bit with the golden model's result of the same MVSB (results arrive in
// command order, so the n-th RTL result is matched with the n-th golden one).
#pragma once

#include <cstdint>
#include <deque>
#include <string>

#include "host/golden_channel.hpp"

namespace pim {

class Scoreboard {
 public:
  void expect(const MvsbResult& golden) { pending_.push_back(golden); }
  // Compares `rtl` with the oldest expected result; counts values and mismatching values. A
  // result with more or fewer words than the golden one mismatches in every word that one of
  // them lacks.
  void observe(const MvsbResult& rtl);
  // Expected results that never arrived count as mismatches of all their values.
  void finish();

  std::uint64_t compared() const { return compared_; }
  std::uint64_t mismatches() const { return mismatches_; }
  std::uint64_t results() const { return results_; }
  const std::string& first_mismatch() const { return first_; }

 private:
  void note(const std::string& what);
  std::deque<MvsbResult> pending_;
  std::uint64_t compared_ = 0, mismatches_ = 0, results_ = 0;
  std::string first_;
};

}  // namespace pim
