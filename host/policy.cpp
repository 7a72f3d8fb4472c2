#include "host/policy.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include <fmt/core.h>

#include "host/policy_starc.hpp"
#include "mapping/token_layout.hpp"

namespace starc {

const std::vector<std::string>& policy_names() {
  static const std::vector<std::string> names = {"dense", "oracle", "tokenwise", "quest", "starc"};
  return names;
}

std::vector<double> exact_scores(const Eigen::Ref<const Matrix>& keys, std::span<const float> q) {
  const Eigen::Index n = keys.rows();
  const Eigen::Index d = keys.cols();
  std::vector<double> s(static_cast<std::size_t>(n));
  for (Eigen::Index i = 0; i < n; ++i) {
    const float* k = keys.row(i).data();
    double acc = 0.0;
    for (Eigen::Index j = 0; j < d; ++j) acc += static_cast<double>(k[j]) * static_cast<double>(q[j]);
    s[static_cast<std::size_t>(i)] = acc;
  }
  return s;
}

namespace {
// Descending score, NaN last, ties lower index first (ranks_higher, contracts/policy_selection.hpp).
struct ByScore {
  std::span<const double> s;
  bool operator()(unsigned a, unsigned b) const { return ranks_higher(s[a], a, s[b], b); }
};
}  // namespace

std::vector<unsigned> rank_descending(std::span<const double> scores) {
  std::vector<unsigned> idx(scores.size());
  std::iota(idx.begin(), idx.end(), 0u);
  std::sort(idx.begin(), idx.end(), ByScore{scores});
  return idx;
}

std::vector<unsigned> top_indices(std::span<const double> scores, unsigned count) {
  std::vector<unsigned> idx(scores.size());
  std::iota(idx.begin(), idx.end(), 0u);
  if (count < idx.size()) {
    std::nth_element(idx.begin(), idx.begin() + count, idx.end(), ByScore{scores});
    idx.resize(count);
  }
  std::sort(idx.begin(), idx.end());
  return idx;
}

void check_select_args(std::string_view policy, const Eigen::Ref<const Matrix>& keys,
                       std::span<const float> q, unsigned budget) {
  if (budget == 0) throw std::invalid_argument(fmt::format("{}: budget must be >= 1 token", policy));
  if (keys.rows() == 0) throw std::invalid_argument(fmt::format("{}: empty context", policy));
  if (static_cast<std::size_t>(keys.cols()) != q.size()) {
    throw std::invalid_argument(fmt::format("{}: query has {} dimensions, keys have {}", policy,
                                            q.size(), keys.cols()));
  }
}

ScoreRequest Policy::prepare(const Eigen::Ref<const Matrix>&, unsigned) { return {}; }

ScoreRequest Policy::next_round(const ScoreResult&) { return {}; }

Selection Policy::decide(const Eigen::Ref<const Matrix>& keys, std::span<const float> q,
                         unsigned budget, const ScoreResult&) {
  return select(keys, q, budget);
}

namespace {

std::vector<unsigned> all_tokens(unsigned n) {
  std::vector<unsigned> t(n);
  std::iota(t.begin(), t.end(), 0u);
  return t;
}

class DensePolicy final : public Policy {
 public:
  std::string_view name() const override { return "dense"; }
  SelectionCost selection_cost() const override { return SelectionCost::none; }
  Selection select(const Eigen::Ref<const Matrix>& keys, std::span<const float> q,
                   unsigned budget) override {
    check_select_args(name(), keys, q, budget);
    Selection s;
    s.context = static_cast<unsigned>(keys.rows());
    s.tokens = all_tokens(s.context);
    return s;
  }
};

class OraclePolicy final : public Policy {
 public:
  std::string_view name() const override { return "oracle"; }
  SelectionCost selection_cost() const override { return SelectionCost::none; }
  Selection select(const Eigen::Ref<const Matrix>& keys, std::span<const float> q,
                   unsigned budget) override {
    check_select_args(name(), keys, q, budget);
    Selection s;
    s.context = static_cast<unsigned>(keys.rows());
    const auto scores = exact_scores(keys, q);
    s.tokens = top_indices(scores, budget);
    return s;
  }
};

class TokenwisePolicy final : public Policy {
 public:
  explicit TokenwisePolicy(unsigned r) : r_(r) {}
  std::string_view name() const override { return "tokenwise"; }
  SelectionCost selection_cost() const override { return SelectionCost::dims; }
  Selection select(const Eigen::Ref<const Matrix>& keys, std::span<const float> q,
                   unsigned budget) override {
    check_select_args(name(), keys, q, budget);
    const auto d = static_cast<unsigned>(keys.cols());
    const unsigned r = r_ ? r_ : std::max(1u, d / 8);
    if (r > d) {
      throw std::invalid_argument(
          fmt::format("tokenwise: r = {} exceeds the head dimension {}", r, d));
    }
    Selection s;
    s.context = static_cast<unsigned>(keys.rows());
    s.cost = SelectionCost::dims;
    std::vector<double> mag(d);
    for (unsigned j = 0; j < d; ++j) mag[j] = std::fabs(static_cast<double>(q[j]));
    s.dims = top_indices(mag, r);
    std::vector<double> approx(s.context);
    for (unsigned i = 0; i < s.context; ++i) {
      const float* k = keys.row(i).data();
      double acc = 0.0;
      for (unsigned j : s.dims) acc += static_cast<double>(k[j]) * static_cast<double>(q[j]);
      approx[i] = acc;
    }
    s.tokens = top_indices(approx, budget);
    return s;
  }

 private:
  unsigned r_;
};

class QuestPolicy final : public Policy {
 public:
  explicit QuestPolicy(unsigned page) : page_(page) {}
  std::string_view name() const override { return "quest"; }
  SelectionCost selection_cost() const override { return SelectionCost::page_meta; }
  Selection select(const Eigen::Ref<const Matrix>& keys, std::span<const float> q,
                   unsigned budget) override {
    check_select_args(name(), keys, q, budget);
    Selection s;
    s.context = static_cast<unsigned>(keys.rows());
    s.cost = SelectionCost::page_meta;
    const Matrix meta = page_min_max(keys, s.context, page_);
    const auto pages = static_cast<unsigned>(meta.rows() / 2);
    std::vector<double> score(pages);
    for (unsigned p = 0; p < pages; ++p) {
      const float* lo = meta.row(2 * p).data();
      const float* hi = meta.row(2 * p + 1).data();
      double acc = 0.0;
      for (Eigen::Index j = 0; j < keys.cols(); ++j) {
        const double qj = q[static_cast<std::size_t>(j)];
        acc += std::max(qj * lo[j], qj * hi[j]);
      }
      score[p] = acc;
    }
    unsigned left = std::min(budget, s.context);
    for (unsigned p : rank_descending(score)) {
      if (left == 0) break;
      s.pages.push_back(p);
      const unsigned first = p * page_;
      const unsigned take = std::min({left, page_, s.context - first});
      for (unsigned t = first; t < first + take; ++t) s.tokens.push_back(t);
      left -= take;
    }
    std::sort(s.tokens.begin(), s.tokens.end());
    return s;
  }

 private:
  unsigned page_;
};

}  // namespace

std::unique_ptr<Policy> make_policy(std::string_view name, const PolicyParams& p) {
  if (name == "dense") return std::make_unique<DensePolicy>();
  if (name == "oracle") return std::make_unique<OraclePolicy>();
  if (name == "tokenwise") return std::make_unique<TokenwisePolicy>(p.sparq_r);
  if (name == "quest") {
    if (p.page == 0) throw std::invalid_argument("quest: page size must be >= 1");
    return std::make_unique<QuestPolicy>(p.page);
  }
  if (name == "starc") return std::make_unique<StarcPolicy>(p);
  std::string known;
  for (const auto& n : policy_names()) known += (known.empty() ? "" : ", ") + n;
  throw std::invalid_argument(fmt::format("unknown policy '{}' (known: {})", name, known));
}

}  // namespace starc
