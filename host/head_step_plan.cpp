#include "host/head_step_plan.hpp"

#include <algorithm>
#include <numeric>
#include <random>

#include <fmt/format.h>

#include "contracts/input_error.hpp"

namespace starc {

HeadStepPlan::HeadStepPlan(const ModelPreset& model, const SystemPreset& system, unsigned batch)
    : layers_(model.layers), kv_heads_(model.kv_heads), batch_(batch), channels_(system.channels()) {
  if (batch == 0 || batch > 65536) throw InputError("batch", fmt::format("{} is not in [1, 65536]", batch));
  op_channel_.assign(ops_per_layer(), 0);
  const unsigned devices = system.devices, spd = system.stacks_per_device, cps = system.channels_per_stack;
  for (unsigned d = 0; d < devices; ++d) {
    // The device's KV heads (h mod devices == d), head-major with the requests.
    std::vector<unsigned> ops;
    for (unsigned h = d; h < kv_heads_; h += devices)
      for (unsigned r = 0; r < batch_; ++r) ops.push_back(h * batch_ + r);
    if (ops.empty()) continue;
    const auto per_stack = static_cast<unsigned>((ops.size() + spd - 1) / spd);
    for (unsigned i = 0; i < ops.size(); ++i) {
      const unsigned stack = i / per_stack, j = i % per_stack;
      op_channel_[ops[i]] = (d * spd + stack) * cps + j % cps;
    }
  }
  std::vector<unsigned> load(channels_, 0);
  for (unsigned c : op_channel_) ++load[c];
  for (unsigned l : load) {
    busy_ += l > 0;
    max_ops_ = std::max(max_ops_, l);
  }
}

HeadStepId HeadStepPlan::id(std::size_t index) const {
  HeadStepId h;
  h.request = static_cast<unsigned>(index % batch_);
  h.kv_head = static_cast<unsigned>(index / batch_ % kv_heads_);
  h.layer = static_cast<unsigned>(index / ops_per_layer());
  return h;
}

std::uint64_t head_step_seed(std::uint64_t seed, const HeadStepId& id) {
  auto mix = [](std::uint64_t z) {
    z += 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  };
  std::uint64_t s = mix(seed);
  s = mix(s ^ id.layer);
  s = mix(s ^ (std::uint64_t{id.kv_head} << 20));
  return mix(s ^ (std::uint64_t{id.request} << 40));
}

std::vector<std::size_t> sample_head_steps(std::size_t total, std::size_t n, std::uint64_t seed) {
  std::vector<std::size_t> all(total);
  std::iota(all.begin(), all.end(), std::size_t{0});
  if (n == 0 || n >= total) return all;
  std::mt19937_64 rng(seed);
  for (std::size_t i = 0; i < n; ++i) {  // partial Fisher-Yates
    const std::size_t j = i + static_cast<std::size_t>(rng() % (total - i));
    std::swap(all[i], all[j]);
  }
  all.resize(n);
  std::sort(all.begin(), all.end());
  return all;
}

std::vector<std::size_t> shard_of(const std::vector<std::size_t>& planned, unsigned i, unsigned n) {
  if (n == 0 || i >= n) throw InputError("shard", fmt::format("{}/{}: need 1 <= I <= N", i + 1, n));
  std::vector<std::size_t> out;
  for (std::size_t k = i; k < planned.size(); k += n) out.push_back(planned[k]);
  return out;
}

}  // namespace starc
