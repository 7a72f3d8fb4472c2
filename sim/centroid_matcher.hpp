// The centroid-match unit behind one stepping interface (docs/design.md section 5, step 2):
// the Verilated RTL (CentroidMatchHarness, sim/centroid_match_harness.hpp) and the fast engine's
// cycle model (FastCentroidMatch, sim/fast_centroid_match.hpp) answer the same call with the
// same selection and the same cycles, so the decode co-simulation runs on either.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "host/centroid_select.hpp"

namespace pim {

// One selection as the unit produced it, with its timing.
struct CentroidMatchRun {
  CentroidSelection selection;
  // Cycles from the first entry's cycle through the done_o cycle, both included.
  std::uint64_t cycles = 0;
  // Cycles spanned by the stream: last entry's cycle - first entry's cycle + 1 (C without gaps).
  std::uint64_t stream_cycles = 0;
};

// A selection run as passes of the unit (rtl/centroid_match.sv, "Passes").
struct CentroidMatchPassesRun {
  std::vector<CentroidMatchRun> passes;  // each pass's selection as the unit produced it
  CentroidSelection selection;           // merge_passes of the passes
  // Cycles from the first entry's cycle of pass 1 through the done_o cycle of the last pass,
  // both included (passes back to back: sum of the passes' cycles - (passes - 1)).
  std::uint64_t cycles = 0;
};

class CentroidMatcher {
 public:
  virtual ~CentroidMatcher() = default;
  virtual int max_sel() const = 0;
  virtual int max_clusters() const = 0;
  virtual int in_width() const = 0;  // entries per cycle
  // The whole selection, however many clusters it needs: pass 1 takes the entries, up to
  // in_width() per cycle, each in the first cycle from ready[k] (cycles after the first entry's;
  // non-decreasing, ready[0] = 0; empty: all at 0) with a free lane; while a pass ends with
  // s_limit_o, the next starts in its done_o cycle with resume_i, the budget not yet taken and
  // the same entries replayed in_width() per cycle.
  virtual CentroidMatchPassesRun select_passes(std::span<const CentroidEntry> entries, std::uint32_t budget,
                                               std::span<const std::uint64_t> ready = {}) = 0;
  // Puts the unit's next cycle at channel cycle `cycle` in its waves (no-op without waves).
  virtual void align_waves(std::uint64_t cycle) = 0;
  virtual bool got_error() const = 0;  // an RTL $error (never, for a C++ model)
};

}  // namespace pim
