#include "cli/kv_options.hpp"

#include <sstream>
#include <stdexcept>

#include <fmt/core.h>

#include "host/kv_trace.hpp"

namespace starc {
namespace {

std::vector<std::string> split_kinds(const std::string& text) {
  std::vector<std::string> out;
  if (text.empty() || text.back() == ',') {
    throw std::invalid_argument(fmt::format("--head-kinds: empty kind in '{}'", text));
  }
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (item.empty()) {
      throw std::invalid_argument(fmt::format("--head-kinds: empty kind in '{}'", text));
    }
    out.push_back(item);
  }
  if (out.empty()) throw std::invalid_argument("--head-kinds: no head kind given");
  return out;
}

}  // namespace

void add_kv_options(CLI::App& cmd, KvOptions& o) {
  cmd.add_option("--kv", o.kv_dir,
                 "KV trace directory with k.npy, v.npy ([L,D] or [H,L,D]) and q.npy ([S,D] or "
                 "[H,S,D]); default: the built-in synthetic workload");
  cmd.add_option("--kv-dtype", o.kv_dtype,
                 "simulation input format: auto|fp16 (float32 rounded to fp16) or bf16 "
                 "(uint16 read as bfloat16 bits, float32 rounded to bf16)")
      ->capture_default_str();
  cmd.add_option("--context", o.context,
                 "context length L (synthetic default 4096, `run` 16384; trace: 0 = from k.npy)");
  cmd.add_option("--steps", o.steps,
                 "decode steps S (synthetic default 16, `run` 4; trace: 0 = all queries of q.npy, "
                 "fewer = the first S queries)");
  cmd.add_option("--head-dim", o.head_dim, "head dimension D (synthetic default 128)");
  cmd.add_option("--heads", o.heads,
                 "heads (synthetic: default = number of --head-kinds, kinds cycled; trace: "
                 "first N heads)");
  cmd.add_option("--head-kinds", o.head_kinds,
                 "synthetic head kinds, comma separated: retrieval, local, aggregation")
      ->capture_default_str();
  cmd.add_option("--seed", o.seed, "synthetic workload seed")->capture_default_str();

  SyntheticParams& s = o.synthetic;
  auto mark = [&o](const std::string& flag) {
    return [&o, flag](const std::string&) { o.synthetic_flag = flag; };
  };
  auto knob = [&](const char* flag, auto& value, const char* help) {
    cmd.add_option(flag, value, help)->capture_default_str()->each(mark(flag));
  };
  knob("--syn-topics", s.topics, "synthetic: recurring topics");
  knob("--syn-rank", s.rank, "synthetic: rank of the semantic key subspace (even)");
  knob("--syn-segment-min", s.segment_min, "synthetic: shortest segment (tokens)");
  knob("--syn-segment-max", s.segment_max, "synthetic: longest segment (tokens)");
  knob("--syn-topic-scale", s.topic_scale, "synthetic: norm of the topic component of a key");
  knob("--syn-lowrank-noise", s.lowrank_noise, "synthetic: norm of the low-rank key noise");
  knob("--syn-iso-noise", s.iso_noise, "synthetic: per-element isotropic key noise");
  knob("--syn-pos-scale", s.pos_scale, "synthetic: positional component per rotary pair");
  knob("--syn-outliers", s.outliers, "synthetic: outlier key channels");
  knob("--syn-outlier-offset", s.outlier_offset, "synthetic: fixed offset of outlier channels");
  knob("--syn-sinks", s.sinks, "synthetic: attention-sink tokens at the start");
  knob("--syn-sink-logit", s.sink_logit, "synthetic: logit bonus of sink tokens");
  knob("--syn-rope-base", s.rope_base, "synthetic: RoPE base (10000 = LLaMA-2)");
  knob("--syn-value-ar", s.value_ar, "synthetic: AR(1) coefficient of values along the sequence");
  knob("--syn-value-topic-scale", s.value_topic_scale, "synthetic: topic component of values");
  knob("--syn-retrieval-logit", s.retrieval_logit, "synthetic: retrieval query-topic logit");
  knob("--syn-local-logit", s.local_logit, "synthetic: local head logit at distance 0");
  knob("--syn-local-topic-logit", s.local_topic_logit, "synthetic: local head current-topic logit");
  knob("--syn-query-noise-logit", s.query_noise_logit, "synthetic: std of query-noise logits");
}

KvSource load_kv(const KvOptions& o) {
  const pim::Fmt fmt = fmt_of_dtype(o.kv_dtype);
  if (!o.kv_dir.empty()) {
    if (!o.synthetic_flag.empty()) {
      throw std::invalid_argument(fmt::format(
          "{}: applies to the synthetic workload only, not to --kv {}", o.synthetic_flag,
          o.kv_dir));
    }
    return load_kv_trace(o.kv_dir, o.kv_dtype, o.heads, o.steps, o.context, o.head_dim);
  }
  if (o.context < 0) throw std::invalid_argument(fmt::format("--context: {} is negative", o.context));
  if (o.steps < 0) throw std::invalid_argument(fmt::format("--steps: {} is negative", o.steps));
  if (o.heads < 0) throw std::invalid_argument(fmt::format("--heads: {} is negative", o.heads));
  if (o.heads > 1024) throw std::invalid_argument(fmt::format("--heads: {} exceeds 1024", o.heads));
  if (o.head_dim < 0) {
    throw std::invalid_argument(fmt::format("--head-dim: {} is negative", o.head_dim));
  }
  SyntheticParams p = o.synthetic;
  if (o.context) p.context = o.context;
  if (o.steps) p.steps = o.steps;
  if (o.head_dim) p.head_dim = o.head_dim;
  p.seed = o.seed;
  const std::vector<std::string> kinds = split_kinds(o.head_kinds);
  const std::size_t heads = o.heads ? static_cast<std::size_t>(o.heads) : kinds.size();
  p.kinds.clear();
  for (std::size_t h = 0; h < heads; ++h) p.kinds.push_back(kinds[h % kinds.size()]);
  return generate_synthetic(p, fmt);
}

}  // namespace starc
