// Memory controller of one PIM channel (docs/design.md section 5): turns the reads of a phase
// (pim::ReadList) into a timed command stream, issuing every command as early as the timing
// table allows.
//
// The controller is the shared skeleton of every mode; the mode is a row policy
// (host/row_policy.hpp), found by name, that decides how the reads are walked:
// - lockstep (host/row_policy_lockstep.cpp): rows are walked in rounds (a round = one row
//   index, each bank group at most once); PREA closes the previous round, ACTAB opens the row
//   in every bank, one MACAB per column of the union of the round's columns, masked to the bank
//   groups that need it.
// - per-bg (host/row_policy_per_bg.cpp): every bank group walks its own reads; its 4 banks are
//   closed and opened with single-bank PRE/ACT while other bank groups keep the MACAB stream
//   busy; a MACAB serves every ready bank group that still needs its column (the column needed
//   by the most ready groups is chosen, ties to the lower column).
// Work-conserving: the schedule is built cycle by cycle, and at every cycle where some pending
// command is legal (TimingState::check) one is issued; priorities: REFAB, MACAB, row commands
// (both chosen by the row policy), then WRGB/MVGB, then MVSB.
//
// Refresh (Timing::refresh, docs/design.md section 2 "Refresh"): a rank (pch, rank) owes a REFAB
// from each multiple of nREFI on. While it owes one, no row opens in it (ACT/ACTAB refused); the
// reads of its open rows go on, the row policy closes them as it always does, and the REFAB
// issues as soon as its rules allow (every bank of the rank closed for nRP). Rows are never
// closed early for a refresh: a lockstep round (at most `columns` MACABs) ends first, which
// postpones a REFAB by far less than the kRefreshPostpone intervals allowed. Between phases
// (the channel idle while the host or the centroid-match unit works) refresh_until() issues
// the REFABs that fall due.
//
// A phase's rows are closed as soon as its last MACAB allows (nRTPL), before the MVSBs that
// move the last results out: MVSB reads the PIM unit's accumulators, not the row.
//
// Data flow per phase: dot mode starts with WRGB of the query (banks x cols_per_token
// commands; the global buffer is shared by all bank groups); after the last MACAB of a read,
// MVSB moves that bank group's slot scores out, and it must come before that group's next
// MACAB (the accumulators are per slot of the open row). Axpy mode writes a read's slot
// scalars with MVGB (ceil(slots/lanes) commands) after the group's previous read's last
// MACAB and before its first one, and ends with one MVSB per bank group that had reads.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>
#include <vector>

#include "contracts/dram_timing.hpp"
#include "contracts/pim_command.hpp"
#include "contracts/pim_org.hpp"
#include "contracts/read_list.hpp"
#include "host/row_policy.hpp"
#include "host/timing_state.hpp"

namespace pim {

enum class CtrlMode { lockstep, per_bg };
CtrlMode parse_ctrl_mode(std::string_view text);  // "lockstep" / "per-bg", throws otherwise
std::string_view ctrl_mode_name(CtrlMode m);       // also the mode's row policy name

struct PhaseRequest {
  Mode mode = Mode::dot;
  ReadList reads;
  // dot: the query (head_dim elements) sent with WRGB at phase start; empty: no WRGB.
  std::vector<std::uint16_t> query;
  // axpy: the slot scalars (slots_per_row elements) of read `index` of `reads`.
  std::function<std::vector<std::uint16_t>(std::size_t index)> scalars;
  // Close every open row at the end of the phase (PREA in lockstep, PREs in per-bg).
  bool close_rows = true;
};

struct PhaseSchedule {
  std::vector<Command> cmds;
  // For each MVSB of cmds (in order): the index of the read it returns (dot) or the global
  // bank group (axpy).
  std::vector<std::size_t> result_source;
};

class Controller {
 public:
  Controller(const Org& org, const Timing& timing, CtrlMode mode, unsigned head_dim);
  // With the row policy of that name (make_row_policy); throws std::invalid_argument if unknown.
  Controller(const Org& org, const Timing& timing, std::string_view row_policy, unsigned head_dim);

  // Schedules one phase; its first command is at or after `start` and after every command
  // already issued. Throws std::invalid_argument naming a bad read.
  PhaseSchedule schedule(const PhaseRequest& phase, std::uint64_t start);

  // The REFABs that fall due in [from, until) while no phase runs (every row closed), each at
  // the first cycle from `from` (and after everything issued) that its rules allow; empty with
  // refresh off. Appended to nothing: the caller runs them like a phase's commands.
  std::vector<Command> refresh_until(std::uint64_t from, std::uint64_t until);

  std::uint64_t next_cycle() const { return next_cycle_; }
  const TimingState& timing_state() const { return ts_; }

 private:
  void validate(const PhaseRequest& phase) const;

  Org org_;
  Timing timing_;
  std::unique_ptr<RowPolicy> policy_;
  unsigned head_dim_;
  unsigned cpt_;
  unsigned slots_;
  TimingState ts_;
  std::uint64_t next_cycle_ = 0;
};

}  // namespace pim
