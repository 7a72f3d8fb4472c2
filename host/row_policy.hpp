// Row policies of the controller (docs/design.md section 5): the mode-specific half of
// Controller::schedule. The controller owns the shared skeleton (the work-conserving cycle loop,
// WRGB, MVGB, MVSB, the end of a phase, timing checks through TimingState, issuing); a row
// policy decides how the reads of a phase are walked:
// - how they are grouped (lockstep rounds or per-bank-group queues),
// - which MACAB to issue in a cycle,
// - which row commands open and close rows (ACTAB/PREA or single-bank ACT/PRE),
// - how open rows are closed at the end of a phase,
// - which reads are active (may take their MVGB now),
// - whether a bank group still has reads to walk (its final axpy MVSB waits for that).
//
// Policies are found by name (make_row_policy); the names are the `--mode` strings.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "contracts/pim_command.hpp"
#include "contracts/pim_org.hpp"
#include "contracts/read_list.hpp"
#include "host/timing_state.hpp"

namespace pim {

struct PhaseSchedule;

// The work of one read inside a phase's schedule.
struct ReadWork {
  unsigned gbg = 0, row = 0;
  std::vector<bool> pending;  // per column of the row
  unsigned remaining = 0;
  unsigned mvgb_sent = 0;
};

// One phase being scheduled, as the controller's skeleton keeps it. A row policy reads the
// reads' work and the bank state, and issues its MACAB and row commands through it.
class PhaseState {
 public:
  PhaseState(const Org& org, Mode mode, const ReadList& reads, unsigned mvgb_chunks, TimingState& ts,
             PhaseSchedule& out, std::uint64_t& next_cycle);

  const Org& org() const { return org_; }
  const TimingState& timing() const { return ts_; }
  const std::vector<ReadWork>& work() const { return work_; }

  // A command of `op` addressed to global bank group g, in the phase's mode.
  Command bg_cmd(Op op, unsigned g) const {
    Command c;
    c.op = op;
    c.pch = g / (org_.ranks * org_.bank_groups);
    c.rank = g / org_.bank_groups % org_.ranks;
    c.bg = g % org_.bank_groups;
    c.mode = mode_;
    return c;
  }
  // Whether read i's bank group may take a MACAB at `cycle` as far as its own state goes
  // (query written, previous scores moved out / scalars written, its row open in all its
  // banks, nRCD met).
  bool read_ready(std::size_t i, std::uint64_t cycle) const;
  // Issues `c` at `cycle` if TimingState allows it and, for ACT/ACTAB, no rank it opens owes a
  // refresh; returns whether it did.
  bool issue(Command& c, std::uint64_t cycle);
  // Whether a rank that `c` (ACT/ACTAB) would open a row in owes a REFAB at `cycle`.
  bool refresh_blocks(const Command& c, std::uint64_t cycle) const;
  // A MACAB of column `col` served read i (which needed it): returns whether that was the
  // read's last column (the read is then finished and, in dot mode, its MVSB pending).
  bool serve(std::size_t i, unsigned col);

 private:
  friend class Controller;
  bool bg_open_on(unsigned g, unsigned row) const;

  const Org& org_;
  Mode mode_;
  bool dot_;
  unsigned chunks_;  // MVGB commands per read (axpy)
  TimingState& ts_;
  PhaseSchedule& out_;
  std::uint64_t& next_cycle_;
  std::vector<ReadWork> work_;
  std::size_t wrgb_total_ = 0, wrgb_sent_ = 0;
  std::vector<long> mvsb_read_;  // dot: per bank group, the read whose scores are still to be moved
};

// The mode-specific decisions of the controller. One object serves every phase of one
// Controller; begin_phase resets it.
class RowPolicy {
 public:
  virtual ~RowPolicy() = default;

  // Takes the reads of a new phase (st.work(), in request order).
  virtual void begin_phase(const PhaseState& st) = 0;
  // Start of every cycle, before anything else.
  virtual void begin_cycle() {}
  // Whether some read still has MACABs to take.
  virtual bool reads_left() const = 0;
  // Issues this cycle's MACAB if one is ready and legal; returns whether it did.
  virtual bool issue_macab(PhaseState& st, std::uint64_t cycle) = 0;
  // Otherwise: issues a row command if one is needed and legal; returns whether it did.
  virtual bool issue_row_command(PhaseState& st, std::uint64_t cycle) = 0;
  // After the last read: issues a command closing open rows if legal; returns whether it did.
  virtual bool close_rows(PhaseState& st, std::uint64_t cycle) = 0;
  // Rank `rank` (pch * ranks + rank) owes a REFAB and no row may open in it: closes (if legal)
  // a bank of it that would otherwise stay open without serving a read (a bank group half
  // opened, or done with its reads); returns whether it issued. Default: nothing to close
  // (lockstep rounds close every row with PREA before the next ACTAB).
  virtual bool close_for_refresh(PhaseState& st, unsigned rank, std::uint64_t cycle) {
    (void)st, (void)rank, (void)cycle;
    return false;
  }
  // Appends the reads that may take their MVGB now (any order).
  virtual void active_reads(std::vector<std::size_t>& out) const = 0;
  // Whether global bank group g still has reads with MACABs to take.
  virtual bool bank_group_pending(unsigned g) const = 0;
};

// The row policy named `name` ("lockstep", "per-bg"); throws std::invalid_argument naming the
// known ones otherwise.
std::unique_ptr<RowPolicy> make_row_policy(std::string_view name, const Org& org);
// The names make_row_policy knows, in registry order.
std::vector<std::string> row_policy_names();

}  // namespace pim
