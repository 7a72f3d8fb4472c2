// Dense attention of one head through the Verilated channel and the golden model in lockstep
// (docs/design.md section 5, policy `dense`): the co-simulation driver behind `starcsim dense`,
// tests/test_channel.cpp and bench_channel.
//
// Layout: token order (docs/design.md section 4): token t sits in BG-row t / slots, slot t % slots;
// BG-row r goes to global bank group r % groups, row base + r / groups; bank b of the group
// holds dimensions b*D/banks.. of the token, column slot*cpt + j holding dimensions
// b*D/banks + j*lanes .. +lanes-1 (pim_org.hpp). Keys from row 0, values after them.
// Step: WRGB q; key phase (dot) over every BG-row, MVSB the scores; softmax on the host in
// binary32 (scores x 1/sqrt(D), max subtracted, std::exp, sequential sum, divide), rounded to
// the input format; value phase (axpy) with the probabilities sent by MVGB; MVSB each group's
// partial context vector; host reduction tree_padded over the groups in global order (groups
// without reads contribute +0 vectors). The host softmax is given 0 cycles: the value phase
// starts the cycle after the last score leaves the channel.
#pragma once

#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "sim/channel_sim.hpp"
#include "host/controller.hpp"
#include "contracts/dram_image.hpp"
#include "contracts/read_list.hpp"

namespace pim {

struct DenseHead {
  Fmt fmt = Fmt::fp16;
  std::vector<std::vector<std::uint16_t>> keys, values;  // [L][D] input-format bits
  std::vector<std::uint16_t> query;                     // [D]
};

// Random head: every element uniform in [-1, 1), rounded to the format.
DenseHead random_dense_head(unsigned tokens, unsigned head_dim, Fmt fmt, std::uint64_t seed);

// Writes `vectors` in token order from row `base_row`; returns the reads that cover them (one
// per BG-row, the columns of the occupied slots). Throws if the rows do not fit.
ReadList fill_token_order(DramImage& image, unsigned head_dim, unsigned base_row,
                          const std::vector<std::vector<std::uint16_t>>& vectors);

struct DenseReport {
  std::uint64_t cycles = 0;          // first command .. last MVSB result, inclusive
  std::uint64_t key_cycles = 0, value_cycles = 0;
  std::map<std::string, std::uint64_t> commands;  // by type
  std::uint64_t bank_activations = 0;             // ACT + ACTAB x banks
  std::uint64_t compared = 0, mismatches = 0;
  std::string first_mismatch;
  std::uint32_t timing_errors = 0, timing_mask = 0;
  std::uint64_t trace_violations = 0;             // independent trace checker
  std::vector<float> scores;   // per token, from the RTL
  std::vector<float> output;   // [D], from the RTL results
  double output_rel_error = 0; // ||o - o_ref|| / ||o_ref||, o_ref in double precision
  double score_max_abs_error = 0;
  std::vector<Command> cmds;   // the whole stream (for --cmd-trace)
  double wall_seconds = 0;     // RTL + golden simulation wall time
};

DenseReport run_dense_head(ChannelSim& sim, CtrlMode mode, const DenseHead& head);

}  // namespace pim
