// DRAM timing of the simulated PIM channel (docs/design.md section 2) and the ids of the rules
// that the RTL timing checker, the controller and the trace checker enforce.
//
// All values are in command-clock cycles (tCK = 0.769 ns). A rule "X -> Y >= n" means: a
// command Y presented at cycle t is legal only if t - t_X >= n for the relevant earlier X.
// The rule ids are shared with rtl/pim_pkg.sv (RULE_*) bit for bit: an error mask has bit
// `id` set when the command broke that rule.
#pragma once

#include <array>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace pim {

// The command clock, tCK = 0.769 ns (HBM3 5.2 Gbps): an integer number of picoseconds, so that
// the waves (FST, timescale 1 ps) put cycle c at c x 769 ps and a wave cursor reads the same
// nanoseconds as the report's `latency_ns_per_step` (cycles x tck_ns).
inline constexpr std::uint64_t kTckPs = 769;
inline constexpr double kTckNs = static_cast<double>(kTckPs) / 1000.0;

struct Timing {
  std::string name = "hbm3-pim";
  unsigned nRCD = 19;    // ACT/ACTAB -> first MACAB to that bank
  unsigned nRP = 19;     // PRE/PREA -> next ACT/ACTAB to that bank
  unsigned nRAS = 45;    // ACT/ACTAB -> PRE/PREA of that bank
  unsigned nRC = 63;     // ACT/ACTAB -> ACT/ACTAB of the same bank
  unsigned nRTPL = 8;    // MACAB -> PRE/PREA of that bank
  unsigned nCCDAB = 6;   // MACAB -> MACAB (any masks)
  unsigned nCCDS = 2;    // column command -> column command, disjoint bank-group masks
  unsigned nCCDL = 4;    // column command -> column command, sharing a bank group
  unsigned nRRDS = 2;    // single-bank ACT -> ACT, same rank, different bank group
  unsigned nRRDL = 4;    // single-bank ACT -> ACT, same rank, same bank group
  unsigned nFAW = 39;    // at most 4 single-bank ACTs per rank in any nFAW window
  unsigned nBL = 2;      // data-bus occupancy of WRGB / MVGB / MVSB
  unsigned nROW = 2;     // command-bus occupancy of ACT / ACTAB / PRE / PREA
};

// Presets: "hbm3-pim" (AttAcc HBM3_5.2Gbps, nCCDAB 6) and "hbm3-pim-npc" (no power cap,
// nCCDAB 4). Throws std::invalid_argument naming an unknown preset.
inline Timing timing_preset(std::string_view name) {
  Timing t;
  if (name == "hbm3-pim") return t;
  if (name == "hbm3-pim-npc") {
    t.name = "hbm3-pim-npc";
    t.nCCDAB = 4;
    return t;
  }
  throw std::invalid_argument("unknown timing preset '" + std::string(name) +
                              "' (expected hbm3-pim or hbm3-pim-npc)");
}

// Rule ids (bit positions of an error mask); identical to pim_pkg::RULE_* in the RTL.
enum Rule : unsigned {
  kRuleRCD = 0,
  kRuleRP = 1,
  kRuleRAS = 2,
  kRuleRC = 3,
  kRuleRTPL = 4,
  kRuleCCDAB = 5,
  kRuleCCDS = 6,
  kRuleCCDL = 7,
  kRuleRRDS = 8,
  kRuleRRDL = 9,
  kRuleFAW = 10,
  kRuleDataBus = 11,    // data command within nBL of the previous data command
  kRuleCmdBus = 12,     // any command within nROW of a row command
  kRuleMacClosed = 13,  // MACAB to a bank (in its mask) without an open row
  kRuleActOpen = 14,    // ACT/ACTAB to a bank that already has an open row
  kRuleAddress = 15,    // address field out of range for the organisation / unknown op
  kNumRules = 16
};

inline constexpr std::array<std::string_view, kNumRules> kRuleNames = {
    "nRCD", "nRP",  "nRAS", "nRC",    "nRTPL",    "nCCDAB",    "nCCDS",    "nCCDL",
    "nRRDS", "nRRDL", "nFAW", "nBL", "cmd-bus", "mac-closed", "act-open", "address"};

// "nRCD|nFAW" style text of an error mask ("ok" when 0).
inline std::string rule_mask_text(std::uint32_t mask) {
  if (mask == 0) return "ok";
  std::string s;
  for (unsigned i = 0; i < kNumRules; ++i) {
    if (mask >> i & 1u) {
      if (!s.empty()) s += '|';
      s += kRuleNames[i];
    }
  }
  return s;
}

}  // namespace pim
