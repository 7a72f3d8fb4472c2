// Incremental DRAM timing and bank-state model of one channel: the controller asks it whether
// a command is legal at a cycle (check) and records issued commands (apply). Implements every
// rule of docs/design.md section 2 with the rule ids of dram_timing.hpp, the same rules the RTL
// timing checker (rtl/pim_timing_checker.sv) enforces.
//
// Decisions (documented here, in the RTL checker and in the trace checker alike):
// - ACTAB counts as an ACT of every bank (nRCD, nRAS, nRC, nRP, act-open) but, like AttAcc's
//   all-bank PIM commands, is exempt from nRRDS/nRRDL/nFAW and does not enter their history.
// - PRE to a closed bank is a legal no-op (JEDEC) and does not restart nRP; PREA closes the
//   open banks and checks nRAS/nRTPL for those only.
// - MACAB is the only column command: nCCDAB applies between any two MACABs, nCCDL when their
//   masks share a bank group, nCCDS otherwise.
// - nRRDS/nRRDL/nFAW are per rank (pch, rank). The command bus and the data bus are one each
//   per channel: a row command holds the command bus nROW cycles, every command at least 1;
//   WRGB/MVGB/MVSB hold the data bus nBL cycles.
// - REFAB pch rank (docs/design.md section 2, "Refresh"): every bank of the rank closed
//   (ref-open) for at least nRP (nRP); no ACT/ACTAB/REFAB to the rank within nRFC of it (nRFC).
//   With Timing::refresh on, a rank owes floor(cycle / nREFI) REFABs at a cycle (the schedule
//   starts at cycle 0); any other command issued while a rank owes more than kRefreshPostpone,
//   and a REFAB that would put a rank more than kRefreshPostpone ahead, break nREFI.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "contracts/dram_timing.hpp"
#include "contracts/pim_command.hpp"
#include "contracts/pim_org.hpp"

namespace pim {

class TimingState {
 public:
  TimingState(const Org& org, const Timing& timing);

  // Rule mask (bit = Rule id) of the rules `cmd` would break if issued at `cycle`.
  std::uint32_t check(const Command& cmd, std::uint64_t cycle) const;
  // Records `cmd` as issued at `cycle` (whether legal or not).
  void apply(const Command& cmd, std::uint64_t cycle);

  // The first cycle from which no rule links a command to anything issued before: the last
  // command's cycle plus the largest timing value (0 before any command). From there, with every
  // bank closed, the channel's timing state is the state after reset (docs/design.md section 5).
  std::uint64_t settled_cycle() const;

  bool bank_open(unsigned gbank) const { return banks_[gbank].open; }
  // Refresh of rank r = pch * ranks + rank: REFABs owed at `cycle` beyond those issued (<= 0:
  // none due; only with Timing::refresh), and the cycle its last REFAB ends (rank busy before).
  std::int64_t refreshes_owed(unsigned r, std::uint64_t cycle) const;
  std::uint64_t refresh_done(unsigned r) const;
  unsigned rank_count() const { return static_cast<unsigned>(ranks_.size()); }
  unsigned open_row(unsigned gbank) const { return banks_[gbank].row; }
  const Org& org() const { return org_; }
  const Timing& timing() const { return t_; }

 private:
  static constexpr std::int64_t kNever = -(std::int64_t{1} << 40);
  struct Bank {
    bool open = false;
    unsigned row = 0;
    std::int64_t act = kNever, pre = kNever, mac = kNever;
  };
  struct Rank {
    std::array<std::int64_t, 4> faw{kNever, kNever, kNever, kNever};  // last 4 ACTs, oldest first
    std::int64_t ref = kNever;  // last REFAB
    std::uint64_t refs = 0;     // REFABs issued
  };
  unsigned rank_of_gbg(unsigned gbg) const { return gbg / org_.bank_groups; }
  bool address_ok(const Command& cmd) const;

  Org org_;
  Timing t_;
  std::vector<Bank> banks_;
  std::vector<Rank> ranks_;
  std::vector<std::int64_t> bg_act_;  // last single-bank ACT per global bank group
  std::vector<std::int64_t> bg_col_;  // last column command per global bank group
  std::int64_t last_macab_ = kNever;
  std::int64_t last_cmd_ = kNever;
  std::int64_t cmd_bus_free_ = kNever;
  std::int64_t data_bus_free_ = kNever;
};

}  // namespace pim
