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

}  // namespace starc::cli
