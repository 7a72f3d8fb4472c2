// The results as CSV (`starcsim run --csv FILE`, `starcsim fidelity --csv FILE`; docs/design.md
// section 8): one row per policy and decode step (fidelity: per policy, budget, head and step),
// a header row of stable column names, RFC 4180 quoting, numbers in full precision, so that the
// file loads straight into a spreadsheet or pandas (`pd.read_csv`).
//
// run columns (kRunCsvColumns): the policy, its layout and controller mode, the run's budget,
// the step and its context, the selected tokens, the step's cycles in total and per phase (as in
// the JSON report's `steps[]` and `cycles`), the latency in ns (cycles x tck_ns), where each phase
// starts on the run's clock (the command trace's cycle; x 769 ps in the waves; empty
// `selection_start` when no selection ran), bank activations, and the fidelity of the selection
// and of the RTL's output vector.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "host/fidelity.hpp"
#include "host/report.hpp"

namespace pim {

inline constexpr std::array<std::string_view, 29> kRunCsvColumns{
    "policy",          "layout",          "mode",           "budget",          "step",
    "context",         "selected",        "selection_skipped", "cycles",       "selection_cycles",
    "keys_cycles",     "softmax_cycles",  "values_cycles",  "gap_cycles",      "latency_ns",
    "start_cycle",     "selection_start", "keys_start",     "softmax_start",   "values_start",
    "end_cycle",       "activations",     "recall",         "hit_rate",        "rel_err",
    "cosine",          "rtl_output_rel_err", "rtl_output_cosine", "non_finite_output"};

inline constexpr std::array<std::string_view, 11> kFidelityCsvColumns{
    "policy", "budget", "head", "step", "context", "selected", "recall", "hit_rate", "rel_err", "cosine",
    "head_kind"};

std::string run_csv(const RunInfo& info, const std::vector<PolicyStats>& policies);
std::string fidelity_csv(const starc::FidelityReport& rep);

}  // namespace pim
