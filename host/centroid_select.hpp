// Golden model of the centroid-match unit (rtl/centroid_match.sv, docs/design.md section 5 step 2).
//
// select_centroids() is the bit-exact contract the RTL is compared against (list, order, takes,
// flags). It is written independently of the RTL's structure: a stable sort with binary32
// comparisons, then a walk. The end-to-end co-simulation calls it with the banks' centroid
// scores to check the unit's answer.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace pim {

// One entry of the score stream (one per centroid, in stream order).
struct CentroidEntry {
  std::uint16_t id = 0;          // cluster id
  std::uint32_t score_bits = 0;  // binary32 bit pattern of q.mu_c
  std::uint8_t size = 0;         // tokens in the cluster, 0..kMaxClusterSize
};

struct SelectedCluster {
  std::uint16_t id = 0;
  std::uint8_t take = 0;  // tokens taken: the size, or less for the last (cut) cluster
  bool operator==(const SelectedCluster&) const = default;
};

struct CentroidSelection {
  std::vector<SelectedCluster> clusters;  // best first
  bool budget_met = false;   // takes sum to exactly the budget
  bool s_limit_hit = false;  // budget not met, and clusters beyond the max_selected were left
  bool operator==(const CentroidSelection&) const = default;
};

inline constexpr int kMaxClusterSize = 64;
inline constexpr std::uint32_t kMaxCentroidBudget = (1u << 20) - 1;  // pim_pkg::CM_BUDGET_W

// True when entry a ranks before entry b: larger score first (binary32 comparison, so
// +0 == -0), any NaN after every number, equal scores (and NaN vs NaN) by lower id.
bool ranks_before(const CentroidEntry& a, const CentroidEntry& b);

// The selection: clusters of non-zero size in ranking order (equal rank: stream order) until
// their sizes reach `budget`, the last one cut so the takes sum to exactly `budget`; at most
// `max_selected` clusters. Size-0 clusters are never selected and do not count against
// max_selected. budget 0 selects nothing (budget_met). Throws std::invalid_argument for a size
// above kMaxClusterSize, a budget above kMaxCentroidBudget or max_selected < 1.
CentroidSelection select_centroids(std::span<const CentroidEntry> entries, std::uint32_t budget,
                                   int max_selected);

}  // namespace pim
