// The paper's channel with the no-power-cap preset hbm3-pim-npc (nCCDAB 4).
#include "Vpim_channel_full_npc.h"
#include "sim/channel_harness_impl.hpp"

namespace pim {

bool have_channel_sim_full_npc() { return true; }

std::unique_ptr<ChannelSim> make_channel_sim_full_npc(const ChannelSimOptions& opt) {
  return std::make_unique<detail::ChannelHarness<Vpim_channel_full_npc>>(hbm3_pim_org(), opt.head_dim,
                                                                          timing_preset("hbm3-pim-npc"), opt);
}

}  // namespace pim
