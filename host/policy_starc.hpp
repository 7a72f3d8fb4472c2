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
// scores the centroids on the RTL in between (bit-exact scores); select() scores them on the
// host, q.c in double precision summed in dimension order.
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
  // Clusters the completed blocks; asks for the scores of every centroid unless the budget
  // goes to the recent tokens alone (or nothing is clustered yet).
  ScoreRequest prepare(const Eigen::Ref<const Matrix>& keys, unsigned budget) override;
  // The budget fill on `centroid_scores` (one per cluster, as prepare() asked).
  Selection decide(const Eigen::Ref<const Matrix>& keys, std::span<const float> q,
                   unsigned budget, std::span<const double> centroid_scores) override;
  Selection select(const Eigen::Ref<const Matrix>& keys, std::span<const float> q,
                   unsigned budget) override;
  const ClusteredKeys* clustering() const override { return &clusters_; }
  // The clusters so far (for the cluster layout).
  const ClusteredKeys& clusters() const { return clusters_; }
  // Stored centroids rounded to the input format, row g = cluster g.
  const Matrix& stored_centroids() const { return rounded_; }

 private:
  PolicyParams p_;
  ClusteredKeys clusters_;
  Matrix rounded_;
};

}  // namespace starc
