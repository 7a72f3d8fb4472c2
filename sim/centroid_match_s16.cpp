// The test build of centroid_match: MaxSel = 16, MaxClusters = 256.
#include "Vcentroid_match_s16.h"
#include "sim/centroid_match_pins.hpp"

namespace pim {

std::unique_ptr<CentroidMatchPins> make_centroid_match_s16(const CentroidMatchOptions& o) {
  return std::make_unique<VerilatedCentroidMatchPins<Vcentroid_match_s16, 16, 256, 4>>(o);
}

}  // namespace pim
