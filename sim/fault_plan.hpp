// Fault injection (issue 15, docs/design.md section 13): one deliberate fault in a co-simulation
// run, to show that the check guarding it catches it. `starcsim run` and `starcsim dense` take
// `--inject KIND[:N]`; without it no FaultPlan is active and nothing in the run changes.
//
// Kinds and where they are injected (the N-th occurrence, N >= 1, default 1):
//   dram-bit    the N-th column the RTL reads from a written row: one bit of its lane-0 element
//               flips in the DRAM cell-array model (sim/dram_array.hpp) from then on; the golden
//               channel keeps reading the true image. Caught by the scoreboard.
//   rtl-result  the N-th MVSB result on the RTL's result port: bit 22 of word 0 flips as it
//               leaves the harness. Caught by the scoreboard.
//   drop-cmd    the N-th command of the run never reaches the RTL (the golden channel and the
//               trace still have it). Caught by the scoreboard and/or the RTL timing checker.
//   early-cmd   the N-th command whose timing rules bind (moving it one cycle earlier breaks a
//               rule: e.g. the first MACAB, exactly nRCD after its ACTAB) reaches the RTL one
//               cycle early. Caught by the RTL timing checker.
//   cmatch      the N-th pass of the centroid-match unit: the id of its first pick is changed
//               (id ^ 1) as it leaves the harness. Caught by the centroid-match comparison.
// The harnesses (sim/channel_harness_impl.hpp, sim/centroid_match_harness.cpp) hold a pointer to
// the plan and record in it what they injected and where the RTL timing checker first fired.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "contracts/dram_timing.hpp"
#include "contracts/pim_command.hpp"
#include "contracts/pim_org.hpp"

namespace pim {

struct PolicyStats;  // host/report.hpp
struct DenseReport;  // sim/dense_cosim.hpp

enum class FaultKind { none, dram_bit, rtl_result, drop_cmd, early_cmd, cmatch };

std::string_view fault_kind_name(FaultKind k);  // "dram-bit", ...

struct FaultPlan {
  FaultKind kind = FaultKind::none;
  std::uint64_t occurrence = 1;  // N: which occurrence is faulted

  // Filled during the run.
  std::uint64_t seen = 0;        // occurrences of `kind` so far
  bool injected = false;
  std::string what;              // what was injected, and where
  bool rtl_timing_fired = false; // the RTL timing checker's first error after the injection
  std::uint64_t rtl_timing_cycle = 0;
  std::uint32_t rtl_timing_rules = 0;

  bool active() const { return kind != FaultKind::none; }
  // Counts one occurrence of `k`; true exactly for the occurrence to fault.
  bool hit(FaultKind k) {
    if (k != kind || injected) return false;
    if (++seen != occurrence) return false;
    injected = true;
    return true;
  }
  std::string name() const;  // "dram-bit:1"
};

// "KIND" or "KIND:N"; throws starc::InputError naming the value.
FaultPlan parse_fault_plan(std::string_view text);

// What the checks of a run reported (a run's sums over its policies, or a dense run's report).
struct FaultEvidence {
  std::uint64_t mismatches = 0;       // scoreboard
  std::string first_mismatch;
  std::uint64_t rtl_timing_errors = 0;
  std::uint64_t cmatch_mismatches = 0;
  std::string cmatch_first_mismatch;
};

FaultEvidence fault_evidence(std::span<const PolicyStats> stats);  // sums over a run's policies
FaultEvidence fault_evidence(const DenseReport& rep);

// The one-line verdict of a run with an active plan: which checks caught the fault and the first
// place each saw it (the trace checker is run here on `cmds`, the run's command log), or that
// the fault was never injected (N beyond the run) or not caught. `caught` tells which.
std::string fault_verdict(const FaultPlan& plan, const FaultEvidence& ev, const Org& org, const Timing& timing,
                          std::span<const Command> cmds, bool& caught);

}  // namespace pim
