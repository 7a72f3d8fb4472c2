// The test configuration of the channel: 1 pch x 1 rank x 2 bank groups x 4 banks, 16 lanes,
// 32 columns, 256 rows, D = 64, 128 or 256 at run time (MaxColsPerToken 4), preset hbm3-pim (parameters in sim/CMakeLists.txt; the harness
// checks them against the model at construction).
#include "Vpim_channel_small.h"
#include "sim/channel_harness_impl.hpp"

namespace pim {

Org small_channel_org() {
  Org org;
  org.pseudo_channels = 1;
  org.ranks = 1;
  org.bank_groups = 2;
  org.banks = 4;
  org.lanes = 16;
  org.columns = 32;
  org.rows = 256;
  return org;
}

std::unique_ptr<ChannelSim> make_channel_sim_small(const ChannelSimOptions& opt) {
  return make_channel_sim_small(small_channel_org(), opt.head_dim, timing_preset("hbm3-pim"), opt);
}

std::unique_ptr<ChannelSim> make_channel_sim_small(const Org& org, unsigned head_dim, const Timing& timing,
                                                   const ChannelSimOptions& opt) {
  return std::make_unique<detail::ChannelHarness<Vpim_channel_small>>(org, head_dim, timing, opt);
}

}  // namespace pim
