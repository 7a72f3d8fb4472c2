// One head-step of `starcsim model` (docs/design.md section 14): its synthetic KV generated once
// and shared by every policy and both engines; each query head of the KV head a decode step over
// the whole context, run by every policy on the fast engine (sim/fast_channel.hpp,
// sim/fast_centroid_match.hpp), and, for a head-step of the RTL sample, on the Verilated RTL
// too, with every command, cycle count, selected token and output bit compared between the two.
// Within a query head the policy-independent work (the token-order layout, the exact reference)
// is shared by the policies (sim/decode_cosim.hpp); Quest runs first so that dense and token-wise
// use its layout.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "host/system_estimate.hpp"
#include "sim/centroid_matcher.hpp"
#include "sim/channel_sim.hpp"
#include "sim/decode_cosim.hpp"

namespace pim {

struct HeadStepSpec {
  starc::HeadStepId id;
  std::size_t index = 0;
  unsigned context = 0;
  unsigned group = 1;  // query heads sharing the KV head
  unsigned head_dim = 128;
  std::uint64_t seed = 1;  // KV seed (starc::head_step_seed)
  std::vector<std::string> policies;
  DecodeConfig cfg;
  Org org;
  Timing timing;
};

// The RTL engine, built fresh for each co-simulated head-step.
struct RtlEngine {
  std::function<std::unique_ptr<ChannelSim>(Fmt)> channel;
  std::function<std::unique_ptr<CentroidMatcher>()> cmatch;
};

// One engine's run of a head-step's query head: every policy's figures and the command log.
struct EngineRun {
  std::vector<PolicyStats> stats;
  std::vector<Command> cmds;
};

// Compares the RTL engine's run with the fast engine's item by item (every command; per policy
// and step the phase cycles, selected tokens and output bits; per policy its step count, cycles
// and centroid-match work), adding to rec.engine_checked / engine_mismatches and keeping the
// first difference in rec.first_engine_mismatch.
void compare_engine_runs(const EngineRun& rtl, const EngineRun& fast, starc::HeadStepRecord& rec);

// Runs the head-step (rtl: also on the RTL engine, compared with the fast engine). Throws what
// DecodeCosim throws for a bad configuration.
starc::HeadStepRecord run_head_step(const HeadStepSpec& spec, const RtlEngine* rtl);

}  // namespace pim
