#include "host/policy_starc.hpp"

#include <algorithm>
#include <cmath>
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
  groups_ = {};
  rounded_groups_.resize(0, 0);
}

namespace {

// Round 1 of the hierarchical selection counts a chunk's tokens in units of 16, capped at the
// centroid-match unit's largest size (64 units = 1024 tokens = 16 clusters of a full block's
// 64 tokens); a larger chunk (only with --hier-chunk above 16) counts as 64 units, which only
// makes the round choose more chunks.
constexpr unsigned kGroupSizeUnit = 16;
constexpr unsigned kGroupSizeCap = 64;

Matrix rounded_to(const Matrix& m, pim::Fmt fmt) {
  Matrix r(m.rows(), m.cols());
  for (Eigen::Index i = 0; i < m.rows(); ++i)
    for (Eigen::Index j = 0; j < m.cols(); ++j) r(i, j) = pim::decode_input(pim::encode_input(m(i, j), fmt), fmt);
  return r;
}

// The picks of fill_budget over the requested ids (scores and sizes in request order).
std::vector<ScorePick> fill_request(const ScoreRequest& req, std::span<const double> scores) {
  std::vector<ScorePick> picks;
  for (const ClusterPick& p : fill_budget(scores, req.sizes, req.budget))
    picks.push_back({req.ids.at(p.cluster), p.taken});
  return picks;
}

}  // namespace

ScoreRequest StarcPolicy::centroid_request(std::vector<unsigned> ids, unsigned budget) const {
  ScoreRequest r;
  r.what = SelectionCost::centroids;
  r.ids = std::move(ids);
  for (unsigned g : r.ids) r.sizes.push_back(clusters_.size(g));
  r.budget = budget;
  return r;
}

ScoreRequest StarcPolicy::prepare(const Eigen::Ref<const Matrix>& keys, unsigned budget) {
  if (keys.rows() < 1) throw std::invalid_argument("starc: empty context");
  const unsigned before = clusters_.clusters();
  clusters_.extend(keys, p_.threads);
  if (clusters_.clusters() != before) {
    const Matrix& c = clusters_.centroids();
    rounded_.conservativeResize(c.rows(), c.cols());
    rounded_.bottomRows(c.rows() - before) = rounded_to(c.bottomRows(c.rows() - before), p_.fmt);
    if (p_.hierarchical) {
      groups_ = group_clusters(clusters_, p_.grouping);
      rounded_groups_ = rounded_to(groups_.chunk_centroids, p_.fmt);
    }
  }
  const unsigned recent = static_cast<unsigned>(keys.rows()) - clusters_.clustered_tokens();
  if (budget < recent || clusters_.clusters() == 0) return {};
  cluster_budget_ = budget - recent;
  if (p_.hierarchical && groups_.chunk_count() > 0) {
    ScoreRequest r;
    r.what = SelectionCost::groups;
    for (unsigned i = 0; i < groups_.chunk_count(); ++i) {
      r.ids.push_back(i);
      r.sizes.push_back(std::min(kGroupSizeCap, (groups_.chunk_tokens[i] + kGroupSizeUnit - 1) / kGroupSizeUnit));
    }
    r.budget = static_cast<unsigned>(std::ceil(p_.hier_cover * cluster_budget_ / kGroupSizeUnit));
    return r;
  }
  std::vector<unsigned> all(clusters_.clusters());
  for (unsigned g = 0; g < all.size(); ++g) all[g] = g;
  return centroid_request(std::move(all), cluster_budget_);
}

ScoreRequest StarcPolicy::next_round(const ScoreResult& last) {
  if (last.what != SelectionCost::groups) return {};
  std::vector<bool> chosen(groups_.chunk_count(), false);
  for (const ScorePick& p : last.picks) chosen.at(p.id) = true;
  std::vector<unsigned> ids;
  for (unsigned g = 0; g < clusters_.clusters(); ++g) {
    if (clusters_.size(g) == 0) continue;  // never selected
    const unsigned ch = groups_.chunk_of[g];
    if (ch == CentroidGroups::kNoGroup || chosen[ch]) ids.push_back(g);
  }
  return centroid_request(std::move(ids), cluster_budget_);
}

Selection StarcPolicy::decide(const Eigen::Ref<const Matrix>& keys, std::span<const float> q,
                              unsigned budget, const ScoreResult& last) {
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
    // The last round scored centroids: every cluster, or the chosen groups' ones.
    const std::vector<unsigned>& ids = last.ids;
    if (last.what != SelectionCost::centroids || ids.size() != last.scores.size()) {
      throw std::logic_error(fmt::format("starc: {} centroid scores for {} clusters", last.scores.size(),
                                         ids.size()));
    }
    std::vector<unsigned> sizes;
    for (unsigned g : ids) sizes.push_back(clusters_.size(g));
    for (const ClusterPick& p : fill_budget(last.scores, sizes, budget - recent)) {
      ClusterPick pick = p;
      pick.cluster = ids[p.cluster];
      s.clusters.push_back(pick);
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
  ScoreRequest req = prepare(keys, budget);
  ScoreResult res;
  while (req.what != SelectionCost::none) {
    const Matrix& stored = req.what == SelectionCost::groups ? rounded_groups_ : rounded_;
    Matrix vectors(static_cast<Eigen::Index>(req.ids.size()), stored.cols());
    for (std::size_t i = 0; i < req.ids.size(); ++i)
      vectors.row(static_cast<Eigen::Index>(i)) = stored.row(req.ids[i]);
    res.what = req.what;
    res.ids = req.ids;
    res.scores = exact_scores(vectors, q);
    res.picks = fill_request(req, res.scores);
    req = next_round(res);
  }
  return decide(keys, q, budget, res);
}

}  // namespace starc
