#include "cli/input_flags.hpp"

#include <map>

namespace starc::cli {

std::string flag_for(const std::string& input) {
  static const std::map<std::string, std::string> flags = {
      // KV source (host/kv_trace, host/synthetic_kv)
      {"kv", "--kv"}, {"kv_dtype", "--kv-dtype"}, {"context", "--context"}, {"steps", "--steps"},
      {"heads", "--heads"}, {"head_dim", "--head-dim"}, {"head_kinds", "--head-kinds"},
      {"topics", "--syn-topics"}, {"rank", "--syn-rank"}, {"segment_min", "--syn-segment-min"},
      {"sinks", "--syn-sinks"}, {"outliers", "--syn-outliers"}, {"value_ar", "--syn-value-ar"},
      {"rope_base", "--syn-rope-base"}, {"topic_scale", "--syn-topic-scale"},
      {"lowrank_noise", "--syn-lowrank-noise"}, {"iso_noise", "--syn-iso-noise"},
      {"outlier_offset", "--syn-outlier-offset"}, {"sink_logit", "--syn-sink-logit"},
      {"value_topic_scale", "--syn-value-topic-scale"}, {"retrieval_logit", "--syn-retrieval-logit"},
      {"local_logit", "--syn-local-logit"}, {"local_topic_logit", "--syn-local-topic-logit"},
      {"query_noise_logit", "--syn-query-noise-logit"}, {"pos_scale", "--syn-pos-scale"},
      // decode co-simulation (sim/decode_cosim), fidelity (host/fidelity)
      {"budget", "--budget"}, {"head", "--head"}, {"layout", "--layout"}, {"budgets", "--budgets"},
      {"inject", "--inject"},
  };
  const auto it = flags.find(input);
  return it == flags.end() ? input : it->second;
}

std::string flag_message(const InputError& e) { return flag_for(e.input()) + ": " + e.detail(); }

}  // namespace starc::cli
