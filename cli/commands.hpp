// Subcommands of starcsim. Each lives in its own cmd_*.cpp and adds itself to the app.
#pragma once

#include <CLI/CLI.hpp>

namespace starc::cli {

// Each function adds one subcommand to `app`; the subcommand's callback does the work and
// throws std::exception with a message naming the bad input on error.
// (declarations are added here as commands are implemented)
void add_kv_stats_command(CLI::App& app);  // kv-stats: statistics of a KV source
void add_fidelity_command(CLI::App& app);  // fidelity: policy fidelity vs dense reference

void add_vectors_command(CLI::App& app);  // vectors: MAC test vectors through the RTL
void add_run_command(CLI::App& app);  // run: end-to-end co-simulation of every policy
void add_dense_command(CLI::App& app);  // dense: one dense head through the channel RTL
void add_sweep_command(CLI::App& app);  // sweep plan|run|local|merge|status (docs/design.md section 15)
void add_sweep_local_command(CLI::App& sweep);  // sweep local, under `sweep`
void add_model_command(CLI::App& app);  // model: a whole model's decode step on a PIM system

}  // namespace starc::cli
