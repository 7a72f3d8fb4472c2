// The head-steps of one decode step of a model on a multi-channel PIM system (docs/design.md
// section 14), and where each runs.
//
// A head-step is one (request, layer, KV head) of the decode step: its own KV cache (its own
// synthetic KV, host/synthetic_kv.hpp, seeded by head_step_seed) and the query heads that share
// that KV head (one for multi-head attention, query_heads / kv_heads for grouped-query
// attention, run one after another on the KV head's channel). Index order: layer, then KV head,
// then request.
//
// Mapping "attacc" (AttAcc, as the STARC artifact uses it; presets/systems/hbm3-pim.json cites
// the files): layers run one after another; within a layer, KV head h goes to device h mod
// devices (tensor parallelism over heads), a device's ops (its heads x the batch, head-major)
// are cut into stacks_per_device equal parts of ceil(ops / stacks) (num_ops_per_hbm), and a
// stack's ops go one per channel, channel = op mod channels_per_stack, in rounds one after
// another when a stack has more ops than channels. A layer's attention latency is its slowest
// channel's work (the sum of its ops); the decode step's is the sum over layers.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "host/model_preset.hpp"

namespace starc {

struct HeadStepId {
  unsigned request = 0, layer = 0, kv_head = 0;
};

class HeadStepPlan {
 public:
  // Throws starc::InputError ("batch") for a batch of 0 or above 65536.
  HeadStepPlan(const ModelPreset& model, const SystemPreset& system, unsigned batch);

  std::size_t size() const { return static_cast<std::size_t>(layers_) * ops_per_layer(); }
  unsigned layers() const { return layers_; }
  unsigned ops_per_layer() const { return batch_ * kv_heads_; }
  HeadStepId id(std::size_t index) const;
  // The global channel (0 .. channels - 1) of op k = kv_head x batch + request of any layer.
  unsigned channel_of_op(unsigned op) const { return op_channel_[op]; }
  unsigned channels() const { return channels_; }
  unsigned busy_channels() const { return busy_; }        // channels with work in a layer
  unsigned max_ops_per_channel() const { return max_ops_; }  // rounds of the busiest channel

 private:
  unsigned layers_, kv_heads_, batch_, channels_, busy_ = 0, max_ops_ = 0;
  std::vector<unsigned> op_channel_;
};

// The KV seed of a head-step (splitmix of the run's seed and the three indices).
std::uint64_t head_step_seed(std::uint64_t seed, const HeadStepId& id);

// `n` distinct head-step indices out of `total`, drawn uniformly with `seed`, ascending;
// n == 0 or n >= total: every index.
std::vector<std::size_t> sample_head_steps(std::size_t total, std::size_t n, std::uint64_t seed);

// Shard i (0-based) of n: the planned indices at positions i, i + n, i + 2n, ... (disjoint, and
// together every planned index). Throws starc::InputError ("shard") unless i < n.
std::vector<std::size_t> shard_of(const std::vector<std::size_t>& planned, unsigned i, unsigned n);

}  // namespace starc
