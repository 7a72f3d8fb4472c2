// starcsim run: end-to-end co-simulation of dense, oracle, token-wise, Quest and STARC attention
// on the Verilated PIM channel with the golden model in lockstep (sim/decode_cosim.hpp); prints
// the report table (host/report.hpp) and writes the JSON report, the command trace and waves
// on request.
//
// Nothing is written half-way: the JSON report and the command trace are written through a
// temporary file and a rename after the run; a wave file of a failed run is removed.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <sstream>
#include <stdexcept>

#include <fmt/core.h>

#include "sim/centroid_match_harness.hpp"
#include "sim/channel_sim.hpp"
#include "host/cmd_trace.hpp"
#include "cli/commands.hpp"
#include "sim/decode_cosim.hpp"
#include "sim/fast_centroid_match.hpp"
#include "sim/fast_channel.hpp"
#include "sim/fault_plan.hpp"
#include "host/fidelity.hpp"
#include "cli/kv_options.hpp"
#include "cli/output_file.hpp"
#include "cli/policy_flags.hpp"
#include "cli/progress.hpp"
#include "host/report.hpp"
#include "host/report_csv.hpp"
#include "host/trace_checker.hpp"

namespace starc::cli {
namespace {

struct RunArgs {
  KvOptions kv;
  std::string policies;
  unsigned budget = 1024;
  std::string mode = "lockstep";
  std::string layout = "auto";
  starc::StripedParams striped;
  std::string hier_rows = "auto";
  std::string channel = "hbm3-pim";
  std::string json;
  std::string csv;
  std::string cmd_trace;
  std::string waves;
  unsigned head = 0;
  PolicyFlags policy;
  std::uint64_t x_seed = 1;
  std::string refresh = "on";
  std::string inject;
  std::string engine = "rtl";
};

// --hier-rows auto: group rows from this context on (shorter contexts: shared).
constexpr std::uint64_t kGroupRowsFrom = 32768;

// The fast engine's channel (sim/fast_channel.hpp) of the organisation and timing `name` names.
std::unique_ptr<pim::ChannelSim> make_fast(const std::string& name, const pim::ChannelSimOptions& o,
                                           std::string& description) {
  if (name != "hbm3-pim" && name != "hbm3-pim-npc" && name != "small")
    throw std::invalid_argument(
        fmt::format("--channel: unknown channel '{}' (expected hbm3-pim, hbm3-pim-npc or small)", name));
  if (!o.waves.empty()) throw std::invalid_argument("--waves: the fast engine writes no waves (--engine rtl)");
  const pim::Org org = name == "small" ? pim::small_channel_org() : pim::hbm3_pim_org();
  description = fmt::format("{} {}x{}x{}x{} banks (fast engine: golden model + cycle model, docs/design.md section 14)",
                            name, org.pseudo_channels, org.ranks, org.bank_groups, org.banks);
  return pim::make_fast_channel(org, pim::timing_preset(name == "small" ? "hbm3-pim" : name), o);
}

std::unique_ptr<pim::ChannelSim> make_channel(const std::string& name, const pim::ChannelSimOptions& o,
                                              std::string& description) {
  if (name == "hbm3-pim") {
    description = "hbm3-pim 2x2x4x4 banks (RTL build starc_channel_full)";
    return pim::make_channel_sim_full(o);
  }
  if (name == "hbm3-pim-npc") {
    if (!pim::have_channel_sim_full_npc())
      throw std::invalid_argument("--channel hbm3-pim-npc: this build has no 64-bank hbm3-pim-npc "
                                  "channel; rebuild with `make NPC=1`");
    description = "hbm3-pim-npc 2x2x4x4 banks (RTL build starc_channel_full_npc)";
    return pim::make_channel_sim_full_npc(o);
  }
  if (name == "small") {
    description = "small 1x1x2x4 banks, 256 rows, hbm3-pim timing (RTL build starc_channel_small)";
    return pim::make_channel_sim_small(o);
  }
  throw std::invalid_argument(
      fmt::format("--channel: unknown channel '{}' (expected hbm3-pim, hbm3-pim-npc or small)", name));
}

// Every policy's layout must fit the channel's rows (keys, values, centroids, page metadata,
// groups; docs/design.md section 4): refused before any work, naming the flags that size it.
void check_rows(const std::string& channel, unsigned dim, unsigned context, const pim::DecodeConfig& cfg,
                const std::vector<std::string>& policies, const RunArgs& a) {
  if (context == 0 || dim == 0) return;  // refused elsewhere
  const pim::Org org = channel == "small" ? pim::small_channel_org() : pim::hbm3_pim_org();
  if (dim % (org.banks * org.lanes) != 0) return;  // the head-dimension check names it
  for (const auto& p : policies) {
    const unsigned rows = pim::DecodeCosim::rows_needed(org, dim, context, cfg, p);
    if (rows <= org.rows) continue;
    const pim::LayoutKind kind = pim::DecodeCosim::layout_kind(cfg, p);
    std::string sizing;
    if (kind == pim::LayoutKind::striped)
      sizing = fmt::format(", --stripe-buckets {}, --block {}, --clusters {}", a.striped.buckets, a.policy.block,
                           a.policy.clusters);
    else if (kind == pim::LayoutKind::cluster)
      sizing = fmt::format(", --block {}, --clusters {}", a.policy.block, a.policy.clusters);
    else if (p == "quest")
      sizing = fmt::format(", --page {}", cfg.params.page);
    throw std::invalid_argument(fmt::format(
        "--context: {} tokens of {} ({} layout{}) need {} rows per bank, the {} channel has {}", context, p,
        pim::layout_kind_name(kind), sizing, rows, channel, org.rows));
  }
}

void run(RunArgs a) {
  // Validate every flag before anything runs or is written.
  pim::DecodeConfig cfg;
  cfg.budget = a.budget;
  if (a.budget == 0) throw std::invalid_argument("--budget: must be >= 1");
  if (a.engine != "rtl" && a.engine != "fast")
    throw std::invalid_argument(fmt::format("--engine: '{}' (expected rtl or fast)", a.engine));

  try {
    cfg.mode = pim::parse_ctrl_mode(a.mode);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(fmt::format("--mode: {}", e.what()));
  }
  cfg.layout = pim::parse_layout_choice(a.layout);
  if (a.refresh != "on" && a.refresh != "off")
    throw std::invalid_argument(fmt::format("--refresh: '{}' (expected on or off)", a.refresh));
  if (a.striped.buckets == 0) throw std::invalid_argument("--stripe-buckets: must be >= 1");
  if (!(a.striped.threshold >= -1.0 && a.striped.threshold <= 1.0))
    throw std::invalid_argument("--stripe-threshold: must be in [-1, 1]");
  if (a.striped.chunk == 0 || a.striped.chunk > 1024)
    throw std::invalid_argument(fmt::format("--hier-chunk: {} is not in [1, 1024]", a.striped.chunk));
  if (a.hier_rows != "shared" && a.hier_rows != "group" && a.hier_rows != "auto")
    throw std::invalid_argument(fmt::format("--hier-rows: '{}' (expected auto, shared or group)", a.hier_rows));
  cfg.striped = a.striped;
  // auto: a group's own rows from kGroupRowsFrom tokens on (measured crossover, README "Long
  // contexts"): at 16K shared rows are 4% faster, at 64K group rows 5%, at 128K 7%.
  auto group_rows_for = [&a](std::uint64_t context) {
    return a.hier_rows == "group" || (a.hier_rows == "auto" && context >= kGroupRowsFrom);
  };
  cfg.head = a.head;
  // --block is capped by the centroid-match unit's largest cluster (64 tokens).
  cfg.params = policy_params(a.policy, 64);
  const std::vector<std::string> policies =
      a.policies.empty() ? policy_names() : parse_policies(a.policies);
  const std::string cmatch_waves = a.waves.empty() ? "" : a.waves + ".cmatch.fst";
  check_outputs({{"--json", a.json}, {"--csv", a.csv}, {"--cmd-trace", a.cmd_trace}, {"--waves", a.waves}, {"--waves (.cmatch.fst)", cmatch_waves}},
                kv_inputs(a.kv));
  if (a.kv.kv_dir.empty()) {  // the built-in workload of `make sim`
    if (a.kv.context == 0) a.kv.context = 16384;
    if (a.kv.steps == 0) a.kv.steps = 4;
  }
  cfg.striped.group_rows = group_rows_for(a.kv.context);
  // The synthetic workload's size is known before it is generated: refuse it first.
  if (a.kv.head_dim > 0) check_channel_head_dim(a.kv, static_cast<unsigned>(a.kv.head_dim));
  if (a.kv.kv_dir.empty() && a.kv.context > 0)
    check_rows(a.channel, a.kv.head_dim > 0 ? static_cast<unsigned>(a.kv.head_dim) : 128u,
               static_cast<unsigned>(a.kv.context), cfg, policies, a);
  a.kv.only_head = static_cast<int>(std::min<unsigned>(a.head, 1u << 30));  // generate only what is simulated
  const KvSource kv = load_kv(a.kv);
  cfg.head = 0;  // the source holds head a.head alone
  check_channel_head_dim(a.kv, static_cast<unsigned>(kv.heads.at(0).keys.cols()));
  cfg.striped.group_rows = group_rows_for(static_cast<std::uint64_t>(kv.heads.at(0).keys.rows()));
  check_rows(a.channel, static_cast<unsigned>(kv.heads.at(0).keys.cols()),
             static_cast<unsigned>(kv.heads.at(0).keys.rows()), cfg, policies, a);
  check_sparq_r(a.policy, static_cast<unsigned>(kv.heads.at(0).keys.cols()));
  if (std::find(policies.begin(), policies.end(), "starc") != policies.end()) {
    // STARC's clusters must fit the centroid-match unit's 20-bit cluster ids (every context up
    // to 2^20 tokens does: at most one cluster per token). Any budget and any number of selected
    // clusters run (budget capped at the clustered tokens, passes beyond MaxSel clusters).
    const auto context = static_cast<std::uint64_t>(kv.heads[0].keys.rows());
    const std::uint64_t clusters = context / a.policy.block * a.policy.clusters;
    if (clusters > std::uint64_t{pim::kMaxClusterId} + 1)
      throw std::invalid_argument(fmt::format(
          "--context: {} tokens give {} STARC clusters (--block {}, --clusters {}), above the "
          "centroid-match unit's {} cluster ids",
          context, clusters, a.policy.block, a.policy.clusters, pim::kMaxClusterId + 1));
  }
  cfg.params.fmt = kv.fmt;
  pim::FaultPlan fault;
  if (!a.inject.empty()) fault = pim::parse_fault_plan(a.inject);

  pim::ChannelSimOptions co;
  co.fmt = kv.fmt;
  co.seed = a.x_seed;
  co.waves = a.waves;
  co.refresh = a.refresh == "on";
  co.head_dim = static_cast<unsigned>(kv.heads.at(0).keys.cols());  // the channel's mode register
  pim::RunInfo info;
  const bool fast = a.engine == "fast";
  if (fast && fault.active()) throw std::invalid_argument("--inject: the fast engine injects no faults (--engine rtl)");
  std::unique_ptr<pim::ChannelSim> channel =
      fast ? make_fast(a.channel, co, info.channel) : make_channel(a.channel, co, info.channel);
  pim::CentroidMatchOptions cmo;
  cmo.seed = static_cast<std::uint32_t>(a.x_seed);
  if (!a.waves.empty()) cmo.fst_path = a.waves + ".cmatch.fst";
  std::unique_ptr<pim::CentroidMatcher> cm;
  if (fast) {
    cm = std::make_unique<pim::FastCentroidMatch>();
  } else {
    auto h = std::make_unique<pim::CentroidMatchHarness>(pim::make_centroid_match_s256(cmo), cmo.seed);
    if (fault.active()) {
      channel->inject(&fault);
      h->inject(&fault);
    }
    cm = std::move(h);
  }
  pim::CentroidMatcher& cmatch = *cm;
  info.cmatch = fmt::format("centroid_match MaxSel {} MaxClusters {} ({})", cmatch.max_sel(), cmatch.max_clusters(),
                            fast ? "fast engine: golden selection + cycle model" : "RTL build starc_cmatch_s256");
  info.source = kv.description;
  info.org = channel->org();
  info.timing = channel->timing();
  info.fmt = std::string(pim::fmt_name(kv.fmt));
  info.head = a.head;
  info.budget = a.budget;

  std::vector<pim::PolicyStats> stats;
  std::unique_ptr<pim::DecodeCosim> cosim;
  try {
    cosim = std::make_unique<pim::DecodeCosim>(*channel, &cmatch, kv, cfg);
    for (const auto& p : policies) cosim->layout_for(p);  // reject bad pairs before running
    const auto& head = kv.heads.at(0);
    info.head_dim = static_cast<unsigned>(head.keys.cols());
    info.context = static_cast<unsigned>(head.keys.rows());
    info.steps = static_cast<unsigned>(head.queries.rows());
    info.head_kind = head.kind;
    // A line on a terminal only (docs/design.md section 15): policies finished, elapsed, left.
    Progress progress(fmt::format("policies ({} step{} each)", info.steps, info.steps == 1 ? "" : "s"), policies.size());
    for (const auto& p : policies) {
      progress.update(stats.size(), 0, 1);
      stats.push_back(cosim->run_policy(p));
      std::fflush(stdout);
    }
    progress.update(stats.size(), 0, 0);
    progress.finish();
  } catch (...) {
    channel.reset();
    if (!a.waves.empty()) remove_outputs({a.waves, cmo.fst_path});
    throw;
  }
  // The whole run's trace, checked from its text alone.
  std::stringstream trace;
  const auto& cmds = cosim->commands();
  pim::write_trace(trace, info.org, info.timing, cmds, cosim->marks());
  const std::string trace_text = trace.str();
  std::stringstream parse_in(trace_text);
  const auto violations = pim::check_trace(pim::parse_trace(parse_in));

  fmt::print("{}", pim::report_table(info, stats));
  fmt::print("Whole-run command trace: {} commands, {} timing-rule violations (trace checker){}\n",
             cmds.size(), violations.size(), a.cmd_trace.empty() ? "" : ", written to " + a.cmd_trace);
  nlohmann::json j = pim::report_json(info, stats);
  j["trace"] = {{"commands", cmds.size()}, {"violations", violations.size()}};
  try {
    if (!a.json.empty()) write_atomically("--json", a.json, j.dump(2) + "\n");
    if (!a.csv.empty()) write_atomically("--csv", a.csv, pim::run_csv(info, stats));
    if (!a.cmd_trace.empty()) write_atomically("--cmd-trace", a.cmd_trace, trace_text);
  } catch (...) {
    // A run that fails leaves none of its outputs (docs/design.md section 10).
    channel.reset();
    remove_outputs({a.json, a.csv, a.cmd_trace, a.waves, cmatch_waves});
    throw;
  }
  if (!a.json.empty()) fmt::print("JSON report: {}\n", a.json);
  if (!a.csv.empty()) fmt::print("CSV (one row per policy and step): {}\n", a.csv);
  channel.reset();  // closes the FST
  if (!a.waves.empty()) fmt::print("Waves: {} (channel), {}.cmatch.fst (centroid-match unit)\n", a.waves, a.waves);
  if (fault.active()) {
    bool caught = false;
    throw std::runtime_error(
        pim::fault_verdict(fault, pim::fault_evidence(stats), info.org, info.timing, cmds, caught));
  }
  std::uint64_t bad = violations.size();
  for (const auto& s : stats) bad += s.mismatches + s.cmatch_mismatches + s.rtl_timing_errors;
  if (bad != 0) throw std::runtime_error(fmt::format("run: {} bit-exact mismatches or timing errors (see report)", bad));
  std::uint64_t non_finite = 0;
  for (const auto& s : stats) non_finite += s.non_finite_outputs;
  if (non_finite != 0)
    throw std::runtime_error(fmt::format("run: {} policy steps produced a non-finite output vector (infinity or "
                                         "NaN; see report)", non_finite));
}

}  // namespace

void add_run_command(CLI::App& app) {
  auto args = std::make_shared<RunArgs>();
  CLI::App* cmd = app.add_subcommand(
      "run", "co-simulate every policy's decode steps on the Verilated PIM channel (RTL + golden "
             "model in lockstep) and report cycles, commands, energy, fidelity and checks; without "
             "--kv the synthetic workload runs with --context 16384 --steps 4 unless given");
  add_kv_options(*cmd, args->kv);
  cmd->add_option("--policies", args->policies,
                  "policies, comma separated: dense, oracle, tokenwise, quest, starc (default all)");
  cmd->add_option("--budget", args->budget, "token budget B of every sparse policy")->capture_default_str();
  cmd->add_option("--mode", args->mode, "controller mode: lockstep or per-bg")->capture_default_str();
  cmd->add_option("--layout", args->layout,
                  "KV layout: auto (striped for starc, token order for the rest), token, cluster "
                  "(the paper's: clusters contiguous per block), striped (clusters striped across "
                  "bank groups, similar clusters in the same rows)")
      ->capture_default_str();
  cmd->add_option("--stripe-buckets", args->striped.buckets,
                  "striped layout: most buckets of similar clusters (rows partially filled)")
      ->capture_default_str();
  cmd->add_option("--stripe-threshold", args->striped.threshold,
                  "striped layout: cosine of centred centroids for a cluster to join a bucket")
      ->capture_default_str();
  cmd->add_option("--hier-chunk", args->striped.chunk,
                  "starc, hier: clusters per first-level chunk (16 = one centroid stripe; larger: "
                  "fewer super-centroids to score, several stripes per chunk)")
      ->capture_default_str();
  cmd->add_option("--hier-rows", args->hier_rows,
                  "starc, hier: centroid stripes of a group in the group's own rows (group) or in "
                  "allocation order (shared: fewest rows); auto: group from 32768 tokens on")
      ->capture_default_str();
  cmd->add_option("--channel", args->channel,
                  "Verilated channel: hbm3-pim (64 banks), hbm3-pim-npc (64 banks, nCCDAB 4, make "
                  "NPC=1 builds it) or small (8 banks, tests)")
      ->capture_default_str();
  cmd->add_option("--engine", args->engine,
                  "rtl (Verilated channel and centroid-match unit, golden model in lockstep) or fast (the golden "
                  "model with a cycle model of the RTL, identical cycles and results, no waves or faults; "
                  "docs/design.md section 14)")
      ->capture_default_str();
  cmd->add_option("--head", args->head, "head of the KV source to simulate")->capture_default_str();
  cmd->add_option("--json", args->json, "write the JSON report to this file");
  cmd->add_option("--csv", args->csv,
                  "write one CSV row per policy and decode step (cycles per phase, phase start "
                  "cycles, latency, activations, fidelity; docs/design.md section 8)");
  cmd->add_option("--cmd-trace", args->cmd_trace, "write the command trace (docs/design.md section 8)");
  cmd->add_option("--waves", args->waves, "write an FST of the channel (and FILE.cmatch.fst of the "
                                          "centroid-match unit); use short runs");
  cmd->add_option("--refresh", args->refresh,
                  "all-bank refresh (REFAB every nREFI per rank, docs/design.md section 2): on, or off "
                  "for comparison")
      ->capture_default_str();
  cmd->add_option("--x-seed", args->x_seed, "X-randomisation seed of the Verilated models")
      ->capture_default_str()
      ->check(non_negative_integer());
  cmd->add_option("--inject", args->inject,
                  "inject one fault, KIND[:N] (the N-th occurrence, default 1): dram-bit, rtl-result, "
                  "drop-cmd, early-cmd or cmatch; the run fails naming the check that caught it "
                  "(docs/design.md section 13)");
  add_policy_options(*cmd, args->policy);
  cmd->callback([args] { run(*args); });
}

}  // namespace starc::cli
