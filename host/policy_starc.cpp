#include "host/policy_starc.hpp"

#include <algorithm>
#include <stdexcept>

#include <fmt/core.h>

namespace starc {

std::vector<ClusterPick> fill_budget(std::span<const double> scores,
                                     std::span<const unsigned> sizes, unsigned budget) {
  if (scores.size() != sizes.size()) {
    throw std::invalid_argument("starc: centroid scores and cluster sizes differ in count");
  }
  std::vector<ClusterPick> picks;
  unsigned sum = 0;
  for (unsigned g : rank_descending(scores)) {
    if (sum >= budget) break;
    if (sizes[g] == 0) continue;  // never selected (as in the centroid-match unit)
    const unsigned take = std::min(sizes[g], budget - sum);
    picks.push_back(ClusterPick{g, sizes[g], take, scores[g]});
    sum += take;
  }
  return picks;
}

StarcPolicy::StarcPolicy(const PolicyParams& p) : p_(p), clusters_(p.kmeans) {}

void StarcPolicy::reset() {
  clusters_.clear();
  rounded_.resize(0, 0);
}

ScoreRequest StarcPolicy::prepare(const Eigen::Ref<const Matrix>& keys, unsigned budget) {
  if (keys.rows() < 1) throw std::invalid_argument("starc: empty context");
  const unsigned before = clusters_.clusters();
  clusters_.extend(keys, p_.threads);
  if (clusters_.clusters() != before) {
    const Matrix& c = clusters_.centroids();
    rounded_.conservativeResize(c.rows(), c.cols());
    for (Eigen::Index g = before; g < c.rows(); ++g) {
      for (Eigen::Index j = 0; j < c.cols(); ++j) {
        rounded_(g, j) = pim::decode_input(pim::encode_input(c(g, j), p_.fmt), p_.fmt);
      }
    }
  }
  const unsigned recent = static_cast<unsigned>(keys.rows()) - clusters_.clustered_tokens();
  if (budget < recent || clusters_.clusters() == 0) return {};
  return ScoreRequest{SelectionCost::centroids, clusters_.clusters()};
}

Selection StarcPolicy::decide(const Eigen::Ref<const Matrix>& keys, std::span<const float> q,
                              unsigned budget, std::span<const double> scores) {
  check_select_args(name(), keys, q, budget);
  if (clusters_.clustered_tokens() > keys.rows())
    throw std::logic_error("starc: decide() on fewer tokens than prepare() clustered");
  Selection s;
  s.context = static_cast<unsigned>(keys.rows());
  s.cost = SelectionCost::centroids;
  const unsigned clustered = clusters_.clustered_tokens();
  const unsigned recent = s.context - clustered;
  if (budget < recent) {
    s.recent = budget;
    for (unsigned t = s.context - budget; t < s.context; ++t) s.tokens.push_back(t);
    return s;
  }
  s.recent = recent;
  if (clusters_.clusters() > 0) {
    if (scores.size() != clusters_.clusters()) {
      throw std::logic_error(fmt::format("starc: {} centroid scores for {} clusters", scores.size(),
                                         clusters_.clusters()));
    }
    std::vector<unsigned> sizes(clusters_.clusters());
    for (unsigned g = 0; g < sizes.size(); ++g) sizes[g] = clusters_.size(g);
    s.clusters = fill_budget(scores, sizes, budget - recent);
    for (const ClusterPick& pick : s.clusters) {
      const auto m = clusters_.members(pick.cluster);
      s.tokens.insert(s.tokens.end(), m.begin(), m.begin() + pick.taken);
    }
  }
  for (unsigned t = clustered; t < s.context; ++t) s.tokens.push_back(t);
  std::sort(s.tokens.begin(), s.tokens.end());
  return s;
}

Selection StarcPolicy::select(const Eigen::Ref<const Matrix>& keys, std::span<const float> q,
                              unsigned budget) {
  check_select_args(name(), keys, q, budget);
  const ScoreRequest r = prepare(keys, budget);
  std::vector<double> scores;
  if (r.what == SelectionCost::centroids) scores = exact_scores(rounded_, q);
  return decide(keys, q, budget, scores);
}

}  // namespace starc
