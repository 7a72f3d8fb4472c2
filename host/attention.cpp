#include "host/attention.hpp"

#include <algorithm>
#include <cmath>

namespace pim {

std::vector<std::uint16_t> softmax_probabilities(std::span<const float> scores,
                                                 std::span<const unsigned> tokens,
                                                 unsigned head_dim, Fmt fmt) {
  const float scale = 1.0f / std::sqrt(static_cast<float>(head_dim));
  float mx = -INFINITY, sum = 0.0f;
  for (unsigned t : tokens) mx = std::max(mx, scores[t] * scale);
  std::vector<float> e(scores.size(), 0.0f);
  for (unsigned t : tokens) sum += (e[t] = std::exp(scores[t] * scale - mx));
  std::vector<std::uint16_t> prob(scores.size(), 0);
  for (unsigned t : tokens) prob[t] = encode_input(e[t] / sum, fmt);
  return prob;
}

std::vector<float> reduce_partials(std::span<const MvsbResult> axpy_results, unsigned groups,
                                   unsigned head_dim) {
  std::vector<std::vector<float>> partial(groups, std::vector<float>(head_dim, 0.0f));
  for (const auto& r : axpy_results)
    for (unsigned i = 0; i < head_dim && i < r.words.size(); ++i) partial.at(r.gbg)[i] = float_of(r.words[i]);
  std::vector<float> out(head_dim), leaves(groups);
  for (unsigned i = 0; i < head_dim; ++i) {
    for (unsigned g = 0; g < groups; ++g) leaves[g] = partial[g][i];
    out[i] = tree_padded(leaves);
  }
  return out;
}

std::uint64_t bank_activations(const Org& org, const Command& c) {
  if (c.op == Op::ACT) return 1;
  if (c.op == Op::ACTAB) return org.total_banks();
  return 0;
}

}  // namespace pim
