// Golden model of the centroid-match unit (rtl/centroid_match.sv, docs/design.md section 5 step 2).
//
// select_centroids() is the bit-exact contract the RTL is compared against (list, order, takes,
// flags). It is written independently of the RTL's structure: a stable sort with binary32
// comparisons, then a walk. The end-to-end co-simulation calls it with the banks' centroid
// scores to check the unit's answer, pass by pass (select_centroid_passes).
#pragma once

#include <cstdint>
#include <limits>
#include <span>
#include <vector>

namespace pim {

// One entry of the score stream (one per centroid, in stream order).
struct CentroidEntry {
  std::uint32_t id = 0;          // cluster id, 0..kMaxClusterId (pim_pkg::CM_ID_W bits)
  std::uint32_t score_bits = 0;  // binary32 bit pattern of q.mu_c
  std::uint8_t size = 0;         // tokens in the cluster, 0..kMaxClusterSize
};

struct SelectedCluster {
  std::uint32_t id = 0;
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
inline constexpr std::uint32_t kMaxCentroidBudget = (1u << 21) - 1;  // pim_pkg::CM_BUDGET_W
inline constexpr std::uint32_t kMaxClusterId = (1u << 20) - 1;       // pim_pkg::CM_ID_W
// max_selected of a selection without a limit on the number of clusters.
inline constexpr int kUnlimitedSelection = std::numeric_limits<int>::max();

// True when entry a ranks before entry b: larger score first (binary32 comparison, so
// +0 == -0), any NaN after every number, equal scores (and NaN vs NaN) by lower id.
bool ranks_before(const CentroidEntry& a, const CentroidEntry& b);

// The selection: clusters of non-zero size in ranking order (equal rank: stream order) until
// their sizes reach `budget`, the last one cut so the takes sum to exactly `budget`; at most
// `max_selected` clusters. Size-0 clusters are never selected and do not count against
// max_selected. budget 0 selects nothing (budget_met). With `after`, only the entries that rank
// strictly after *after (ranks_before(*after, e)) take part: one resumed pass of the unit.
// Throws std::invalid_argument for a size above kMaxClusterSize, an id above kMaxClusterId, a
// budget above kMaxCentroidBudget or max_selected < 1.
CentroidSelection select_centroids(std::span<const CentroidEntry> entries, std::uint32_t budget,
                                   int max_selected, const CentroidEntry* after = nullptr);

// The unit's passes (rtl/centroid_match.sv, "Passes"): pass 1 is select_centroids(entries,
// budget, max_selected); while a pass ends with s_limit_hit, the next one resumes after its last
// cluster with the budget not yet taken. Every pass but the last has s_limit_hit set.
std::vector<CentroidSelection> select_centroid_passes(std::span<const CentroidEntry> entries,
                                                      std::uint32_t budget, int max_selected);

// The passes concatenated: clusters in order, budget_met of the last pass, s_limit_hit false
// (the passes continue until the budget is met or no cluster is left). Equal to
// select_centroids(entries, budget, kUnlimitedSelection) for unique ids.
CentroidSelection merge_passes(std::span<const CentroidSelection> passes);

}  // namespace pim
