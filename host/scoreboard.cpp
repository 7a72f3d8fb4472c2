#include "host/scoreboard.hpp"

#include <fmt/format.h>

namespace pim {

void Scoreboard::note(const std::string& what) {
  if (first_.empty()) first_ = what;
}

void Scoreboard::observe(const MvsbResult& rtl) {
  ++results_;
  if (pending_.empty()) {
    mismatches_ += rtl.words.size();
    note(fmt::format("unexpected RTL result at cycle {} (group {})", rtl.cycle, rtl.gbg));
    return;
  }
  const MvsbResult g = std::move(pending_.front());
  pending_.pop_front();
  if (g.gbg != rtl.gbg || g.mode != rtl.mode) {
    note(fmt::format("result at cycle {}: group/mode {}/{} but golden {}/{}", rtl.cycle, rtl.gbg,
                     static_cast<int>(rtl.mode), g.gbg, static_cast<int>(g.mode)));
  }
  if (rtl.words.size() != g.words.size()) {
    note(fmt::format("result at cycle {} group {}: RTL {} words, golden {}", rtl.cycle, rtl.gbg, rtl.words.size(),
                     g.words.size()));
    // Words the golden result does not have are mismatches too (missing ones are, below).
    for (std::size_t i = g.words.size(); i < rtl.words.size(); ++i) {
      ++compared_;
      ++mismatches_;
    }
  }
  for (std::size_t i = 0; i < g.words.size(); ++i) {
    ++compared_;
    const std::uint32_t r = i < rtl.words.size() ? rtl.words[i] : ~g.words[i];
    if (r != g.words[i] || g.gbg != rtl.gbg || g.mode != rtl.mode) {
      ++mismatches_;
      note(fmt::format("result at cycle {} group {} word {}: RTL {:08x} golden {:08x}", rtl.cycle, rtl.gbg, i,
                       r, g.words[i]));
    }
  }
}

void Scoreboard::finish() {
  for (const auto& g : pending_) {
    compared_ += g.words.size();
    mismatches_ += g.words.size();
    note(fmt::format("golden result of group {} (MVSB at cycle {}) never came from the RTL", g.gbg, g.cycle));
  }
  pending_.clear();
}

}  // namespace pim
