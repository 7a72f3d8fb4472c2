// The Verilated PIM channel (rtl/pim_channel.sv) behind a configuration-independent interface.
//
// One Verilated library per configuration (organisation + timing preset are RTL parameters):
//   make_channel_sim_small  1 pch x 1 rank x 2 bg x 4 banks, 16 lanes, 32 columns, 256 rows,
//                           hbm3-pim (tests; library starc_channel_small)
//   make_channel_sim_2x2    2 pch x 2 ranks x 2 bg x 2 banks, 16 lanes, 32 columns, 128 rows,
//                           hbm3-pim (tests of pseudo-channel/rank decoding; library
//                           starc_channel_2x2)
//   make_channel_sim_full   2 x 2 x 4 x 4, 16 lanes, 32 columns, 16384 rows, hbm3-pim
//                           (library starc_channel_full)
//   make_channel_sim_full_npc  the same with hbm3-pim-npc (library starc_channel_full_npc; built
//                           only with `make NPC=1`, see have_channel_sim_full_npc)
// Every build serves the head dimensions D = 64, 128 and 256 (ChannelSimOptions::head_dim, a
// run-time mode: the harness writes the RTL's head-dimension mode register after reset and reads
// it back). Every harness checks at construction that the organisation and timing it is given
// are the parameters the model was Verilated with (std::logic_error naming the field otherwise)
// and that the head dimension is one the build serves (std::invalid_argument naming it
// otherwise). The harness owns the VerilatedContext (X
// randomisation with a seed: randReset(2)), clock and reset, the cycle counter (cycle 0 = first cycle after reset = trace cycle 0), the DRAM array
// model, and an FST writer when a wave file is given.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "contracts/dram_image.hpp"
#include "contracts/dram_timing.hpp"
#include "contracts/mvsb_result.hpp"
#include "contracts/pim_arith.hpp"
#include "contracts/pim_command.hpp"
#include "contracts/pim_org.hpp"
#include "sim/fault_plan.hpp"

namespace pim {

struct ChannelSimOptions {
  Fmt fmt = Fmt::fp16;
  std::uint64_t seed = 1;  // X randomisation seed
  std::string waves;       // FST file, empty: no waves
  // Refresh on (REFABs issued, the nREFI schedule checked: the RTL's refresh_check_i mode bit)
  // or off (`--refresh off`, for comparison); the harness's timing() carries it.
  bool refresh = true;
  // Head dimension D, one of pim::kHeadDims (contracts/pim_org.hpp): written to the channel's
  // mode register at initialisation (columns per token D / (banks x lanes), docs/design.md
  // section 2).
  unsigned head_dim = 128;
};

// Cycles from an MVSB command to its result on pim_channel's result port: 3 + mac_front_lat(lanes)
// = 4 + log2(lanes) (rtl/pim_channel.sv). The Verilated harness waits for it; the fast engine
// (sim/fast_channel.hpp) puts its results there, which tests/test_fast_engine.cpp checks against
// the cycles the RTL's results really come out at.
inline unsigned mvsb_result_latency(const Org& org) {
  unsigned log2_lanes = 0;
  while ((1u << log2_lanes) < org.lanes) ++log2_lanes;
  return 4 + log2_lanes;
}

class ChannelSim {
 public:
  virtual ~ChannelSim() = default;
  virtual const Org& org() const = 0;
  virtual unsigned head_dim() const = 0;
  virtual const Timing& timing() const = 0;
  // Cycles from an MVSB command to its result on the result port.
  virtual unsigned result_latency() const = 0;
  // Whether the lockstep engine compares this channel's results with a golden channel (the RTL:
  // yes; the fast engine, whose results are the golden model's: no, sim/fast_channel.hpp).
  virtual bool checked_against_golden() const { return true; }

  // Sets the cell contents (must outlive the runs).
  virtual void set_image(const DramImage& image) = 0;
  // Drives `cmds` (cycles ascending, not before cycle()) into the RTL, one per cycle at its
  // cycle, and runs until every MVSB's result has come out. Returns the results in order.
  virtual std::vector<MvsbResult> run(const std::vector<Command>& cmds) = 0;

  // Injects the plan's fault into this channel's runs (sim/fault_plan.hpp; nullptr: none, the
  // default). `plan` must outlive the runs; the harness records in it what it injected.
  virtual void inject(FaultPlan* plan) = 0;

  virtual std::uint64_t cycle() const = 0;            // the next cycle to simulate
  virtual std::uint32_t timing_error_count() const = 0;
  virtual std::uint32_t timing_error_mask() const = 0;  // sticky, bit = Rule id
};

std::unique_ptr<ChannelSim> make_channel_sim_small(const ChannelSimOptions& opt);
// The small model with the organisation, head dimension (this one, not opt.head_dim) and timing
// the caller assumes; like
// every factory, throws std::logic_error naming the field when they are not the model's RTL
// parameters (the harness reads them back from the model at construction).
std::unique_ptr<ChannelSim> make_channel_sim_small(const Org& org, unsigned head_dim, const Timing& timing,
                                                   const ChannelSimOptions& opt);
Org small_channel_org();  // the small model's organisation
std::unique_ptr<ChannelSim> make_channel_sim_2x2(const ChannelSimOptions& opt);
Org channel_2x2_org();  // the 2 x 2 model's organisation
std::unique_ptr<ChannelSim> make_channel_sim_full(const ChannelSimOptions& opt);
std::unique_ptr<ChannelSim> make_channel_sim_full_npc(const ChannelSimOptions& opt);
// Whether this build has the hbm3-pim-npc channel (cmake -DSTARC_NPC_CHANNEL=ON, make NPC=1);
// without it make_channel_sim_full_npc throws std::invalid_argument saying how to build it.
bool have_channel_sim_full_npc();

}  // namespace pim
