#include "host/centroid_select.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <stdexcept>

#include <fmt/core.h>

#include "contracts/policy_selection.hpp"

namespace pim {

bool ranks_before(const CentroidEntry& a, const CentroidEntry& b) {
  return starc::ranks_higher(std::bit_cast<float>(a.score_bits), a.id, std::bit_cast<float>(b.score_bits), b.id);
}

namespace {

// select_centroids; *last_out (when given) receives the entry of the last selected cluster.
CentroidSelection select_impl(std::span<const CentroidEntry> entries, std::uint32_t budget,
                              int max_selected, const CentroidEntry* after,
                              CentroidEntry* last_out) {
  if (max_selected < 1) {
    throw std::invalid_argument(fmt::format("centroid selection: max_selected {} < 1",
                                            max_selected));
  }
  if (budget > kMaxCentroidBudget) {
    throw std::invalid_argument(
        fmt::format("centroid selection: budget {} above {}", budget, kMaxCentroidBudget));
  }
  std::vector<CentroidEntry> ranked;
  ranked.reserve(entries.size());
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const CentroidEntry& e = entries[i];
    if (e.size > kMaxClusterSize) {
      throw std::invalid_argument(fmt::format(
          "centroid selection: entry {} (cluster {}) has size {} above {}", i, e.id, e.size,
          kMaxClusterSize));
    }
    if (e.id > kMaxClusterId) {
      throw std::invalid_argument(fmt::format(
          "centroid selection: entry {} has cluster id {} above {}", i, e.id, kMaxClusterId));
    }
    if (e.size != 0 && (after == nullptr || ranks_before(*after, e))) ranked.push_back(e);
  }
  std::stable_sort(ranked.begin(), ranked.end(), ranks_before);

  CentroidSelection sel;
  std::uint32_t taken = 0;
  for (const CentroidEntry& e : ranked) {
    if (taken >= budget || static_cast<int>(sel.clusters.size()) == max_selected) break;
    const std::uint32_t take = std::min<std::uint32_t>(e.size, budget - taken);
    sel.clusters.push_back({e.id, static_cast<std::uint8_t>(take)});
    taken += take;
    if (last_out != nullptr) *last_out = e;
  }
  sel.budget_met = (taken == budget);
  sel.s_limit_hit = !sel.budget_met && sel.clusters.size() < ranked.size();
  return sel;
}

}  // namespace

CentroidSelection select_centroids(std::span<const CentroidEntry> entries, std::uint32_t budget,
                                   int max_selected, const CentroidEntry* after) {
  return select_impl(entries, budget, max_selected, after, nullptr);
}

}  // namespace pim

namespace pim {

std::vector<CentroidSelection> select_centroid_passes(std::span<const CentroidEntry> entries,
                                                      std::uint32_t budget, int max_selected) {
  std::vector<CentroidSelection> passes;
  std::uint32_t remaining = budget;
  CentroidEntry after;  // the resume floor: the previous pass's last selected entry
  while (true) {
    passes.push_back(select_impl(entries, remaining, max_selected,
                                 passes.empty() ? nullptr : &after, &after));
    const CentroidSelection& p = passes.back();
    if (!p.s_limit_hit) break;
    for (const SelectedCluster& c : p.clusters) remaining -= c.take;
  }
  return passes;
}

CentroidSelection merge_passes(std::span<const CentroidSelection> passes) {
  CentroidSelection m;
  for (const CentroidSelection& p : passes) {
    m.clusters.insert(m.clusters.end(), p.clusters.begin(), p.clusters.end());
    m.budget_met = p.budget_met;
  }
  return m;
}

}  // namespace pim
