// The lockstep engine (docs/design.md section 5): the one loop that runs a phase of PIM
// commands on the Verilated channel and on the golden channel and compares them. Every command
// (`starcsim run`, `starcsim dense`, the tests and benchmarks) goes through it:
//   controller (PhaseRequest -> timed commands) -> golden channel, every MVSB result expected by
//   the scoreboard -> Verilated channel, every MVSB result observed by the scoreboard -> the
//   commands appended to the run's command log (for the trace and its independent check).
// The channel is the Verilated RTL or the fast engine (sim/fast_channel.hpp), whose results are
// the golden model's: for it the golden channel and the scoreboard are left out (nothing to
// compare), and PhaseResult::gold holds the channel's results.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "contracts/dram_image.hpp"
#include "host/controller.hpp"
#include "host/golden_channel.hpp"
#include "host/report.hpp"
#include "host/scoreboard.hpp"
#include "sim/channel_sim.hpp"

namespace pim {

struct PhaseResult {
  PhaseSchedule sched;
  std::size_t refreshes_before = 0;  // sched.cmds[0..refreshes_before) are REFABs due before start
  std::vector<MvsbResult> rtl, gold;
  std::uint64_t first = 0;  // first command's cycle
  std::uint64_t last = 0;   // last command's or result's cycle, whichever is later
};

class LockstepEngine {
 public:
  // `sim`, `ctl` and `log` must outlive the engine; `wall` (may be null) collects wall time.
  LockstepEngine(ChannelSim& sim, Controller& ctl, std::vector<Command>& log, WallTime* wall);

  // The DRAM image both channels read from now on (a fresh golden channel; `image` must
  // outlive the phases run on it).
  void use_image(const DramImage& image, Fmt fmt);

  // Schedules `req` no earlier than `start` (nor before anything already issued) and runs it;
  // the REFABs that fall due while the channel waits for `start` come first (in the result's
  // commands, `first` is the phase's own first command).
  PhaseResult run(const PhaseRequest& req, std::uint64_t start);

  // The first cycle a new phase can start at.
  std::uint64_t next_start() const;
  // The first cycle from which the channel is in its settled state (every bank closed, the RTL's
  // results out, no timing rule binding to an earlier command: the state after reset); every
  // decode step starts there (docs/design.md section 5). Throws std::logic_error if a row is open.
  std::uint64_t settled_start() const;
  // The cycle the next decode step starts at (docs/design.md section 5): settled_start(), and
  // with refresh on the first such cycle in the middle of a refresh interval (cycle mod nREFI =
  // nREFI / 2), the REFABs due before it issued and run; so every step of every policy meets
  // refresh at the same phase, the expected one for a step arriving at a random time.
  std::uint64_t settle();

  Scoreboard& scoreboard() { return sb_; }

 private:
  ChannelSim& sim_;
  Controller& ctl_;
  std::vector<Command>& log_;
  WallTime* wall_;
  std::unique_ptr<GoldenChannel> golden_;  // null for a channel not checked against one
  bool has_image_ = false;
  Scoreboard sb_;
};

}  // namespace pim
