// The default build of centroid_match: MaxSel = 256, MaxClusters = 2^20 (starcsim run, benchmarks).
#include "Vcentroid_match_s256.h"
#include "sim/centroid_match_pins.hpp"

namespace pim {

std::unique_ptr<CentroidMatchPins> make_centroid_match_s256(const CentroidMatchOptions& o) {
  return std::make_unique<VerilatedCentroidMatchPins<Vcentroid_match_s256, 256, 1 << 20, 4>>(o);
}

}  // namespace pim
