// The system table of `starcsim model` (docs/design.md section 14): what one decode step of the
// whole model costs on the system, from the head-steps that were simulated.
//
// Per head-step and policy (HeadStepFigures): cycles (the query heads of the KV head one after
// another on its channel), energy (attacc and act-aware models, docs/design.md section 9), bank
// activations, selected tokens, recall. Per context and policy (PolicyEstimate):
//   - latency of the decode step: the sum over layers of the slowest channel's work
//     (host/head_step_plan.hpp); `slowest` and `mean` are the slowest and the mean busy channel
//     of a layer, averaged over the layers; energy and activations: sums over every head-step;
//   - exact when every head-step was simulated (lo = hi = the value);
//   - sampled otherwise: the synthetic head-steps are independent and identically distributed
//     (each draws its KV from the same generator with its own seed), so each of R replicates
//     resamples the simulated head-steps with replacement (the sampling uncertainty) and fills
//     every (layer, op) of the step with a draw from that resample (the head-step variability);
//     the estimate is the replicates' mean, [lo, hi] their 5th and 95th percentiles. The same
//     draw serves every policy, so STARC's reductions (1 - starc / other) are paired.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "host/head_step_plan.hpp"

namespace starc {

struct HeadStepFigures {
  std::uint64_t cycles = 0;
  double energy_pj = 0, energy_act_pj = 0;
  std::uint64_t activations = 0, selected = 0;
  double recall = 0;                   // mean over the query heads
  std::uint64_t trace_violations = 0;  // trace checker on the policy's commands
  std::uint64_t timing_errors = 0;     // the engine's timing checker
};

struct HeadStepRecord {
  std::size_t index = 0;  // in the plan (host/head_step_plan.hpp)
  HeadStepId id;
  unsigned context = 0;
  std::map<std::string, HeadStepFigures> policies;
  // Co-simulated on the RTL too: the RTL's own checks and the comparison with the fast engine.
  bool rtl = false;
  std::uint64_t rtl_compared = 0, rtl_mismatches = 0;  // scoreboard (MVSB values)
  std::uint64_t cmatch_mismatches = 0, rtl_timing_errors = 0;
  std::uint64_t engine_checked = 0, engine_mismatches = 0;  // items compared fast vs RTL
  std::string first_engine_mismatch;
  double wall_s = 0;
};

nlohmann::json to_json(const HeadStepRecord& r);
HeadStepRecord record_from_json(const nlohmann::json& j);  // throws std::invalid_argument

struct Spread {
  double mean = 0, lo = 0, hi = 0;
};

struct PolicyEstimate {
  Spread latency;          // cycles per decode step
  Spread slowest, mean;    // cycles of a layer's slowest / mean busy channel
  Spread energy_pj, energy_act_pj, activations;
  double recall = 0;       // mean over the simulated head-steps
};

struct ContextEstimate {
  unsigned context = 0;
  bool exact = false;
  std::size_t simulated = 0, total = 0, replicates = 0;
  std::map<std::string, PolicyEstimate> policies;
  std::map<std::string, Spread> latency_reduction, energy_reduction;  // STARC against each other policy
  // Checks over the simulated head-steps.
  std::uint64_t trace_violations = 0, timing_errors = 0;
  std::uint64_t rtl_head_steps = 0, rtl_compared = 0, rtl_mismatches = 0, cmatch_mismatches = 0,
                rtl_timing_errors = 0, engine_checked = 0, engine_mismatches = 0;
};

// The estimate from `records` (one context; indices distinct and in the plan). Throws
// std::invalid_argument when a record lacks a policy or the list is empty.
ContextEstimate estimate(const HeadStepPlan& plan, const std::vector<HeadStepRecord>& records,
                         const std::vector<std::string>& policies, unsigned replicates, std::uint64_t seed);

nlohmann::json to_json(const ContextEstimate& e);

}  // namespace starc
