// FastChannel: the fast engine's PIM channel (docs/design.md section 5): the golden channel
// (host/golden_channel.hpp) for the results and a C++ model of what the lockstep engine reads
// back from the Verilated channel, behind the same ChannelSim interface, without Verilator.
//
// What the engine reads from the RTL, and how this model gives it:
//   - MVSB results: the golden channel's, each on the result port result_latency() = 3 +
//     mac_front_lat(lanes) = 4 + log2(lanes) cycles after its MVSB (rtl/pim_channel.sv);
//   - the channel's clock: after run(), cycle() is the cycle after the last command or the cycle
//     of the last result, whichever is later (the Verilated harness runs until both);
//   - the timing checker: every command is checked against the rules of docs/design.md section 2
//     by an independent TimingState (host/timing_state.hpp, the rules rtl/pim_timing_checker.sv
//     enforces) before it is applied; timing_error_count() counts the commands that break one.
// Not modelled: waves (an FST needs the RTL: make_fast_channel refuses a wave file) and fault
// injection (inject() refuses a plan). tests/test_fast_engine.cpp runs the same decode steps on
// both engines and compares every command, cycle count and result bit.
#pragma once

#include <memory>

#include "sim/channel_sim.hpp"

namespace pim {

// A fast channel of any organisation, head dimension and timing (std::invalid_argument for
// opt.waves). The lockstep engine uses its results as the golden ones (checked_against_golden()
// is false: comparing the golden model with itself would count nothing).
// The head dimension is opt.head_dim, as for the Verilated channels' mode register.
std::unique_ptr<ChannelSim> make_fast_channel(const Org& org, const Timing& timing, const ChannelSimOptions& opt);

}  // namespace pim
