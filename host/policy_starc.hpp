// STARC policy (docs/design.md sections 5 and 6): cosine k-means clusters per 64-token block
// (mapping/kmeans.hpp), centroid scoring, and the budget fill of the centroid-match unit.
//
// Step with context n and budget B:
//   1. every complete block not clustered yet is clustered (decode-time append); the tokens
//      after the last complete block are "recent": always attended, counted in B;
//   2. if B < recent, the B most recent tokens are attended and no cluster (the budget is never
//      exceeded);
//   3. otherwise every centroid (stored rounded to the input format) is scored against q; the
//      clusters are taken in descending score order (ties: lower global id) until their sizes
//      sum to at least B - recent; the last one is cut to fit, keeping its first members in
//      slot order (ascending token index). Clusters of size 0 are never selected (the rule of
//      the centroid-match unit's golden model, host/centroid_select.hpp).
// Steps 1 and 3 are prepare() and decide() of the Policy interface: the co-simulation engine
// scores the centroids on the RTL in between (bit-exact scores) and the centroid-match unit
// fills the budget; select() scores them on the host, q.c in double precision summed in
// dimension order, and fills with fill_budget.
//
// Hierarchical selection (PolicyParams::hierarchical, beyond the paper): step 3 becomes two
// rounds. Round 1 scores the super-centroids of the chunks of the cluster groups
// (mapping/centroid_groups.hpp: up to 16 similar clusters each) and fills
// ceil(hier_cover x (B - recent) / 16) over the chunks' sizes in units of 16 tokens (capped at
// 64): the chunks in descending score order until they hold about hier_cover times the
// clusters' budget. Round 2 scores only the centroids of the chosen chunks' clusters and of the
// clusters that belong to no group (block 0), and fills B - recent as in the flat
// selection. Clusters outside the chosen chunks are never selected.
#pragma once

#include "host/policy.hpp"

namespace starc {

// The budget fill of step 3 on given scores and sizes (global id = index): picks in order.
std::vector<ClusterPick> fill_budget(std::span<const double> scores,
                                     std::span<const unsigned> sizes, unsigned budget);

class StarcPolicy final : public Policy {
 public:
  explicit StarcPolicy(const PolicyParams& p);
  std::string_view name() const override { return "starc"; }
  SelectionCost selection_cost() const override { return SelectionCost::centroids; }
  void reset() override;
  // Clusters the completed blocks; asks for the scores of every centroid (hierarchical: of
  // every group's super-centroid) unless the budget goes to the recent tokens alone (or nothing
  // is clustered yet).
  ScoreRequest prepare(const Eigen::Ref<const Matrix>& keys, unsigned budget) override;
  // Hierarchical, after round 1: the centroids of the chosen groups' clusters.
  ScoreRequest next_round(const ScoreResult& last) override;
  // The budget fill on the last round's centroid scores.
  Selection decide(const Eigen::Ref<const Matrix>& keys, std::span<const float> q,
                   unsigned budget, const ScoreResult& last) override;
  Selection select(const Eigen::Ref<const Matrix>& keys, std::span<const float> q,
                   unsigned budget) override;
  const ClusteredKeys* clustering() const override { return &clusters_; }
  const CentroidGroups* grouping() const override { return p_.hierarchical ? &groups_ : nullptr; }
  // The clusters so far (for the cluster layout).
  const ClusteredKeys& clusters() const { return clusters_; }
  // Stored centroids rounded to the input format, row g = cluster g.
  const Matrix& stored_centroids() const { return rounded_; }
  // Hierarchical: the groups of the current step.
  const CentroidGroups& groups() const { return groups_; }

 private:
  // The flat request: every centroid, budget `budget` (the clusters' share).
  ScoreRequest centroid_request(std::vector<unsigned> ids, unsigned budget) const;

  PolicyParams p_;
  ClusteredKeys clusters_;
  Matrix rounded_;
  CentroidGroups groups_;
  Matrix rounded_groups_;
  unsigned cluster_budget_ = 0;  // B - recent of the current step
};

}  // namespace starc
