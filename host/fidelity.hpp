// Fidelity of sparse attention against the exact dense reference (docs/design.md section 7), in
// double precision, per decode step and head:
//   exact:   p_i = softmax_i(q.k_i / sqrt(D)) over the whole context, o_full = sum p_i v_i;
//   sparse:  o_sel = sum_{i in S} p_i v_i / sum_{i in S} p_i (softmax restricted to S);
//   recall   = sum_{i in S} p_i (attention-mass recall);
//   hit rate = |S ∩ oracle top-B| / B', B' = min(B, n) (oracle top-B by exact_scores);
//   rel err  = ||o_sel - o_full|| / ||o_full||;  cosine = cos(o_sel, o_full).
// run_fidelity steps every head of a KV source through its decode steps (kv_source.hpp
// convention) for every policy and budget, and averages over steps and heads.
#pragma once

#include <span>
#include <string>
#include <vector>

#include <Eigen/Core>
#include <nlohmann/json.hpp>

#include "contracts/kv_source.hpp"
#include "contracts/pim_org.hpp"
#include "host/policy.hpp"

namespace starc {

struct FidelityMetrics {
  double recall = 0, hit_rate = 0, rel_err = 0, cosine = 0;
  unsigned selected = 0;
};

// The exact reference of one step: context keys[0, n), values[0, n), query q.
// Exact attention weights softmax(q.k_i / sqrt(D)) of keys[0, n) in double precision (scores by
// exact_scores, maximum subtracted); the one reference of attention every statistic uses.
std::vector<double> exact_attention_weights(const Eigen::Ref<const Matrix>& keys,
                                            std::span<const float> q);

class DenseReference {
 public:
  DenseReference(const Eigen::Ref<const Matrix>& keys, const Eigen::Ref<const Matrix>& values,
                 std::span<const float> q);
  unsigned context() const { return static_cast<unsigned>(p_.size()); }
  const std::vector<double>& probabilities() const { return p_; }
  const Eigen::VectorXd& output() const { return out_; }
  // Exact scores q.k of every token (exact_scores).
  const std::vector<double>& scores() const { return scores_; }
  // Oracle top-min(B, n) tokens, ascending.
  std::vector<unsigned> top(unsigned budget) const { return top_indices(scores_, budget); }
  // Metrics of a selection (ascending, unique tokens < n) under budget B.
  FidelityMetrics measure(const Eigen::Ref<const Matrix>& values, std::span<const unsigned> selected,
                          unsigned budget) const;

 private:
  std::vector<double> scores_, p_;
  Eigen::VectorXd out_;
};

struct FidelityConfig {
  std::vector<unsigned> budgets;
  std::vector<std::string> policies;  // empty: all of policy_names()
  PolicyParams params;
  // Also lay every step out (token-order layout; cluster layout for starc) on `org` and count
  // the reads of each selection (mapping/kv_layout.hpp): selection cost, key-phase BG-rows and
  // columns (the value phase reads the same slots of the value region).
  bool reads = false;
  pim::Org org = pim::hbm3_pim_org();
};

// Mean (and worst) metrics of one policy at one budget over steps and heads.
struct FidelityRow {
  std::string policy;
  unsigned budget = 0;
  double recall = 0, hit_rate = 0, rel_err = 0, cosine = 0, selected = 0;
  double min_recall = 0, max_rel_err = 0;
  std::size_t samples = 0;
  // With FidelityConfig::reads, means per step: selection-cost BG-rows and columns, key-phase
  // BG-rows and columns.
  double cost_rows = 0, cost_columns = 0, key_rows = 0, key_columns = 0;
};

// One policy at one budget on one decode step of one head (starcsim fidelity --csv).
struct FidelityStepRow {
  std::string policy;
  unsigned budget = 0, head = 0, step = 0, context = 0;
  FidelityMetrics m;
};

struct FidelityReport {
  std::string source;
  std::string fmt;
  unsigned heads = 0, context = 0, steps = 0, head_dim = 0;
  std::vector<std::string> head_kinds;
  FidelityConfig config;
  std::vector<FidelityRow> rows;              // policy-major, budgets in the given order
  std::vector<std::vector<FidelityRow>> per_head;  // [head] -> rows as above
  std::vector<FidelityStepRow> step_rows;          // head, step, policy, budget order
  nlohmann::json to_json() const;
};

FidelityReport run_fidelity(const KvSource& kv, const FidelityConfig& cfg);

// One table per policy: budget, mean recall, hit rate, rel err, cosine, selected tokens.
std::string format_tables(const FidelityReport& r);

}  // namespace starc
