// The paper's channel (docs/design.md section 2): 2 pch x 2 ranks x 4 bank groups x 4 banks,
// 16 lanes, 32 columns, 16384 rows, D = 128, preset hbm3-pim.
#include "Vpim_channel_full.h"
#include "sim/channel_harness_impl.hpp"

namespace pim {

std::unique_ptr<ChannelSim> make_channel_sim_full(const ChannelSimOptions& opt) {
  return std::make_unique<detail::ChannelHarness<Vpim_channel_full>>(hbm3_pim_org(), opt.head_dim, timing_preset("hbm3-pim"), opt);
}

}  // namespace pim
