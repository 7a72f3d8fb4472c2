// Command-line options that choose a KV source, shared by every subcommand that needs KV
// data (run, kv-stats, ...), and the loader that validates them and produces a KvSource.
//
// Source: `--kv DIR` reads a trace (k.npy, v.npy: [L, D] or [H, L, D]; q.npy: [S, D] or
// [H, S, D]; float16, float32, or uint16 bfloat16 bits with --kv-dtype bf16); without it the
// built-in synthetic workload (synthetic_kv.hpp) is generated.
// --kv-dtype: auto (default) = fp16 simulation format, float32 data rounded to fp16 (an
// overflow to infinity is an error); fp16 = same; bf16 = bf16 simulation format, uint16 data
// taken as bf16 bits, float32 rounded to bf16 (float16 data rejected: it would be re-rounded).
// --context / --steps / --heads: for a trace, 0 (default) takes everything in the files;
// --steps S' < S uses the first S' queries and the first L - S + S' tokens (so step s still
// attends to L' - S' + s + 1 tokens); --context must then equal that or be 0; --heads N takes
// the first N heads. For the synthetic workload 0 means the default (4096, 16, 1).
#pragma once

#include <cstdint>
#include <string>

#include <CLI/CLI.hpp>

#include "contracts/kv_source.hpp"
#include "host/synthetic_kv.hpp"
#include "cli/output_file.hpp"

namespace starc {

struct KvOptions {
  std::string kv_dir;              // empty: synthetic workload
  std::string kv_dtype = "auto";   // auto | fp16 | bf16
  int context = 0;                 // L; 0: default / whole trace
  int steps = 0;                   // S; 0: default / whole trace
  int head_dim = 0;                // D (synthetic only; for a trace 0 or must match)
  int heads = 0;                   // number of heads; 0: default (synthetic 1) / all
  std::string head_kinds = "retrieval";  // synthetic: comma list, cycled over the heads
  std::uint64_t seed = 1;          // synthetic seed
  SyntheticParams synthetic;       // the synthetic knobs (context/steps/head_dim/kinds/seed
                                   // there are overridden by the fields above)
  std::string synthetic_flag;      // set by add_kv_options when a --syn-*, --seed or --head-kinds
                                   // flag is given: load_kv rejects it together with --kv
  std::string zero_flag;           // set when --context 0 or --steps 0 is given: "the whole
                                   // trace" with --kv, an error for the synthetic workload
  int only_head = -1;              // >= 0: load that head alone (run simulates one head)
};

// A check for unsigned options that CLI11 would otherwise wrap ("-1" -> 2^64 - 1).
inline CLI::Validator non_negative_integer() {
  return CLI::Validator(
      [](std::string& v) -> std::string {
        return v.find('-') == std::string::npos ? std::string() : "'" + v + "' is negative (expected an integer >= 0)";
      },
      "INT >= 0");
}

// Adds --kv, --kv-dtype, --context, --steps, --head-dim, --heads, --head-kinds, --seed and
// the synthetic knobs (--syn-*) to `cmd`, bound to `o`.
void add_kv_options(CLI::App& cmd, KvOptions& o);

// Validates the options and loads the trace or generates the synthetic workload. Throws
// std::runtime_error / std::invalid_argument naming the file or flag and the problem. With
// only_head >= 0 the source holds that head alone (heads[0]). The memory the KV data needs is
// estimated first, and a source that cannot fit in this machine's memory is refused, naming the
// flags.
KvSource load_kv(const KvOptions& o);

// The channel serves D = 64, 128 and 256 (its head-dimension mode register, pim::kHeadDims):
// throws std::invalid_argument unless `d` is one of them, naming --kv DIR when the D is the
// trace's and --head-dim otherwise.
void check_channel_head_dim(const KvOptions& o, unsigned d);

// The files --kv reads (k.npy, v.npy, q.npy of the directory; none without --kv), as inputs
// that no output may overwrite (check_outputs).
std::vector<cli::FlagPath> kv_inputs(const KvOptions& o);

}  // namespace starc
