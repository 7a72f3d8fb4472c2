// FastCentroidMatch: the fast engine's centroid-match unit (docs/design.md section 5, step 2):
// the golden selection (host/centroid_select.hpp, select_centroid_passes) timed by a C++ cycle
// model of rtl/centroid_match.sv, without Verilator. Same interface, same answers as the
// Verilated unit (CentroidMatchHarness): tests/test_fast_engine.cpp compares the selection of
// every pass, its cycles and its stream cycles on random streams and on whole decode steps.
//
// Cycle model (the RTL's cycle contract, rtl/centroid_match.sv header), cycle 0 = the cycle of
// the first entry:
//   - lane packing: entry k enters in the first cycle t >= ready[k] that still has one of the
//     in_width() lanes free, entries in order (an entry never overtakes the one before it);
//     L = the cycle of the last entry (a resumed pass replays the stream: L = ceil(C/W) - 1);
//   - a pass that selects n clusters is done in cycle L + 1 + max(n, 1): L + max(n, 1) + 2
//     cycles counting cycle 0 and the done cycle;
//   - P passes back to back (each starts in the previous one's done cycle): the sum of the
//     passes' cycles - (P - 1).
#pragma once

#include "sim/centroid_matcher.hpp"

namespace pim {

class FastCentroidMatch final : public CentroidMatcher {
 public:
  // The unit's parameters (MaxSel >= 2, MaxClusters >= 1, 1 <= InWidth <= MaxSel; std::invalid_argument
  // otherwise). The default is the build starcsim uses (make_centroid_match_s256).
  explicit FastCentroidMatch(int max_sel = 256, int max_clusters = 1 << 20, int in_width = 4);

  int max_sel() const override { return max_sel_; }
  int max_clusters() const override { return max_clusters_; }
  int in_width() const override { return in_width_; }
  CentroidMatchPassesRun select_passes(std::span<const CentroidEntry> entries, std::uint32_t budget,
                                       std::span<const std::uint64_t> ready = {}) override;
  void align_waves(std::uint64_t) override {}
  bool got_error() const override { return false; }

  // The cycle of the last entry (L) when `count` entries enter under `ready` (cycles after the
  // first entry's; empty: all ready at 0), in_width() per cycle.
  std::uint64_t last_entry_cycle(std::size_t count, std::span<const std::uint64_t> ready) const;

 private:
  int max_sel_, max_clusters_, in_width_;
};

}  // namespace pim
