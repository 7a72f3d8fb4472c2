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
// The scoring is a replaceable function: the co-simulation plugs in the RTL's bit-exact scores.
#pragma once

#include <functional>

#include "host/policy.hpp"

namespace starc {

// Scores of every centroid (rows of `centroids`, already rounded to the input format) for q.
using CentroidScorer =
    std::function<std::vector<double>(const Matrix& centroids, std::span<const float> q)>;

// The host's scorer: q.c in double precision, summed in dimension order.
std::vector<double> host_centroid_scores(const Matrix& centroids, std::span<const float> q);

// The budget fill of step 3 on given scores and sizes (global id = index): picks in order.
std::vector<ClusterPick> fill_budget(std::span<const double> scores,
                                     std::span<const unsigned> sizes, unsigned budget);

class StarcPolicy final : public Policy {
 public:
  explicit StarcPolicy(const PolicyParams& p);
  std::string_view name() const override { return "starc"; }
  void reset() override;
  Selection select(const Eigen::Ref<const Matrix>& keys, std::span<const float> q,
                   unsigned budget) override;

  void set_scorer(CentroidScorer s) { scorer_ = std::move(s); }
  // The clusters so far (for the cluster layout).
  const ClusteredKeys& clusters() const { return clusters_; }
  // Stored centroids rounded to the input format, row g = cluster g.
  const Matrix& stored_centroids() const { return rounded_; }

 private:
  PolicyParams p_;
  ClusteredKeys clusters_;
  Matrix rounded_;
  CentroidScorer scorer_ = host_centroid_scores;
};

}  // namespace starc
