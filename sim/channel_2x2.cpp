// The multi-rank test configuration of the channel: 2 pseudo-channels x 2 ranks x 2 bank groups
// x 2 banks (8 global bank groups, 16 banks), 16 lanes, 32 columns, 128 rows, D = 64, 128 or
// 256 at run time (2, 4 or 8 columns per token, MaxColsPerToken 8), preset hbm3-pim (parameters in sim/CMakeLists.txt;
// the harness checks them against the model at construction). It exercises what the 1 x 1 small
// channel cannot: pseudo-channel and rank decoding, the global bank-group order
// (pch, rank, bg) of MACAB masks and results, and the per-rank nRRD / nFAW rules.
#include "Vpim_channel_2x2.h"
#include "sim/channel_harness_impl.hpp"

namespace pim {

Org channel_2x2_org() {
  Org org;
  org.pseudo_channels = 2;
  org.ranks = 2;
  org.bank_groups = 2;
  org.banks = 2;
  org.lanes = 16;
  org.columns = 32;
  org.rows = 128;
  return org;
}

std::unique_ptr<ChannelSim> make_channel_sim_2x2(const ChannelSimOptions& opt) {
  return std::make_unique<detail::ChannelHarness<Vpim_channel_2x2>>(channel_2x2_org(), opt.head_dim,
                                                                     timing_preset("hbm3-pim"), opt);
}

}  // namespace pim
