// KV trace directories (k.npy, v.npy, q.npy): reading one into a KvSource with every element
// validated, and writing a KvSource back. The command line (cli/kv_options.hpp) chooses between
// a trace and the synthetic workload.
#pragma once

#include <string>

#include "contracts/kv_source.hpp"

namespace starc {

// The simulation format of a --kv-dtype value: auto|fp16 -> fp16, bf16 -> bf16; throws
// std::invalid_argument naming an unknown value.
pim::Fmt fmt_of_dtype(const std::string& kv_dtype);

// Reads a trace directory (used by load_kv). fmt is the simulation format chosen by
// --kv-dtype; heads/steps/context as in KvOptions (0 = all).
KvSource load_kv_trace(const std::string& dir, const std::string& kv_dtype, int heads = 0,
                       int steps = 0, int context = 0, int head_dim = 0);

// Writes `src` as a trace directory (created if needed): k.npy, v.npy, q.npy, [L, D] for one
// head, else [H, L, D]; '<f2' for fp16 data, '<u2' bfloat16 bits for bf16 (read it back with
// --kv-dtype bf16). Every head must have the same L, S and D.
void save_kv_trace(const KvSource& src, const std::string& dir);

}  // namespace starc
