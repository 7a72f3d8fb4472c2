// Independent checker of a command trace (docs/design.md section 8): reads only the parsed trace
// file and checks every rule of the section 2 timing table plus the bank-state rules.
//
// Written independently of TimingState (which the controller uses): instead of per-resource
// timestamps it looks, for each command, at every earlier command inside the largest timing
// window and applies each rule to the pair; only the open/closed state of the banks is
// tracked. The rule conventions are those documented in timing_state.hpp.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "host/cmd_trace.hpp"

namespace pim {

struct TraceViolation {
  unsigned line = 0;         // line in the trace file
  std::uint64_t cycle = 0;
  std::uint32_t rules = 0;   // bit = Rule id
};

std::vector<TraceViolation> check_trace(const ParsedTrace& trace);

// The self-check of a run: writes `cmds` as trace text (write_trace), parses it back and checks
// it, so that what is checked is exactly what --cmd-trace would write.
// `refreshes_before`: the REFABs each rank had before cmds[0] (a part of a run that starts with
// every REFAB due issued: cmds[0].cycle / nREFI).
std::vector<TraceViolation> check_commands(const Org& org, const Timing& timing,
                                           std::span<const Command> cmds, std::uint64_t refreshes_before = 0);

}  // namespace pim
