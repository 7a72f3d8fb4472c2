// Statistics of a KV source that matter for sparse attention, so the synthetic workload can be
// compared with a real trace (`starcsim kv-stats`).
//
// Attention is the exact softmax in double over q.k / sqrt(D) for each decode step s over
// the first L - S + s + 1 tokens (kv_source.hpp convention); figures are means over steps.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "contracts/kv_source.hpp"

namespace starc {

struct KvHeadStats {
  int L = 0, D = 0, S = 0;
  std::string kind;
  double entropy = 0.0;        // nats, mean over steps
  double entropy_frac = 0.0;   // entropy / log(context of the step), mean over steps
  double top1pct = 0.0;        // attention mass of the ceil(1% of context) largest weights
  double top5pct = 0.0;        // idem, 5%
  double top1024 = 0.0;        // idem, min(1024, context) tokens
  double sink_mass = 0.0;      // mass on the first 4 tokens
  double recent_mass = 0.0;    // mass on the last 256 tokens of the step's context
  std::vector<int> outlier_channels;   // top 4 channels by mean |k|, descending
  std::vector<double> outlier_mean_abs;
  double median_channel_mean_abs = 0.0;
  double key_norm_mean = 0.0, key_norm_std = 0.0, key_norm_min = 0.0, key_norm_max = 0.0;
  double key_rank90 = 0.0;     // principal components holding 90% of the centred key variance
  double value_lag1_corr = 0.0;  // mean over channels of corr(v[j], v[j+1])
};

KvHeadStats head_stats(const KvHead& head);

// Attention weights (double) of decode step `step` of `head`: a vector of length
// L - S + step + 1. Exposed for tests.
Eigen::VectorXd attention_weights(const KvHead& head, int step);

nlohmann::json to_json(const KvHeadStats& s);

}  // namespace starc
