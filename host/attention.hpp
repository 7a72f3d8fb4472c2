// The attention arithmetic around the PIM phases (docs/design.md section 5), one copy for every
// engine and command: the binary32 softmax on the host between the key and the value phase,
// the reduction of the bank groups' partial context vectors, and the bank-activation count of
// a command.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "contracts/mvsb_result.hpp"
#include "contracts/pim_arith.hpp"
#include "contracts/pim_command.hpp"
#include "contracts/pim_org.hpp"

namespace pim {

// Softmax in binary32 over scores[t] x 1/sqrt(head_dim) of the attended `tokens` (ascending):
// maximum subtracted, std::exp, summed sequentially in token order, each term divided by the
// sum and rounded to `fmt`. Returns the input-format probability of every token index in
// [0, scores.size()) (0 for tokens not attended).
std::vector<std::uint16_t> softmax_probabilities(std::span<const float> scores,
                                                 std::span<const unsigned> tokens,
                                                 unsigned head_dim, Fmt fmt);

// The output vector: for each dimension, tree_padded over the global bank groups (in index
// order) of the axpy MVSB results' partial context vectors; groups without a result add +0.
std::vector<float> reduce_partials(std::span<const MvsbResult> axpy_results, unsigned groups,
                                   unsigned head_dim);

// Banks a command activates: ACT 1, ACTAB every bank of the channel, others 0.
std::uint64_t bank_activations(const Org& org, const Command& c);

}  // namespace pim
