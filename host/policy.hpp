// Sparsity policies (docs/design.md section 6): for one decode step of one head, which tokens to
// attend under a budget B.
//
// Budget rules, shared by every policy: B counts every attended token (for STARC including the
// recent, unclustered ones); B = 0 is an error; B >= the context selects every token; otherwise
// a policy selects exactly B tokens (dense ignores B and selects everything).
//   - dense:     every token.
//   - oracle:    the B tokens of highest exact q.k (double precision; ties: lower index).
//   - tokenwise: SparQ-style; the r = D/8 (PolicyParams::sparq_r) dimensions of largest |q|
//                (ties: lower dimension) score every key approximately; top B (ties: lower
//                index). Cost: those r dimensions of every key.
//   - quest:     pages of `page` tokens (the last may be partial) with elementwise min/max key
//                metadata; page score sum_d max(q_d min_d, q_d max_d) (ties: lower page);
//                pages in descending score until B tokens, the last page cut to fit (its
//                lowest-index tokens), i.e. ceil(B/page) pages. Cost: every page's metadata.
//   - starc:     see policy_starc.hpp.
//
// A policy object serves one head: reset() before the next head. select() is called with the
// context keys[0, n) of the current step; n never shrinks between resets.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mapping/centroid_groups.hpp"
#include "mapping/kmeans.hpp"
#include "contracts/kv_source.hpp"
#include "contracts/pim_arith.hpp"
#include "contracts/policy_selection.hpp"

namespace starc {

struct PolicyParams {
  pim::Fmt fmt = pim::Fmt::fp16;  // input format (STARC centroids are stored rounded to it)
  KmeansParams kmeans;            // starc
  unsigned page = 16;             // quest page size
  unsigned sparq_r = 0;           // tokenwise dimensions; 0: D / 8
  unsigned threads = 1;           // starc clustering threads
  // starc: hierarchical selection (first the groups' super-centroids, then the centroids of the
  // chosen groups) instead of scoring every centroid; the groups' token count must cover
  // `hier_cover` x the clusters' share of the budget.
  bool hierarchical = false;
  double hier_cover = 3.0;
  GroupingParams grouping;        // starc, hierarchical: the groups (as the striped layout's)
};

// One round of device scoring a policy asks for before it decides (docs/design.md section 5,
// step 2): the engine scores the stored vectors `ids` (ascending) of the region `what` names on
// the RTL, and the centroid-match unit fills `budget` over `sizes` in descending score order.
struct ScoreRequest {
  SelectionCost what = SelectionCost::none;  // centroids or groups; none: nothing to score
  std::vector<unsigned> ids;
  std::vector<unsigned> sizes;  // per id, what the budget fill counts (at most 255)
  unsigned budget = 0;
};
struct ScorePick {
  unsigned id = 0, take = 0;
  bool operator==(const ScorePick&) const = default;
};
// The device's answer to a ScoreRequest.
struct ScoreResult {
  SelectionCost what = SelectionCost::none;  // the request's
  std::vector<unsigned> ids;     // the request's
  std::vector<double> scores;    // per requested id, in the request's order
  std::vector<ScorePick> picks;  // the unit's budget fill, in selection order
};

class Policy {
 public:
  virtual ~Policy() = default;
  virtual std::string_view name() const = 0;
  // What the selection itself reads (the layout region the policy needs: centroids for starc,
  // page metadata for quest); the same for every step.
  virtual SelectionCost selection_cost() const = 0;
  // Starts a new head.
  virtual void reset() {}
  // A step in rounds, for an engine that scores on the device. prepare() brings the policy's
  // state up to keys[0, n) (STARC clusters the completed blocks) and says what to score first;
  // next_round() what to score after a round (nothing: decide); decide() selects given the last
  // round's result (empty when nothing was asked). Default: nothing to score, decide() =
  // select().
  virtual ScoreRequest prepare(const Eigen::Ref<const Matrix>& keys, unsigned budget);
  virtual ScoreRequest next_round(const ScoreResult& last);
  virtual Selection decide(const Eigen::Ref<const Matrix>& keys, std::span<const float> q,
                           unsigned budget, const ScoreResult& last);
  // Selection for query q (D elements) over keys[0, n), n = keys.rows() >= 1, budget >= 1,
  // with every score computed on the host.
  virtual Selection select(const Eigen::Ref<const Matrix>& keys, std::span<const float> q,
                           unsigned budget) = 0;
  // The clusters a cluster-selecting policy picks from (the cluster layout places them);
  // nullptr for the others.
  virtual const ClusteredKeys* clustering() const { return nullptr; }
  // The groups of those clusters when the policy computes them (the hierarchical selection),
  // for the striped layout to place without computing them again; nullptr otherwise.
  virtual const CentroidGroups* grouping() const { return nullptr; }
};

// The policy names make_policy knows, in report order.
const std::vector<std::string>& policy_names();
// Throws std::invalid_argument naming an unknown policy or a bad parameter.
std::unique_ptr<Policy> make_policy(std::string_view name, const PolicyParams& p);

// Exact scores q.k_i of keys[0, n) in double precision (summed in dimension order); the oracle
// and the fidelity reference use this one function so that they rank tokens identically.
std::vector<double> exact_scores(const Eigen::Ref<const Matrix>& keys, std::span<const float> q);

// The `count` indices of highest score (ties: lower index), returned ascending.
std::vector<unsigned> top_indices(std::span<const double> scores, unsigned count);
// All indices sorted by descending score, ties lower index first.
std::vector<unsigned> rank_descending(std::span<const double> scores);

// Shared argument checks of select(): throws std::invalid_argument naming the problem.
void check_select_args(std::string_view policy, const Eigen::Ref<const Matrix>& keys,
                       std::span<const float> q, unsigned budget);

}  // namespace starc
