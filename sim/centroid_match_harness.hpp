// CentroidMatchHarness: drives a Verilated centroid_match (rtl/centroid_match.sv) with score
// streams and returns its selection in the golden model's types (host/centroid_select.hpp).
//
// The RTL build is reached through CentroidMatchPins (one implementation per Verilated
// parameter set, sim/centroid_match_pins.hpp). The pins own the VerilatedContext: X
// randomisation with randReset(2) and a seed, fatalOnError(false) so that an RTL $error is
// reported by got_error() instead of ending the process, optional FST tracing. Builds:
//   make_centroid_match_s4   (library starc_cmatch_s4):   MaxSel 4, MaxClusters 4096 (tests: many
//                                                          passes, ids and budgets at the maximum)
//   make_centroid_match_s16  (library starc_cmatch_s16):  MaxSel 16, MaxClusters 256 (tests)
//   make_centroid_match_s256 (library starc_cmatch_s256): the default 256 / 2^20 (starcsim run)
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "host/centroid_select.hpp"
#include "sim/centroid_matcher.hpp"
#include "sim/fault_plan.hpp"

namespace pim {

struct CentroidMatchOptions {
  std::uint32_t seed = 1;  // X-randomisation seed (initial flop values, idle-cycle inputs)
  std::string fst_path;    // empty: no waves
};

// One input lane of centroid_match (rtl/centroid_match.sv takes InWidth entries per cycle).
struct CentroidMatchLane {
  bool valid = false;
  std::uint32_t id = 0;
  std::uint32_t score = 0;
  std::uint8_t size = 0;
};
inline constexpr int kMaxCentroidInWidth = 8;

// Input and output pins of centroid_match, one cycle's worth (lanes beyond the build's
// in_width() are not driven).
struct CentroidMatchIn {
  bool start = false;
  std::uint32_t budget = 0;
  bool resume = false;
  bool last = false;
  std::array<CentroidMatchLane, kMaxCentroidInWidth> lanes{};
};
struct CentroidMatchOut {
  bool ready = false;
  bool valid = false;
  bool last = false;
  std::uint32_t id = 0;
  std::uint8_t take = 0;
  bool done = false;
  bool budget_met = false;
  bool s_limit = false;
};

class CentroidMatchPins {
 public:
  virtual ~CentroidMatchPins() = default;
  virtual int max_sel() const = 0;
  virtual int max_clusters() const = 0;
  virtual int in_width() const = 0;  // entries per cycle (InWidth)
  virtual void set_reset(bool active) = 0;
  // Drives `in` for one cycle and applies the rising clock edge; returns the outputs that the
  // registers present after the edge (in the next cycle).
  virtual CentroidMatchOut cycle(const CentroidMatchIn& in) = 0;
  virtual bool got_error() const = 0;
  // The channel cycle of the next cycle() (the waves' time base, sim/verilated_model.hpp); never
  // moves back. Without it the unit's cycles count from 0.
  virtual void set_cycle(std::uint64_t cycle) { (void)cycle; }
};

std::unique_ptr<CentroidMatchPins> make_centroid_match_s4(const CentroidMatchOptions& o = {});
std::unique_ptr<CentroidMatchPins> make_centroid_match_s16(const CentroidMatchOptions& o = {});
std::unique_ptr<CentroidMatchPins> make_centroid_match_s256(const CentroidMatchOptions& o = {});

class CentroidMatchHarness final : public CentroidMatcher {
 public:
  // Takes the pins and applies reset (two cycles); seed drives the idle-cycle random inputs.
  CentroidMatchHarness(std::unique_ptr<CentroidMatchPins> pins, std::uint32_t seed = 1);

  int max_sel() const override { return pins_->max_sel(); }
  int max_clusters() const override { return pins_->max_clusters(); }
  int in_width() const override { return pins_->in_width(); }  // entries per cycle

  void reset();
  // Runs one selection: start_i `lead` cycles before the first entry (0: same cycle), then the
  // entries in order, up to in_width() per cycle, each in the first cycle from ready[k] (cycles
  // after the first entry's; non-decreasing, ready[0] = 0; empty: all at 0) that has a free
  // lane; cycles without an entry have valid low and random data;
  // then waits for done_o. Checks the output protocol (outputs only between start and done,
  // out_last_o exactly with done_o, ready_o low while busy) and throws std::runtime_error on a
  // violation or when done_o does not come within stream + max_sel + 16 cycles.
  // entries must hold 1..max_clusters() entries.
  // resume: start_i with resume_i high (a further pass after one that ended with s_limit_o).
  CentroidMatchRun select(std::span<const CentroidEntry> entries, std::uint32_t budget,
                          std::span<const std::uint64_t> ready = {}, int lead = 0, bool resume = false);

  // The whole selection, however many clusters it needs: pass 1 as select(entries, budget,
  // ready, 0); while a pass ends with s_limit_o, the next starts in its done_o cycle with
  // resume_i, the budget not yet taken and the same entries replayed in_width() per cycle (from
  // the buffer die's score buffer).
  CentroidMatchPassesRun select_passes(std::span<const CentroidEntry> entries, std::uint32_t budget,
                                       std::span<const std::uint64_t> ready = {}) override;

  std::uint64_t cycles() const { return cycles_; }
  // Puts the unit's next cycle at channel cycle `cycle` in its waves, so that its FST and the
  // channel's share one time axis (a co-simulation calls it with the first entry's cycle).
  void align_waves(std::uint64_t cycle) override { pins_->set_cycle(cycle); }
  bool got_error() const override { return pins_->got_error(); }
  // Fault injection (sim/fault_plan.hpp, cmatch): the plan's pass leaves select() with its
  // first pick changed. nullptr (the default): none. `plan` must outlive the selections.
  void inject(FaultPlan* plan) { plan_ = plan; }

 private:
  CentroidMatchOut step(const CentroidMatchIn& in);
  CentroidMatchIn idle_inputs();

  std::unique_ptr<CentroidMatchPins> pins_;
  std::uint64_t rng_;
  std::uint64_t cycles_ = 0;
  CentroidMatchOut out_;  // outputs presented in the current cycle
  FaultPlan* plan_ = nullptr;
};

}  // namespace pim
