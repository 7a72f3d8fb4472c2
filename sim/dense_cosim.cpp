#include "sim/dense_cosim.hpp"

#include <chrono>
#include <stdexcept>

#include <fmt/format.h>

#include "sim/decode_cosim.hpp"

namespace pim {

DenseHead random_dense_head(unsigned tokens, unsigned head_dim, Fmt fmt, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  DenseHead h;
  h.fmt = fmt;
  auto vec = [&] {
    std::vector<std::uint16_t> v(head_dim);
    for (auto& x : v) x = encode_input(u(rng), fmt);
    return v;
  };
  for (unsigned t = 0; t < tokens; ++t) h.keys.push_back(vec());
  for (unsigned t = 0; t < tokens; ++t) h.values.push_back(vec());
  h.query = vec();
  return h;
}

DenseReport run_dense_head(ChannelSim& sim, CtrlMode mode, const DenseHead& head) {
  const auto t0 = std::chrono::steady_clock::now();
  const unsigned d = sim.head_dim();
  const std::size_t n = head.keys.size();
  if (n == 0 || head.values.size() != n || head.query.size() != d)
    throw std::invalid_argument("dense head: keys/values/query shapes do not match the channel");
  // The head as a KV source of one decode step over all n tokens.
  starc::KvSource kv;
  kv.fmt = head.fmt;
  kv.description = "random dense head";
  starc::KvHead h;
  auto matrix = [&](const std::vector<std::vector<std::uint16_t>>& rows) {
    starc::Matrix m(static_cast<Eigen::Index>(rows.size()), d);
    for (std::size_t t = 0; t < rows.size(); ++t) {
      if (rows[t].size() != d)
        throw std::invalid_argument(fmt::format("token {} has {} elements, expected {}", t, rows[t].size(), d));
      for (unsigned i = 0; i < d; ++i) m(static_cast<Eigen::Index>(t), i) = decode_input(rows[t][i], head.fmt);
    }
    return m;
  };
  h.keys = matrix(head.keys);
  h.values = matrix(head.values);
  h.queries = matrix({head.query});
  kv.heads.push_back(std::move(h));
  DecodeConfig cfg;
  cfg.budget = static_cast<unsigned>(n);
  cfg.mode = mode;
  cfg.layout = LayoutChoice::token_order;
  cfg.params.fmt = head.fmt;
  DecodeCosim cosim(sim, nullptr, kv, cfg);
  const PolicyStats st = cosim.run_policy("dense");
  const StepStats& step = st.steps.at(0);

  DenseReport rep;
  rep.cycles = st.cycles.total;
  rep.key_cycles = st.cycles.keys;
  rep.value_cycles = st.cycles.values;
  rep.commands = st.commands;
  rep.bank_activations = st.events.activations;
  rep.compared = st.compared;
  rep.mismatches = st.mismatches;
  rep.first_mismatch = st.first_mismatch;
  rep.timing_errors = sim.timing_error_count();
  rep.timing_mask = sim.timing_error_mask();
  rep.trace_violations = st.trace_violations;
  rep.output = step.output;
  rep.output_rel_error = step.fidelity.rtl_rel_err;
  rep.score_max_abs_error = step.score_max_abs_err;
  rep.cmds = cosim.commands();
  rep.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return rep;
}

}  // namespace pim
