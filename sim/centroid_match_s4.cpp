// The test build of centroid_match: MaxSel = 4 (many passes), MaxClusters = 4096.
#include "Vcentroid_match_s4.h"
#include "sim/centroid_match_pins.hpp"

namespace pim {

std::unique_ptr<CentroidMatchPins> make_centroid_match_s4(const CentroidMatchOptions& o) {
  return std::make_unique<VerilatedCentroidMatchPins<Vcentroid_match_s4, 4, 4096, 4>>(o);
}

}  // namespace pim
