// starcsim: the command-line front end of the starc-pim co-simulator.
//
// Every error reaches main as an exception whose message names the bad input; main prints it
// as one line on stderr and exits non-zero.
#include <cstdio>
#include <exception>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include "cli/commands.hpp"
#include "cli/input_flags.hpp"

int main(int argc, char** argv) {
  CLI::App app{"starcsim: RTL co-simulation of HBM-PIM sparse attention (STARC)"};
  app.require_subcommand(1);
  // Subcommands register here, one line each.
  starc::cli::add_kv_stats_command(app);
  starc::cli::add_fidelity_command(app);
  starc::cli::add_vectors_command(app);
  starc::cli::add_run_command(app);
  starc::cli::add_dense_command(app);
  starc::cli::add_sweep_command(app);
  starc::cli::add_model_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help
    // One line, like every other error (CLI11's own report adds a second line).
    std::string msg = e.what();
    for (auto& c : msg)
      if (c == '\n') c = ' ';
    fmt::print(stderr, "starcsim: error: {} (see --help)\n", msg);
    return e.get_exit_code();
  } catch (const starc::InputError& e) {
    // The library names its input; the command line names the flag.
    fmt::print(stderr, "starcsim: error: {}\n", starc::cli::flag_message(e));
    return 1;
  } catch (const std::exception& e) {
    fmt::print(stderr, "starcsim: error: {}\n", e.what());
    return 1;
  }
  return 0;
}
