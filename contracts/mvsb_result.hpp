// The result of one MVSB command (docs/design.md section 5): the type the RTL channel harness
// (sim/), the golden channel (host/) and the scoreboard exchange.
#pragma once

#include <cstdint>
#include <vector>

#include "contracts/pim_command.hpp"

namespace pim {

// One MVSB result, from the golden model or the RTL.
struct MvsbResult {
  std::uint64_t cycle = 0;  // RTL: cycle the result left the channel; golden: the MVSB's cycle
  unsigned gbg = 0;
  Mode mode = Mode::dot;
  std::vector<std::uint32_t> words;  // dot: slots scores; axpy: head_dim partial context values
};

}  // namespace pim
