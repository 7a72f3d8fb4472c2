#include "host/synthetic_kv.hpp"

#include "contracts/input_error.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <random>
#include <stdexcept>

#include <fmt/core.h>
#include <fmt/ranges.h>

namespace starc {
namespace {

// Reproducible random numbers: the mt19937_64 integer stream is specified by the standard;
// the conversions below are ours (std::normal_distribution is implementation-defined).
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : engine_(seed) {}
  double uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }  // [0, 1)
  int uniform_int(int lo, int hi) {  // [lo, hi]
    const auto span = static_cast<std::uint64_t>(hi - lo) + 1;
    return lo + static_cast<int>(engine_() % span);  // bias < span / 2^64, negligible
  }
  double normal() {  // Box-Muller
    if (have_spare_) {
      have_spare_ = false;
      return spare_;
    }
    const double u1 = 1.0 - uniform();  // (0, 1]
    const double u2 = uniform();
    const double r = std::sqrt(-2.0 * std::log(u1));
    const double a = 2.0 * std::numbers::pi * u2;
    spare_ = r * std::sin(a);
    have_spare_ = true;
    return r * std::cos(a);
  }

 private:
  std::mt19937_64 engine_;
  double spare_ = 0.0;
  bool have_spare_ = false;
};

std::uint64_t mix(std::uint64_t x) {  // splitmix64 finaliser: independent per-head seeds
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

using Vec = Eigen::VectorXd;

// Unit vector with Gaussian entries on `dims`, zero elsewhere.
Vec random_unit(Rng& rng, int d, const std::vector<int>& dims) {
  Vec v = Vec::Zero(d);
  double n2 = 0.0;
  while (n2 == 0.0) {
    for (int i : dims) v[i] = rng.normal();
    n2 = v.squaredNorm();
  }
  return v / std::sqrt(n2);
}

// Rotary embedding at position `pos`, Hugging Face rotate_half pairing (i, i + D/2).
Vec rope(const Vec& x, double pos, const std::vector<double>& theta) {
  const int half = static_cast<int>(x.size()) / 2;
  Vec y(x.size());
  for (int i = 0; i < half; ++i) {
    const double a = pos * theta[static_cast<std::size_t>(i)];
    const double c = std::cos(a), s = std::sin(a);
    y[i] = x[i] * c - x[i + half] * s;
    y[i + half] = x[i + half] * c + x[i] * s;
  }
  return y;
}

float round_to(double x, pim::Fmt fmt) {
  return pim::decode_input(pim::encode_input(static_cast<float>(x), fmt), fmt);
}

void store_row(Matrix& m, int row, const Vec& x, pim::Fmt fmt) {
  for (int i = 0; i < x.size(); ++i) m(row, i) = round_to(x[i], fmt);
}

// The text: one topic index per token, shared by every head (heads of a layer see the same
// tokens; only their projections differ).
std::vector<int> token_topics(const SyntheticParams& p) {
  Rng rng(mix(p.seed ^ 0x5E6D0000ull));
  std::vector<int> topic(static_cast<std::size_t>(p.context));
  int pos = 0;
  while (pos < p.context) {
    const int len = rng.uniform_int(p.segment_min, p.segment_max);
    const int t = rng.uniform_int(0, p.topics - 1);
    for (int i = 0; i < len && pos < p.context; ++i) topic[static_cast<std::size_t>(pos++)] = t;
  }
  return topic;
}

KvHead make_head(const SyntheticParams& p, pim::Fmt fmt, const std::vector<int>& topic,
                 const std::string& kind, std::uint64_t head_seed) {
  Rng rng(head_seed);
  const int d = p.head_dim, half = d / 2, L = p.context, S = p.steps;
  const double sqrt_d = std::sqrt(static_cast<double>(d));

  // Pair allocation, slowest pairs first (see the header).
  std::vector<double> theta(static_cast<std::size_t>(half));
  for (int i = 0; i < half; ++i) theta[static_cast<std::size_t>(i)] = std::pow(p.rope_base, -2.0 * i / d);
  int next_pair = half - 1;
  auto take_pairs = [&](int n) {
    std::vector<int> dims;
    for (int k = 0; k < n; ++k, --next_pair) {
      dims.push_back(next_pair);
      dims.push_back(next_pair + half);
    }
    return dims;
  };
  const std::vector<int> outlier_dims = take_pairs((p.outliers + 1) / 2);
  const std::vector<int> sink_dims = take_pairs(2);
  const std::vector<int> band = take_pairs(p.rank / 2);
  const int n_pos_pairs = next_pair + 1;

  Vec offset = Vec::Zero(d);
  for (int k = 0; k < p.outliers; ++k) {
    offset[outlier_dims[static_cast<std::size_t>(k)]] =
        (rng.uniform() < 0.5 ? -1.0 : 1.0) * p.outlier_offset;
  }
  const Vec sink_dir = random_unit(rng, d, sink_dims);
  const double sink_amp = std::sqrt(p.sink_logit * sqrt_d);  // key and query share it
  std::vector<Vec> topic_dir, value_dir;
  for (int t = 0; t < p.topics; ++t) topic_dir.push_back(random_unit(rng, d, band));
  for (int t = 0; t < p.topics; ++t) {
    Vec w(d);
    for (int i = 0; i < d; ++i) w[i] = rng.normal();
    value_dir.push_back(w);
  }
  Vec pos_vec = Vec::Zero(d);  // constant pre-RoPE vector on the fast pairs
  for (int i = 0; i < n_pos_pairs; ++i) {
    const double a = 2.0 * std::numbers::pi * rng.uniform();
    pos_vec[i] = p.pos_scale * std::cos(a);
    pos_vec[i + half] = p.pos_scale * std::sin(a);
  }

  KvHead head;
  head.kind = kind;
  head.keys.resize(L, d);
  head.values.resize(L, d);
  head.queries.resize(S, d);

  // Keys and values.
  Vec ar = Vec::Zero(d);
  for (int i = 0; i < d; ++i) ar[i] = rng.normal();
  const double innov = std::sqrt(1.0 - p.value_ar * p.value_ar);
  Vec key_sum = Vec::Zero(d), key_sq = Vec::Zero(d);
  for (int j = 0; j < L; ++j) {
    const int t = topic[static_cast<std::size_t>(j)];
    Vec k = p.topic_scale * topic_dir[static_cast<std::size_t>(t)] + pos_vec + offset;
    const double lr = p.lowrank_noise / std::sqrt(static_cast<double>(p.rank));
    for (int i : band) k[i] += lr * rng.normal();
    for (int i = 0; i < d; ++i) k[i] += p.iso_noise * rng.normal();
    if (j < p.sinks) k += sink_amp * sink_dir;
    const Vec kr = rope(k, j, theta);
    store_row(head.keys, j, kr, fmt);
    key_sum += kr;
    key_sq += kr.cwiseProduct(kr);
    if (j > 0) {
      for (int i = 0; i < d; ++i) ar[i] = p.value_ar * ar[i] + innov * rng.normal();
    }
    store_row(head.values, j, p.value_topic_scale * value_dir[static_cast<std::size_t>(t)] + ar, fmt);
  }
  // Query noise: iso std sigma gives logits with std sigma * sqrt(trace Cov(k)) / sqrt(D).
  const Vec mean = key_sum / L;
  const double trace_cov = std::max(1e-12, (key_sq / L - mean.cwiseProduct(mean)).sum());
  const double sigma_q = p.query_noise_logit * sqrt_d / std::sqrt(trace_cov);

  // Topics present in the prefill, for retrieval queries.
  std::vector<int> prefill_topics;
  for (int j = 0; j < L - S; ++j) {
    const int t = topic[static_cast<std::size_t>(j)];
    if (std::find(prefill_topics.begin(), prefill_topics.end(), t) == prefill_topics.end()) {
      prefill_topics.push_back(t);
    }
  }
  std::sort(prefill_topics.begin(), prefill_topics.end());

  for (int s = 0; s < S; ++s) {
    const int pos = L - S + s;
    Vec q = Vec::Zero(d);
    if (kind == "retrieval") {
      const double beta = p.retrieval_logit * sqrt_d / p.topic_scale;
      const int n = rng.uniform() < 0.5 ? 1 : 2;
      int a = prefill_topics[static_cast<std::size_t>(
          rng.uniform_int(0, static_cast<int>(prefill_topics.size()) - 1))];
      q += beta * topic_dir[static_cast<std::size_t>(a)];
      if (n == 2 && prefill_topics.size() > 1) {
        int b = a;
        while (b == a) {
          b = prefill_topics[static_cast<std::size_t>(
              rng.uniform_int(0, static_cast<int>(prefill_topics.size()) - 1))];
        }
        q += beta * topic_dir[static_cast<std::size_t>(b)];
      }
    } else if (kind == "local") {
      const double lambda = p.local_logit * sqrt_d / (p.pos_scale * p.pos_scale * n_pos_pairs);
      q += lambda * pos_vec;
      const double gamma = p.local_topic_logit * sqrt_d / p.topic_scale;
      q += gamma * topic_dir[static_cast<std::size_t>(topic[static_cast<std::size_t>(pos)])];
    }  // aggregation: sinks and noise only
    for (int i = 0; i < d; ++i) q[i] += sigma_q * rng.normal();
    // The sink component is added after RoPE, aligned with the sink keys (positions 0..3,
    // practically unrotated), so sinks work for any rope_base and context length.
    store_row(head.queries, s, rope(q, pos, theta) + sink_amp * sink_dir, fmt);
  }
  return head;
}

}  // namespace

const std::vector<std::string>& synthetic_head_kinds() {
  static const std::vector<std::string> kinds = {"retrieval", "local", "aggregation"};
  return kinds;
}

void validate(const SyntheticParams& p) {
  auto bad = [](const std::string& input, const std::string& problem) { throw InputError(input, problem); };
  // Upper bounds keep a typo from allocating gigabytes (and from overflowing int sizes): the
  // largest channel holds 2^20 tokens of one head; real heads have D <= 256.
  // (the head count is capped where the head list is built, cli/kv_options.cpp.)
  constexpr int kMaxContext = 1 << 20, kMaxHeadDim = 1024, kMaxTopics = 1 << 16;
  if (p.context > kMaxContext) bad("context", fmt::format("{} exceeds {}", p.context, kMaxContext));
  if (p.head_dim > kMaxHeadDim) bad("head_dim", fmt::format("{} exceeds {}", p.head_dim, kMaxHeadDim));
  if (p.topics > kMaxTopics) bad("topics", fmt::format("{} exceeds {}", p.topics, kMaxTopics));
  if (p.head_dim < 64 || p.head_dim % 64 != 0) {
    bad("head_dim", fmt::format("{} is not a positive multiple of 64 (4 banks x 16 lanes)",
                                  p.head_dim));
  }
  if (p.steps < 1) bad("steps", fmt::format("{} must be at least 1", p.steps));
  if (p.context < 2) bad("context", fmt::format("{} must be at least 2", p.context));
  if (p.steps > p.context) {
    bad("steps", fmt::format("S = {} exceeds the context L = {}", p.steps, p.context));
  }
  if (p.context - p.steps < 1) {
    bad("steps", fmt::format("L - S = {} - {} leaves no prefill token (need L - S >= 1)",
                               p.context, p.steps));
  }
  if (p.kinds.empty()) bad("head_kinds", "no head kind given");
  for (const auto& k : p.kinds) {
    const auto& known = synthetic_head_kinds();
    if (std::find(known.begin(), known.end(), k) == known.end()) {
      bad("head_kinds", fmt::format("unknown head kind '{}' (known: {})", k,
                                      fmt::join(known, ", ")));
    }
  }
  if (p.topics < 1) bad("topics", "must be at least 1");
  if (p.rank < 2 || p.rank % 2 != 0) bad("rank", fmt::format("{} must be even and >= 2", p.rank));
  if (p.outliers < 0) bad("outliers", "must be >= 0");
  const int pairs_used = (p.outliers + 1) / 2 + 2 + p.rank / 2;
  if (pairs_used >= p.head_dim / 2) {
    bad("rank", fmt::format("outlier, sink and semantic pairs ({}) leave no positional "
                                  "rotary pair of the {} (D/2)",
                                  pairs_used, p.head_dim / 2));
  }
  if (p.segment_min < 1 || p.segment_max < p.segment_min) {
    bad("segment_min", fmt::format("segment lengths [{}, {}] must satisfy 1 <= min <= max",
                                         p.segment_min, p.segment_max));
  }
  if (p.sinks < 0) bad("sinks", fmt::format("{} is negative", p.sinks));
  if (p.sinks > p.context - p.steps) {
    // The context is what is short (the sinks have a default the user may not have given).
    bad("context", fmt::format("{} tokens with {} steps leave {} prefill tokens, fewer than the {} "
                                 "attention sinks of the synthetic workload (sinks)",
                                 p.context, p.steps, p.context - p.steps, p.sinks));
  }
  if (!(p.value_ar >= 0.0 && p.value_ar < 1.0)) bad("value_ar", "must be in [0, 1)");
  if (!(p.rope_base > 1.0) || !std::isfinite(p.rope_base)) bad("rope_base", "must be > 1");
  const std::pair<const char*, double> nonneg[] = {
      {"topic_scale", p.topic_scale}, {"lowrank_noise", p.lowrank_noise},
      {"iso_noise", p.iso_noise},     {"outlier_offset", p.outlier_offset},
      {"sink_logit", p.sink_logit},   {"value_topic_scale", p.value_topic_scale},
      {"retrieval_logit", p.retrieval_logit}, {"local_logit", p.local_logit},
      {"local_topic_logit", p.local_topic_logit},
      {"query_noise_logit", p.query_noise_logit}};
  for (const auto& [flag, v] : nonneg) {
    if (!(v >= 0.0) || !std::isfinite(v)) bad(flag, fmt::format("{} must be finite and >= 0", v));
  }
  if (!(p.topic_scale > 0.0)) bad("topic_scale", "must be > 0");
  if (!(p.pos_scale > 0.0) || !std::isfinite(p.pos_scale)) bad("pos_scale", "must be > 0");
}

std::string describe(const SyntheticParams& p, pim::Fmt fmt) {
  return fmt::format(
      "synthetic seed={} L={} S={} D={} kinds={} fmt={} topics={} rank={} segments={}..{} "
      "topic_scale={} lowrank_noise={} iso_noise={} pos_scale={} outliers={}x{} sinks={} "
      "sink_logit={} rope_base={} value_ar={} value_topic_scale={} retrieval_logit={} "
      "local_logit={} local_topic_logit={} query_noise_logit={}",
      p.seed, p.context, p.steps, p.head_dim, fmt::join(p.kinds, ","), pim::fmt_name(fmt),
      p.topics, p.rank, p.segment_min, p.segment_max, p.topic_scale, p.lowrank_noise,
      p.iso_noise, p.pos_scale, p.outliers, p.outlier_offset, p.sinks, p.sink_logit,
      p.rope_base, p.value_ar, p.value_topic_scale, p.retrieval_logit, p.local_logit,
      p.local_topic_logit, p.query_noise_logit);
}

KvSource generate_synthetic(const SyntheticParams& p, pim::Fmt fmt, std::optional<std::size_t> only_head) {
  validate(p);
  if (only_head && *only_head >= p.kinds.size())
    throw InputError("head", fmt::format("{} but the synthetic workload has {} heads", *only_head,
                                            p.kinds.size()));
  KvSource src;
  src.fmt = fmt;
  src.description = describe(p, fmt);
  const std::vector<int> topic = token_topics(p);
  for (std::size_t h = 0; h < p.kinds.size(); ++h) {
    if (only_head && h != *only_head) continue;
    src.heads.push_back(make_head(p, fmt, topic, p.kinds[h], mix(p.seed * 0x100000001B3ull + h + 1)));
  }
  return src;
}

}  // namespace starc
