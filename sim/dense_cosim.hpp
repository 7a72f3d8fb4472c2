// Dense attention of one random head (`starcsim dense`, tests/test_channel.cpp, bench_channel):
// one decode step of the `dense` policy over the token-order layout, run by the decode
// co-simulation engine (decode_cosim.hpp) like every other policy; this file only makes the
// head and summarises the run. Keys from row 0, values in the rows after them.
#pragma once

#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "sim/channel_sim.hpp"
#include "host/controller.hpp"

namespace pim {

struct DenseHead {
  Fmt fmt = Fmt::fp16;
  std::vector<std::vector<std::uint16_t>> keys, values;  // [L][D] input-format bits
  std::vector<std::uint16_t> query;                     // [D]
};

// Random head: every element uniform in [-1, 1), rounded to the format.
DenseHead random_dense_head(unsigned tokens, unsigned head_dim, Fmt fmt, std::uint64_t seed);

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
