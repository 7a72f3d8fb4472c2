// Report of one `starcsim run` (docs/design.md section 8): per policy, what the co-simulation
// measured (sim/decode_cosim.hpp fills PolicyStats from the RTL's clock and the executed command
// stream), and the figures derived from it here: energy under both models (docs/design.md section 9),
// MAC-slot utilisation per bank group, the physical bandwidth limit, the list of what is not
// modelled. Output: a JSON document with stable keys (documented in README) and a table.
//
// Derived figures:
//   utilisation[g] = MACABs whose mask holds bank group g x nCCDAB / cycles   (busy MAC-slot
//                    fraction: one MACAB can issue every nCCDAB cycles at best)
//   limit_cycles   = selected tokens' key+value bytes / (banks x column bytes / nCCDAB)
//                    (the full all-bank internal bandwidth; summed over steps)
//   actual/limit   = cycles / limit_cycles
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "contracts/dram_timing.hpp"
#include "host/energy_model.hpp"
#include "contracts/pim_command.hpp"
#include "contracts/pim_org.hpp"

namespace pim {

// Cycle counts of one decode step (or their sums over steps).
struct PhaseCycles {
  std::uint64_t total = 0;      // first command of the step .. last result, inclusive
  std::uint64_t selection = 0;  // first command .. selection known (centroid-match done_o)
  std::uint64_t keys = 0;       // key phase: first command .. last score out
  std::uint64_t softmax = 0;    // host softmax: 0 (not modelled, see not_modelled)
  std::uint64_t values = 0;     // value phase: first command .. last partial context out
  std::uint64_t gaps = 0;       // cycles of the step between those phases (waits for the previous
                                // phase's row closing); total = selection + keys + softmax +
                                // values + gaps
  PhaseCycles& operator+=(const PhaseCycles& o);
};

// Fidelity of one step (docs/design.md section 7): of the selection (double-precision reference)
// and of the output vector the RTL actually produced.
struct StepFidelity {
  double recall = 0, hit_rate = 0, rel_err = 0, cosine = 0;
  double rtl_rel_err = 0, rtl_cosine = 0;  // RTL output vs exact dense output
};

// Where the phases of one step lie on the run's clock (the command trace's cycles; in the waves
// cycle c is at c x kTckPs ps): the first cycle of each phase, `softmax` the cycle after the key
// phase's last score (it takes 0 cycles), `end` the step's last cycle. A phase that did not run
// (selection of dense or oracle, or a skipped selection) has `ran_selection` false.
struct PhaseStarts {
  std::uint64_t start = 0, selection = 0, keys = 0, softmax = 0, values = 0, end = 0;
  bool ran_selection = false;
};

struct StepStats {
  unsigned context = 0;   // tokens attended over (n)
  unsigned selected = 0;  // tokens attended
  bool non_finite_output = false;  // the RTL's output vector holds an infinity or a NaN
  bool selection_skipped = false;  // the budget covered the context: every token, no selection
  PhaseCycles cycles;
  PhaseStarts at;                 // cycle of each phase's start on the run's clock
  std::uint64_t activations = 0;  // bank activations (ACT = 1, ACTAB = all banks)
  StepFidelity fidelity;
  double score_max_abs_err = 0;   // max |RTL score - exact q.k| over the attended tokens
  std::vector<float> output;      // the output vector the RTL produced (reduced partials)
  std::vector<unsigned> tokens;   // the attended tokens, ascending (what the output is over)
};

struct WallTime {
  double verilator = 0;  // channel and centroid-match models: eval and harness
  double golden = 0;     // golden channel + golden centroid selection
  double host = 0;       // everything else: layouts, policies, controller, softmax, reference
  WallTime& operator+=(const WallTime& o);
};

struct PolicyStats {
  std::string policy, layout, mode;
  std::vector<StepStats> steps;
  PhaseCycles cycles;                             // sums over steps
  std::map<std::string, std::uint64_t> commands;  // by type
  std::vector<std::uint64_t> macab_per_bg;        // MACABs including each global bank group
  EnergyEvents events;
  std::uint64_t selected_tokens = 0;              // sum over steps
  std::uint64_t compared = 0, mismatches = 0;     // scoreboard, channel MVSB values
  std::string first_mismatch;
  std::uint64_t cmatch_compared = 0, cmatch_mismatches = 0;  // centroid-match selections
  std::string cmatch_first_mismatch;
  std::uint64_t rtl_timing_errors = 0;   // RTL timing checker count during this policy
  std::uint64_t trace_violations = 0;    // independent checker on this policy's trace lines
  std::uint64_t cmatch_cycles = 0;       // centroid-match unit cycles, all passes (in `selection`)
  std::uint64_t non_finite_outputs = 0;       // steps whose RTL output vector is not finite
  std::uint64_t selection_skipped_steps = 0;  // steps whose budget covered the context
  std::uint64_t cmatch_passes = 0;       // centroid-match passes (1 per step unless > MaxSel clusters)
  WallTime wall;
};

struct RunInfo {
  std::string source;      // KV source description
  std::string channel;     // "hbm3-pim (2x2x4x4, RTL starc_channel_full)"
  std::string cmatch;      // centroid-match build
  Org org;
  Timing timing;
  std::string fmt;
  unsigned head_dim = 0, context = 0, steps = 0, budget = 0, head = 0;
  std::string head_kind;
  double tck_ns = kTckNs;
};

// Energy events of a command stream (used by the co-simulation): per MACAB, every bank of the
// masked groups reads one column (bytes) into `lanes` MACs; WRGB/MVGB move `lanes` 16-bit
// elements, MVSB moves the group's slot scores (dot) or head_dim partial sums (axpy), 4 B each.
void count_energy_events(const Org& org, unsigned head_dim, const Command& cmd,
                         EnergyEvents& ev);

double limit_cycles(const Org& org, const Timing& t, unsigned head_dim, std::uint64_t tokens);

// The report as JSON (stable keys) and as a human-readable table.
nlohmann::json report_json(const RunInfo& info, const std::vector<PolicyStats>& policies);
std::string report_table(const RunInfo& info, const std::vector<PolicyStats>& policies);

// What the figures leave out, one line each (printed and in the JSON as "not_modelled").
const std::vector<std::string>& not_modelled();

}  // namespace pim
