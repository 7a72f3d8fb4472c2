#include "host/kv_stats.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <numeric>
#include <span>

#include <Eigen/Eigenvalues>

#include "host/fidelity.hpp"

namespace starc {
namespace {

double top_mass(const std::vector<double>& sorted_desc, std::size_t k) {
  k = std::min(k, sorted_desc.size());
  return std::accumulate(sorted_desc.begin(), sorted_desc.begin() + static_cast<std::ptrdiff_t>(k),
                         0.0);
}

Eigen::VectorXd softmax_scores(const KvHead& head, int step, int ctx) {
  const std::vector<double> w = exact_attention_weights(
      head.keys.topRows(ctx), std::span<const float>(head.queries.row(step).data(),
                                                     static_cast<std::size_t>(head.queries.cols())));
  return Eigen::Map<const Eigen::VectorXd>(w.data(), static_cast<Eigen::Index>(w.size()));
}

}  // namespace

Eigen::VectorXd attention_weights(const KvHead& head, int step) {
  const int L = static_cast<int>(head.keys.rows()), S = static_cast<int>(head.queries.rows());
  return softmax_scores(head, step, L - S + step + 1);
}

KvHeadStats head_stats(const KvHead& head) {
  KvHeadStats st;
  st.L = static_cast<int>(head.keys.rows());
  st.D = static_cast<int>(head.keys.cols());
  st.S = static_cast<int>(head.queries.rows());
  st.kind = head.kind;
  const Eigen::MatrixXd k = head.keys.cast<double>();
  const Eigen::MatrixXd v = head.values.cast<double>();

  for (int s = 0; s < st.S; ++s) {
    const int ctx = st.L - st.S + s + 1;
    const Eigen::VectorXd p = softmax_scores(head, s, ctx);
    double h = 0.0;
    for (int j = 0; j < ctx; ++j) {
      if (p[j] > 0.0) h -= p[j] * std::log(p[j]);
    }
    st.entropy += h;
    st.entropy_frac += ctx > 1 ? h / std::log(static_cast<double>(ctx)) : 0.0;
    std::vector<double> sorted(p.data(), p.data() + ctx);
    std::sort(sorted.begin(), sorted.end(), std::greater<>());
    st.top1pct += top_mass(sorted, static_cast<std::size_t>(std::ceil(0.01 * ctx)));
    st.top5pct += top_mass(sorted, static_cast<std::size_t>(std::ceil(0.05 * ctx)));
    st.top1024 += top_mass(sorted, 1024);
    st.sink_mass += p.head(std::min(4, ctx)).sum();
    st.recent_mass += p.tail(std::min(256, ctx)).sum();
  }
  for (double* f : {&st.entropy, &st.entropy_frac, &st.top1pct, &st.top5pct, &st.top1024,
                    &st.sink_mass, &st.recent_mass}) {
    *f /= st.S;
  }

  // Channels by mean |k|.
  const Eigen::VectorXd mean_abs = k.cwiseAbs().colwise().mean().transpose();
  std::vector<int> order(static_cast<std::size_t>(st.D));
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](int a, int b) { return mean_abs[a] > mean_abs[b]; });
  for (int i = 0; i < std::min(4, st.D); ++i) {
    st.outlier_channels.push_back(order[static_cast<std::size_t>(i)]);
    st.outlier_mean_abs.push_back(mean_abs[order[static_cast<std::size_t>(i)]]);
  }
  std::vector<double> sorted_abs(mean_abs.data(), mean_abs.data() + st.D);
  std::sort(sorted_abs.begin(), sorted_abs.end());
  st.median_channel_mean_abs =
      0.5 * (sorted_abs[static_cast<std::size_t>((st.D - 1) / 2)] + sorted_abs[static_cast<std::size_t>(st.D / 2)]);

  // Key norms.
  const Eigen::VectorXd norms = k.rowwise().norm();
  st.key_norm_mean = norms.mean();
  st.key_norm_std = std::sqrt(std::max(0.0, norms.squaredNorm() / st.L - st.key_norm_mean * st.key_norm_mean));
  st.key_norm_min = norms.minCoeff();
  st.key_norm_max = norms.maxCoeff();

  // Effective rank of the centred keys.
  const Eigen::MatrixXd centred = k.rowwise() - k.colwise().mean();
  const Eigen::MatrixXd cov = centred.transpose() * centred / st.L;
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(cov, Eigen::EigenvaluesOnly);
  const Eigen::VectorXd ev = eig.eigenvalues().reverse();  // descending
  const double total = ev.sum();
  double acc = 0.0;
  for (int i = 0; i < ev.size(); ++i) {
    acc += ev[i];
    if (acc >= 0.9 * total) {
      st.key_rank90 = i + 1;
      break;
    }
  }

  // Lag-1 autocorrelation of the values, mean over channels.
  if (st.L > 2) {
    double sum = 0.0;
    int n = 0;
    for (int c = 0; c < st.D; ++c) {
      const Eigen::VectorXd x = v.col(c).array() - v.col(c).mean();
      const double var = x.squaredNorm();
      if (var > 0.0) {
        sum += x.head(st.L - 1).dot(x.tail(st.L - 1)) / var;
        ++n;
      }
    }
    st.value_lag1_corr = n ? sum / n : 0.0;
  }
  return st;
}

nlohmann::json to_json(const KvHeadStats& s) {
  return {{"L", s.L},
          {"D", s.D},
          {"S", s.S},
          {"kind", s.kind},
          {"entropy_nats", s.entropy},
          {"entropy_frac_of_log_context", s.entropy_frac},
          {"mass_top_1pct", s.top1pct},
          {"mass_top_5pct", s.top5pct},
          {"mass_top_1024", s.top1024},
          {"mass_first_4", s.sink_mass},
          {"mass_last_256", s.recent_mass},
          {"outlier_channels", s.outlier_channels},
          {"outlier_mean_abs", s.outlier_mean_abs},
          {"median_channel_mean_abs", s.median_channel_mean_abs},
          {"key_norm", {{"mean", s.key_norm_mean}, {"std", s.key_norm_std},
                        {"min", s.key_norm_min}, {"max", s.key_norm_max}}},
          {"key_rank90", s.key_rank90},
          {"value_lag1_corr", s.value_lag1_corr}};
}

}  // namespace starc
