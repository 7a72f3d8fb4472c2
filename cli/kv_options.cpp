#include "cli/kv_options.hpp"

#include <filesystem>
#include <sstream>

#include <unistd.h>
#include <stdexcept>

#include <fmt/core.h>

#include "contracts/pim_org.hpp"
#include "cli/input_flags.hpp"
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
  auto zero = [&o](const std::string& flag) {
    return [&o, flag](const std::string& v) {
      if (v.find_first_not_of("+0") == std::string::npos && v.find('0') != std::string::npos) o.zero_flag = flag;
    };
  };
  cmd.add_option("--context", o.context,
                 "context length L (synthetic default 4096, `run` 16384; trace: 0 = from k.npy)")
      ->each(zero("--context"));
  cmd.add_option("--steps", o.steps,
                 "decode steps S (synthetic default 16, `run` 4; trace: 0 = all queries of q.npy, "
                 "fewer = the first S queries)")
      ->each(zero("--steps"));
  cmd.add_option("--head-dim", o.head_dim,
                 "head dimension D (synthetic default 128; `run` serves 64, 128 or 256: the channel's run-time mode)");
  cmd.add_option("--heads", o.heads,
                 "heads (synthetic: default = number of --head-kinds, kinds cycled; trace: "
                 "first N heads)");
  SyntheticParams& s = o.synthetic;
  auto mark = [&o](const std::string& flag) {
    return [&o, flag](const std::string&) { o.synthetic_flag = flag; };
  };
  cmd.add_option("--head-kinds", o.head_kinds,
                 "synthetic head kinds, comma separated: retrieval, local, aggregation")
      ->capture_default_str()
      ->each(mark("--head-kinds"));
  cmd.add_option("--seed", o.seed, "synthetic workload seed")
      ->capture_default_str()
      ->check(non_negative_integer())
      ->each(mark("--seed"));
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

std::vector<cli::FlagPath> kv_inputs(const KvOptions& o) {
  std::vector<cli::FlagPath> in;
  if (o.kv_dir.empty()) return in;
  for (const char* name : {"k.npy", "v.npy", "q.npy"})
    in.push_back({"--kv", (std::filesystem::path(o.kv_dir) / name).string()});
  return in;
}

namespace {

KvSource load_kv_named(const KvOptions& o) {
  const pim::Fmt fmt = fmt_of_dtype(o.kv_dtype);
  if (!o.kv_dir.empty()) {
    if (!o.synthetic_flag.empty()) {
      throw std::invalid_argument(fmt::format(
          "{}: applies to the synthetic workload only, not to --kv {}", o.synthetic_flag,
          o.kv_dir));
    }
    KvSource src = load_kv_trace(o.kv_dir, o.kv_dtype, o.heads, o.steps, o.context, o.head_dim);
    if (o.only_head >= 0) {
      if (static_cast<std::size_t>(o.only_head) >= src.heads.size())
        throw std::invalid_argument(fmt::format("--head: {} but --kv {} has {} heads", o.only_head, o.kv_dir,
                                                src.heads.size()));
      KvHead h = std::move(src.heads[static_cast<std::size_t>(o.only_head)]);
      src.heads.clear();
      src.heads.push_back(std::move(h));
    }
    return src;
  }
  if (!o.zero_flag.empty())
    throw std::invalid_argument(fmt::format("{}: 0 means the whole trace with --kv; the synthetic workload needs "
                                            "a positive value (or none for the default)", o.zero_flag));
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
  validate(p);
  // Memory before allocating: the generated heads' keys, values and queries (float), about
  // twice that while generating.
  const std::size_t generated = o.only_head >= 0 ? 1 : heads;
  const double need = 2.0 * static_cast<double>(generated) * (2.0 * p.context + p.steps) * p.head_dim * sizeof(float);
  const double have = static_cast<double>(sysconf(_SC_PHYS_PAGES)) * static_cast<double>(sysconf(_SC_PAGE_SIZE));
  if (have > 0 && need > have)
    throw std::invalid_argument(fmt::format(
        "--heads {} --context {} --head-dim {}: the synthetic workload needs about {:.1f} GiB, this machine has "
        "{:.1f} GiB",
        heads, p.context, p.head_dim, need / (1ull << 30), have / (1ull << 30)));
  return generate_synthetic(p, fmt, o.only_head >= 0 ? std::optional<std::size_t>(o.only_head) : std::nullopt);
}

}  // namespace

void check_channel_head_dim(const KvOptions& o, unsigned d) {
  if (pim::is_supported_head_dim(d)) return;
  const std::string what = fmt::format("head dimension {} is not one the PIM channel serves (D = 64, 128 or 256)", d);
  if (!o.kv_dir.empty() && o.head_dim == 0)
    throw std::invalid_argument(fmt::format("--kv {}: the trace's {}", o.kv_dir, what));
  throw std::invalid_argument(fmt::format("--head-dim: {}", what));
}

KvSource load_kv(const KvOptions& o) {
  try {
    return load_kv_named(o);
  } catch (const InputError& e) {
    throw std::invalid_argument(cli::flag_message(e));  // the library named its input: name the flag
  }
}

}  // namespace starc
