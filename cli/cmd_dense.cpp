// starcsim dense: dense attention of one head (random fp16/bf16 K, V, q of a given length)
// through the Verilated PIM channel and the golden model in lockstep; prints cycles, commands
// by type, activations, bit-exact counts, timing-checker errors, numerical error against a
// double-precision reference, and the simulation speed. --cmd-trace writes the command trace
// (docs/design.md section 8), --waves an FST of the RTL.
#include <cstdint>
#include <cstdio>
#include <sstream>
#include <stdexcept>
#include <string>

#include <fmt/core.h>

#include "sim/channel_sim.hpp"
#include "host/cmd_trace.hpp"
#include "cli/commands.hpp"
#include "sim/dense_cosim.hpp"
#include "sim/fault_plan.hpp"
#include "cli/kv_options.hpp"
#include "cli/output_file.hpp"

namespace starc::cli {

namespace {

struct DenseArgs {
  unsigned tokens = 1024;
  unsigned head_dim = 128;
  std::uint64_t seed = 1;
  std::string mode = "lockstep";
  std::string timing = "hbm3-pim";
  std::string refresh = "on";
  std::string fmt = "fp16";
  std::string cmd_trace;
  std::string waves;
  bool small = false;
  std::string inject;
};

// Runs a parser of a flag's value; its error gets the flag's name in front.
template <class F>
auto named_flag(const char* flag, F parse) {
  try {
    return parse();
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(fmt::format("{}: {}", flag, e.what()));
  }
}

void run_dense(const DenseArgs& a) {
  const pim::CtrlMode mode = named_flag("--mode", [&] { return pim::parse_ctrl_mode(a.mode); });
  const pim::Fmt fmt = named_flag("--fmt", [&] { return pim::parse_fmt(a.fmt); });
  named_flag("--timing", [&] { return pim::timing_preset(a.timing); });  // validates the name
  if (a.tokens == 0) throw std::invalid_argument("--tokens: must be >= 1");
  named_flag("--head-dim", [&] { pim::check_head_dim(a.head_dim); });
  if (a.refresh != "on" && a.refresh != "off")
    throw std::invalid_argument(fmt::format("--refresh: '{}' (expected on or off)", a.refresh));
  if (a.small && a.timing != "hbm3-pim")
    throw std::invalid_argument(fmt::format("--timing {}: the small channel (--small) is built with hbm3-pim only",
                                            a.timing));
  if (!a.small && a.timing == "hbm3-pim-npc" && !pim::have_channel_sim_full_npc())
    throw std::invalid_argument("--timing hbm3-pim-npc: this build has no 64-bank hbm3-pim-npc "
                                "channel; rebuild with `make NPC=1`");
  pim::FaultPlan fault;
  if (!a.inject.empty()) fault = pim::parse_fault_plan(a.inject);
  if (fault.kind == pim::FaultKind::cmatch)
    throw std::invalid_argument("--inject cmatch: dense attention runs no centroid-match unit (use `run`)");
  check_outputs({{"--cmd-trace", a.cmd_trace}, {"--waves", a.waves}}, {});
  pim::ChannelSimOptions opt;
  opt.fmt = fmt;
  opt.seed = a.seed;
  opt.waves = a.waves;
  opt.refresh = a.refresh == "on";
  opt.head_dim = a.head_dim;
  auto sim = a.small ? pim::make_channel_sim_small(opt)
             : a.timing == "hbm3-pim" ? pim::make_channel_sim_full(opt)
                                      : pim::make_channel_sim_full_npc(opt);
  if (fault.active()) sim->inject(&fault);
  const pim::Org& o = sim->org();
  const unsigned per_row = o.slots_per_row(sim->head_dim()) * o.total_bank_groups();
  // A rejected or failed run leaves no wave file (as in `run`).
  const auto discard_waves = [&] {
    sim.reset();
    remove_outputs({a.waves});
  };
  pim::DenseReport rep;
  try {
    const std::uint64_t rows_needed = 2 * ((std::uint64_t{a.tokens} + per_row - 1) / per_row);
    if (rows_needed > o.rows)
      throw std::invalid_argument(fmt::format("--tokens: {} tokens need {} rows, the channel has {}",
                                              a.tokens, rows_needed, o.rows));
    rep = pim::run_dense_head(*sim, mode, pim::random_dense_head(a.tokens, sim->head_dim(), fmt, a.seed));
  } catch (...) {
    discard_waves();
    throw;
  }
  fmt::print("dense head: {} tokens, D {}, {}, controller {}, timing {}, channel {}x{}x{}x{} banks, {} lanes\n",
             a.tokens, sim->head_dim(), a.fmt, a.mode, sim->timing().name, o.pseudo_channels, o.ranks,
             o.bank_groups, o.banks, o.lanes);
  fmt::print("cycles: {} (key phase {}, value phase {}) = {:.2f} us at tCK 0.769 ns\n", rep.cycles,
             rep.key_cycles, rep.value_cycles, rep.cycles * 0.769e-3);
  std::string cmds;
  for (const auto& [name, n] : rep.commands) cmds += fmt::format(" {}={}", name, n);
  fmt::print("commands:{}\n", cmds);
  fmt::print("bank activations: {}\n", rep.bank_activations);
  fmt::print("bitexact: compared {} mismatches {}{}\n", rep.compared, rep.mismatches,
             rep.mismatches ? " (first: " + rep.first_mismatch + ")" : "");
  fmt::print("timing checker: RTL errors {} ({}), trace checker violations {}\n", rep.timing_errors,
             pim::rule_mask_text(rep.timing_mask), rep.trace_violations);
  fmt::print("error vs double reference: output relative {:.3g}, max score abs {:.3g}\n", rep.output_rel_error,
             rep.score_max_abs_error);
  fmt::print("simulation: {:.2f} s wall, {:.0f} cycles/s\n", rep.wall_seconds, rep.cycles / rep.wall_seconds);
  if (fault.active()) {
    bool caught = false;
    const std::string verdict = pim::fault_verdict(fault, pim::fault_evidence(rep), o, sim->timing(), rep.cmds, caught);
    discard_waves();
    throw std::runtime_error(verdict);
  }
  if (rep.mismatches || rep.timing_errors || rep.trace_violations) {
    discard_waves();
    throw std::runtime_error("co-simulation failed (mismatches or timing errors above)");
  }
  if (!a.cmd_trace.empty()) {
    std::ostringstream trace;
    pim::write_trace(trace, o, sim->timing(), rep.cmds);
    try {
      write_atomically("--cmd-trace", a.cmd_trace, trace.str());
    } catch (...) {
      discard_waves();
      throw;
    }
  }
}

}  // namespace

void add_dense_command(CLI::App& app) {
  auto args = std::make_shared<DenseArgs>();
  CLI::App* c = app.add_subcommand("dense", "dense attention of one random head through the PIM channel RTL");
  c->add_option("--tokens", args->tokens, "context length L")->capture_default_str();
  c->add_option("--head-dim", args->head_dim,
                "head dimension D: 64, 128 or 256 (the channel's run-time mode, docs/design.md section 2)")
      ->check(non_negative_integer())
      ->capture_default_str();
  c->add_option("--seed", args->seed, "seed of the random K, V, q and of X randomisation")
      ->capture_default_str()
      ->check(non_negative_integer());
  c->add_option("--mode", args->mode, "controller mode: lockstep or per-bg")->capture_default_str();
  c->add_option("--timing", args->timing, "timing preset: hbm3-pim or hbm3-pim-npc")->capture_default_str();
  c->add_option("--fmt", args->fmt, "input format: fp16 or bf16")->capture_default_str();
  c->add_option("--refresh", args->refresh, "all-bank refresh (docs/design.md section 2): on or off")
      ->capture_default_str();
  c->add_option("--cmd-trace", args->cmd_trace, "write the command trace to FILE");
  c->add_option("--waves", args->waves, "write an FST waveform to FILE");
  c->add_option("--inject", args->inject,
                "inject one fault, KIND[:N]: dram-bit, rtl-result, drop-cmd or early-cmd (see `run --help`)");
  c->add_flag("--small", args->small, "use the small test channel (1x1x2x4 banks, 256 rows)");
  c->callback([args] { run_dense(*args); });
}

}  // namespace starc::cli
