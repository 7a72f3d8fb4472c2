// Builds without the hbm3-pim-npc channel (the default; make NPC=1 adds it, sim/CMakeLists.txt).
#include <stdexcept>

#include "sim/channel_sim.hpp"

namespace pim {

bool have_channel_sim_full_npc() { return false; }

std::unique_ptr<ChannelSim> make_channel_sim_full_npc(const ChannelSimOptions&) {
  throw std::invalid_argument(
      "hbm3-pim-npc: this build has no 64-bank hbm3-pim-npc channel; rebuild with `make NPC=1` "
      "(cmake -DSTARC_NPC_CHANNEL=ON)");
}

}  // namespace pim
