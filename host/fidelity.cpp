#include "host/fidelity.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>

#include <fmt/core.h>

#include "contracts/input_error.hpp"
#include "mapping/cluster_layout.hpp"
#include "mapping/token_layout.hpp"

namespace starc {

namespace {

std::vector<double> weights_of(const std::vector<double>& scores, Eigen::Index dim) {
  const double scale = 1.0 / std::sqrt(static_cast<double>(dim));
  const double m = *std::max_element(scores.begin(), scores.end()) * scale;
  std::vector<double> p(scores.size());
  double z = 0.0;
  for (std::size_t i = 0; i < p.size(); ++i) {
    p[i] = std::exp(scores[i] * scale - m);
    z += p[i];
  }
  for (double& x : p) x /= z;
  return p;
}

}  // namespace

std::vector<double> exact_attention_weights(const Eigen::Ref<const Matrix>& keys,
                                            std::span<const float> q) {
  if (keys.rows() == 0) throw std::invalid_argument("attention weights: no keys");
  return weights_of(exact_scores(keys, q), keys.cols());
}

DenseReference::DenseReference(const Eigen::Ref<const Matrix>& keys,
                               const Eigen::Ref<const Matrix>& values, std::span<const float> q) {
  if (keys.rows() == 0 || keys.rows() != values.rows() ||
      static_cast<std::size_t>(keys.cols()) != q.size()) {
    throw std::invalid_argument(fmt::format(
        "fidelity: keys [{}, {}], values [{}, {}] and a query of {} do not fit", keys.rows(),
        keys.cols(), values.rows(), values.cols(), q.size()));
  }
  scores_ = exact_scores(keys, q);
  p_ = weights_of(scores_, keys.cols());
  out_ = Eigen::VectorXd::Zero(values.cols());
  for (std::size_t i = 0; i < p_.size(); ++i)
    out_ += p_[i] * values.row(static_cast<Eigen::Index>(i)).transpose().cast<double>();
}

FidelityMetrics DenseReference::measure(const Eigen::Ref<const Matrix>& values,
                                        std::span<const unsigned> selected,
                                        unsigned budget) const {
  const unsigned n = context();
  if (budget == 0) throw std::invalid_argument("fidelity: budget must be >= 1");
  if (selected.empty()) throw std::invalid_argument("fidelity: empty selection");
  for (std::size_t i = 0; i < selected.size(); ++i) {
    if (selected[i] >= n || (i > 0 && selected[i] <= selected[i - 1])) {
      throw std::invalid_argument("fidelity: selection is not ascending unique tokens of the context");
    }
  }
  FidelityMetrics m;
  m.selected = static_cast<unsigned>(selected.size());
  // Restricted softmax, with its own maximum so that it is exact even when the selected
  // tokens' global probabilities underflow.
  const double scale = 1.0 / std::sqrt(static_cast<double>(values.cols()));
  double smax = -std::numeric_limits<double>::infinity();
  // recall = in / (in + out), both sums of non-negative terms: in + out rounds to at least `in`,
  // so the quotient cannot exceed 1 (p_ itself sums to 1 only up to rounding), and it is
  // exactly 1 when every token is selected.
  double in = 0.0, out = 0.0;
  for (std::size_t t = 0, k = 0; t < p_.size(); ++t) {
    if (k < selected.size() && selected[k] == t) {
      in += p_[t];
      smax = std::max(smax, scores_[t] * scale);
      ++k;
    } else {
      out += p_[t];
    }
  }
  m.recall = in + out > 0 ? in / (in + out) : 0.0;
  Eigen::VectorXd o = Eigen::VectorXd::Zero(values.cols());
  double z = 0.0;
  for (unsigned t : selected) {
    const double w = std::exp(scores_[t] * scale - smax);
    z += w;
    o += w * values.row(t).transpose().cast<double>();
  }
  o /= z;
  const auto top = this->top(budget);
  std::vector<unsigned> common;
  std::set_intersection(selected.begin(), selected.end(), top.begin(), top.end(),
                        std::back_inserter(common));
  m.hit_rate = static_cast<double>(common.size()) / static_cast<double>(top.size());
  const double full = out_.norm();
  const double diff = (o - out_).norm();
  m.rel_err = full > 0 ? diff / full : (diff == 0 ? 0.0 : std::numeric_limits<double>::infinity());
  const double denom = full * o.norm();
  m.cosine = denom > 0 ? o.dot(out_) / denom : (full == 0 && o.norm() == 0 ? 1.0 : 0.0);
  return m;
}

namespace {

struct Accumulator {
  double recall = 0, hit = 0, err = 0, cosine = 0, selected = 0;
  double min_recall = std::numeric_limits<double>::infinity(), max_err = 0;
  std::size_t n = 0;
  double cost_rows = 0, cost_cols = 0, key_rows = 0, key_cols = 0;
  void add_reads(const PhaseReads& r) {
    const ReadCounts c = count(r.selection), k = count(r.keys);
    cost_rows += static_cast<double>(c.bg_rows);
    cost_cols += static_cast<double>(c.columns);
    key_rows += static_cast<double>(k.bg_rows);
    key_cols += static_cast<double>(k.columns);
  }
  void add(const FidelityMetrics& m) {
    recall += m.recall;
    hit += m.hit_rate;
    err += m.rel_err;
    cosine += m.cosine;
    selected += m.selected;
    min_recall = std::min(min_recall, m.recall);
    max_err = std::max(max_err, m.rel_err);
    ++n;
  }
  FidelityRow row(const std::string& policy, unsigned budget) const {
    const double d = n ? static_cast<double>(n) : 1.0;
    return FidelityRow{policy,       budget,    recall / d,   hit / d,
                       err / d,      cosine / d, selected / d, n ? min_recall : 0.0,
                       max_err,      n,          cost_rows / d, cost_cols / d,
                       key_rows / d, key_cols / d};
  }
};

void check_source(const KvSource& kv) {
  if (kv.heads.empty()) throw std::invalid_argument("fidelity: the KV source has no heads");
  for (std::size_t h = 0; h < kv.heads.size(); ++h) {
    const KvHead& hd = kv.heads[h];
    const auto l = hd.keys.rows(), s = hd.queries.rows(), d = hd.keys.cols();
    if (l == 0 || d == 0 || hd.values.rows() != l || hd.values.cols() != d ||
        hd.queries.cols() != d || s == 0 || s > l) {
      throw std::invalid_argument(fmt::format(
          "fidelity: head {} has keys [{}, {}], values [{}, {}], queries [{}, {}] (need S <= L)",
          h, l, d, hd.values.rows(), hd.values.cols(), s, hd.queries.cols()));
    }
  }
}

// The oracle's row at `budget`, if the oracle ran.
const FidelityRow* oracle_row(const std::vector<FidelityRow>& rows, unsigned budget) {
  for (const auto& r : rows)
    if (r.policy == "oracle" && r.budget == budget) return &r;
  return nullptr;
}

nlohmann::json row_json(const FidelityRow& r, bool reads) {
  nlohmann::json j = {{"budget", r.budget},   {"recall", r.recall},
                      {"hit_rate", r.hit_rate}, {"rel_err", r.rel_err},
                      {"cosine", r.cosine},   {"selected_tokens", r.selected},
                      {"min_recall", r.min_recall}, {"max_rel_err", r.max_rel_err},
                      {"samples", r.samples}};
  if (reads) {
    j["reads_per_step"] = {{"selection_bg_rows", r.cost_rows},
                           {"selection_columns", r.cost_columns},
                           {"key_bg_rows", r.key_rows},
                           {"key_columns", r.key_columns}};
  }
  return j;
}

}  // namespace

FidelityReport run_fidelity(const KvSource& kv, const FidelityConfig& cfg) {
  check_source(kv);
  if (cfg.budgets.empty()) throw InputError("budgets", "no budget given");
  for (unsigned b : cfg.budgets) {
    if (b == 0) throw InputError("budgets", "a budget of 0 tokens");
  }
  FidelityReport rep;
  rep.config = cfg;
  if (rep.config.policies.empty()) rep.config.policies = policy_names();
  rep.config.params.fmt = kv.fmt;
  rep.source = kv.description;
  rep.fmt = std::string(pim::fmt_name(kv.fmt));
  rep.heads = static_cast<unsigned>(kv.heads.size());
  rep.context = static_cast<unsigned>(kv.heads[0].keys.rows());
  rep.steps = static_cast<unsigned>(kv.heads[0].queries.rows());
  rep.head_dim = static_cast<unsigned>(kv.heads[0].keys.cols());

  const auto& names = rep.config.policies;
  const std::size_t nb = cfg.budgets.size();
  std::vector<std::unique_ptr<Policy>> policies;
  for (const auto& n : names) policies.push_back(make_policy(n, rep.config.params));
  // The cluster-selecting policy whose clusters the cluster layout places (starc).
  Policy* clustering = nullptr;
  for (auto& p : policies) {
    if (p->clustering() != nullptr) clustering = p.get();
  }
  std::vector<Accumulator> total(names.size() * nb);
  for (std::size_t h = 0; h < kv.heads.size(); ++h) {
    const KvHead& head = kv.heads[h];
    rep.head_kinds.push_back(head.kind);
    std::vector<Accumulator> acc(names.size() * nb);
    for (auto& p : policies) p->reset();
    const auto l = static_cast<unsigned>(head.keys.rows());
    const auto s_count = static_cast<unsigned>(head.queries.rows());
    const auto d = static_cast<std::size_t>(head.keys.cols());
    for (unsigned s = 0; s < s_count; ++s) {
      const unsigned n = l - s_count + s + 1;
      const auto keys = head.keys.topRows(n);
      const auto values = head.values.topRows(n);
      const std::span<const float> q(head.queries.row(s).data(), d);
      const DenseReference ref(keys, values, q);
      std::unique_ptr<TokenLayout> token_layout;
      std::unique_ptr<ClusterLayout> cluster_layout;
      if (cfg.reads) {
        token_layout = std::make_unique<TokenLayout>(
            head, n, cfg.org, kv.fmt, TokenLayoutParams{.page = cfg.params.page, .capacity = l});
        if (clustering != nullptr) {
          clustering->prepare(keys, 1);  // clusters the complete blocks of this step
          cluster_layout =
              std::make_unique<ClusterLayout>(head, *clustering->clustering(), n, cfg.org, kv.fmt, l);
        }
      }
      for (std::size_t i = 0; i < policies.size(); ++i) {
        for (std::size_t b = 0; b < nb; ++b) {
          const Selection sel = policies[i]->select(keys, q, cfg.budgets[b]);
          const FidelityMetrics m = ref.measure(values, sel.tokens, cfg.budgets[b]);
          acc[i * nb + b].add(m);
          total[i * nb + b].add(m);
          rep.step_rows.push_back({names[i], cfg.budgets[b], static_cast<unsigned>(h), s, n, m});
          if (cfg.reads) {
            const KvLayout& layout = policies[i]->clustering() != nullptr
                                         ? static_cast<const KvLayout&>(*cluster_layout)
                                         : *token_layout;
            const PhaseReads r = layout.plan(sel);
            acc[i * nb + b].add_reads(r);
            total[i * nb + b].add_reads(r);
          }
        }
      }
    }
    std::vector<FidelityRow> rows;
    for (std::size_t i = 0; i < names.size(); ++i) {
      for (std::size_t b = 0; b < nb; ++b) rows.push_back(acc[i * nb + b].row(names[i], cfg.budgets[b]));
    }
    rep.per_head.push_back(std::move(rows));
  }
  for (std::size_t i = 0; i < names.size(); ++i) {
    for (std::size_t b = 0; b < nb; ++b) rep.rows.push_back(total[i * nb + b].row(names[i], cfg.budgets[b]));
  }
  return rep;
}

nlohmann::json FidelityReport::to_json() const {
  nlohmann::json j;
  j["source"] = source;
  j["fmt"] = fmt;
  j["heads"] = heads;
  j["context"] = context;
  j["steps"] = steps;
  j["head_dim"] = head_dim;
  j["head_kinds"] = head_kinds;
  j["budgets"] = config.budgets;
  const auto& kp = config.params.kmeans;
  j["params"] = {{"starc", {{"block", kp.block}, {"clusters", kp.k},
                            {"max_iterations", kp.max_iterations}, {"tolerance", kp.tolerance},
                            {"window", kp.windowed() ? kp.window : kp.block},
                            {"seeding", seeding_name(kp.seeding)}, {"centre", kp.centre},
                            {"max_cluster", kp.max_size}, {"member_order", member_order_name(kp.order)}}},
                 {"quest", {{"page", config.params.page}}},
                 {"tokenwise", {{"r", config.params.sparq_r ? config.params.sparq_r : head_dim / 8}}}};
  nlohmann::json pol = nlohmann::json::object();
  for (const auto& r : rows) {
    nlohmann::json e = row_json(r, config.reads);
    if (const FidelityRow* o = oracle_row(rows, r.budget)) {
      e["recall_vs_oracle"] = o->recall > 0 ? r.recall / o->recall : 0.0;
      e["min_recall_vs_oracle"] = o->min_recall > 0 ? r.min_recall / o->min_recall : 0.0;
    }
    pol[r.policy].push_back(e);
  }
  j["policies"] = pol;
  if (config.reads) {
    j["org"] = {{"pseudo_channels", config.org.pseudo_channels}, {"ranks", config.org.ranks},
                {"bank_groups", config.org.bank_groups},         {"banks", config.org.banks},
                {"lanes", config.org.lanes},                     {"columns", config.org.columns}};
  }
  nlohmann::json ph = nlohmann::json::array();
  for (std::size_t h = 0; h < per_head.size(); ++h) {
    nlohmann::json e = {{"head", h}, {"kind", head_kinds[h]}};
    nlohmann::json p = nlohmann::json::object();
    for (const auto& r : per_head[h]) p[r.policy].push_back(row_json(r, config.reads));
    e["policies"] = p;
    ph.push_back(e);
  }
  j["per_head"] = ph;
  return j;
}

std::string format_tables(const FidelityReport& r) {
  std::string out = fmt::format("fidelity: {} head(s), context {}, {} decode steps, D = {}, {}\n",
                                r.heads, r.context, r.steps, r.head_dim, r.fmt);
  out += fmt::format("source: {}\n", r.source);
  const auto& kp = r.config.params.kmeans;
  out += fmt::format("starc clustering: {} (window {}, {} clusters per window, seeding {}, centre {}, max cluster {}, "
                     "members by {})\n",
                     kp.windowed() ? "window" : "paper", kp.windowed() ? kp.window : kp.block, kp.window_clusters(),
                     seeding_name(kp.seeding), kp.centre ? "on" : "off", kp.max_size,
                     member_order_name(kp.order));
  if (oracle_row(r.rows, r.config.budgets.empty() ? 0 : r.config.budgets[0]))
    out += "rec/orc, min/orc: mean recall / the oracle's mean, worst step's recall / the oracle's worst\n";
  std::string current;
  for (const auto& row : r.rows) {
    if (row.policy != current) {
      current = row.policy;
      out += fmt::format("\npolicy {}\n{:>8} {:>8} {:>9} {:>10} {:>9} {:>10} {:>9}", current,
                         "budget", "recall", "hit_rate", "rel_err", "cosine", "selected",
                         "min_rec");
      if (oracle_row(r.rows, row.budget)) out += fmt::format(" {:>9} {:>9}", "rec/orc", "min/orc");
      if (r.config.reads) {
        out += fmt::format(" {:>9} {:>9} {:>9} {:>9}", "sel_rows", "sel_cols", "key_rows",
                           "key_cols");
      }
      out += "\n";
    }
    out += fmt::format("{:>8} {:>8.4f} {:>9.4f} {:>10.3e} {:>9.6f} {:>10.1f} {:>9.4f}",
                       row.budget, row.recall, row.hit_rate, row.rel_err, row.cosine,
                       row.selected, row.min_recall);
    if (const FidelityRow* o = oracle_row(r.rows, row.budget)) {
      out += fmt::format(" {:>9.4f} {:>9.4f}", o->recall > 0 ? row.recall / o->recall : 0.0,
                         o->min_recall > 0 ? row.min_recall / o->min_recall : 0.0);
    }
    if (r.config.reads) {
      out += fmt::format(" {:>9.1f} {:>9.1f} {:>9.1f} {:>9.1f}", row.cost_rows, row.cost_columns,
                         row.key_rows, row.key_columns);
    }
    out += "\n";
  }
  return out;
}

}  // namespace starc
