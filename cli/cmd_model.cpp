// starcsim model: whole-model decode steps on a multi-channel PIM system (docs/design.md
// section 14). Every (request, layer, KV head) of one decode step is a head-step with its own
// synthetic KV; the system preset maps head-steps onto channels (host/head_step_plan.hpp);
// every policy runs every simulated head-step on the fast engine, a sample of them on the RTL
// too (--rtl-sample, compared bit for bit); the report gives the system table
// (host/system_estimate.hpp). --sample simulates a uniform sample of the head-steps, --shard I/N
// one of N disjoint slices (a sweep point), --merge combines shard reports into the table.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>
#include <thread>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/kv_options.hpp"
#include "cli/model_report.hpp"
#include "cli/output_file.hpp"
#include "cli/policy_flags.hpp"
#include "cli/progress.hpp"
#include "contracts/input_error.hpp"
#include "host/head_step_plan.hpp"
#include "host/model_preset.hpp"
#include "sim/centroid_match_harness.hpp"
#include "sim/head_step_runner.hpp"

#ifndef STARC_PRESET_DIR
#define STARC_PRESET_DIR "presets"
#endif

namespace starc::cli {
namespace {

struct ModelArgs {
  std::string model = "llama2-7b";
  std::string system = "hbm3-pim";
  std::string preset_dir = STARC_PRESET_DIR;
  unsigned batch = 16;
  std::string contexts = "32768";
  unsigned budget = 1024;
  std::string policies = "dense,tokenwise,quest,starc";
  std::size_t sample = 0;
  std::size_t rtl_sample = 0;
  std::string shard;
  std::vector<std::string> merge;
  unsigned replicates = 200;
  std::uint64_t seed = 1;
  unsigned jobs = 1;
  std::string json, csv;
  PolicyFlags policy;
};

std::vector<unsigned> parse_contexts(const std::string& text) {
  std::vector<unsigned> out;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    unsigned long v = 0;
    std::size_t used = 0;
    try {
      v = std::stoul(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != item.size() || v < 128 || v > 1048576)
      throw std::invalid_argument(fmt::format("--context: '{}' is not a context in [128, 1048576]", item));
    out.push_back(static_cast<unsigned>(v));
  }
  if (out.empty()) throw std::invalid_argument("--context: no context given");
  return out;
}

// "I/N" (1-based I) -> (I - 1, N).
std::pair<unsigned, unsigned> parse_shard(const std::string& text) {
  unsigned i = 0, n = 0;
  char slash = 0, extra = 0;
  std::stringstream ss(text);
  if (!(ss >> i >> slash >> n) || slash != '/' || (ss >> extra) || n == 0 || i == 0 || i > n || n > 1000000)
    throw std::invalid_argument(fmt::format("--shard: '{}' (expected I/N with 1 <= I <= N)", text));
  return {i - 1, n};
}

nlohmann::json config_json(const ModelArgs& a, const ModelPreset& m, const SystemPreset& s,
                           const std::vector<std::string>& policies) {
  return {{"model", {{"name", m.name}, {"file", m.file}, {"layers", m.layers}, {"query_heads", m.query_heads},
                     {"kv_heads", m.kv_heads}, {"head_dim", m.head_dim}}},
          {"system", {{"name", s.name}, {"file", s.file}, {"devices", s.devices}, {"stacks_per_device", s.stacks_per_device},
                      {"channels_per_stack", s.channels_per_stack}, {"stacks", s.stacks()}, {"channels", s.channels()},
                      {"channel", s.channel}, {"mapping", s.mapping}}},
          {"batch", a.batch},
          {"budget", a.budget},
          {"policies", policies},
          {"sample", a.sample},
          {"replicates", a.replicates},
          {"seed", a.seed},
          {"policy_flags", {{"block", a.policy.block}, {"clusters", a.policy.clusters}, {"page", a.policy.page},
                            {"sparq_r", a.policy.sparq_r}, {"selection", a.policy.selection},
                            {"hier_cover", a.policy.hier_cover}, {"clustering", a.policy.clustering}}}};
}

nlohmann::json read_report(const std::string& file) {
  std::ifstream in(file);
  if (!in) throw std::invalid_argument(fmt::format("--merge: {}: cannot open", file));
  try {
    nlohmann::json j = nlohmann::json::parse(in);
    if (!j.is_object() || j.value("command", "") != "model" || !j.contains("config") || !j.contains("contexts"))
      throw std::invalid_argument(fmt::format("--merge: {}: not a `starcsim model` JSON report", file));
    return j;
  } catch (const nlohmann::json::exception& e) {
    throw std::invalid_argument(fmt::format("--merge: {}: not valid JSON ({})", file, e.id));
  }
}

void run_model(ModelArgs a) {
  const auto t_start = std::chrono::steady_clock::now();
  check_outputs({{"--json", a.json}, {"--csv", a.csv}}, {});
  if (!a.merge.empty()) {
    // Combine shard reports: same configuration, disjoint head-steps that together are the plan.
    std::vector<nlohmann::json> parts;
    for (const auto& f : a.merge) parts.push_back(read_report(f));
    const nlohmann::json cfg = parts.front().at("config");
    for (std::size_t i = 1; i < parts.size(); ++i)
      if (parts[i].at("config") != cfg)
        throw std::invalid_argument(fmt::format("--merge: {} was run with another configuration than {}", a.merge[i],
                                                a.merge[0]));
    const ModelPreset m = load_model_preset(cfg.at("model").at("file").get<std::string>());
    const SystemPreset s = load_system_preset(cfg.at("system").at("file").get<std::string>());
    const HeadStepPlan plan(m, s, cfg.at("batch").get<unsigned>());
    // The shards' replicates, not this command's --replicates: a merged table is the unsharded run's.
    ModelReport rep(cfg, m, s, plan, cfg.at("replicates").get<unsigned>(), cfg.at("seed").get<std::uint64_t>());
    for (std::size_t i = 0; i < parts.size(); ++i)
      for (const auto& c : parts[i].at("contexts")) {
        std::vector<HeadStepRecord> recs;
        for (const auto& r : c.at("head_steps")) recs.push_back(record_from_json(r));
        rep.add(c.at("context").get<unsigned>(), c.at("planned").get<std::vector<std::size_t>>(), recs, a.merge[i]);
      }
    rep.finish("merged", std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count());
    fmt::print("{}", rep.table());
    if (!a.json.empty()) write_atomically("--json", a.json, rep.json().dump(1) + "\n");
    if (!a.csv.empty()) write_atomically("--csv", a.csv, rep.csv());
    return;
  }

  const std::vector<unsigned> contexts = parse_contexts(a.contexts);
  if (a.budget == 0) throw std::invalid_argument("--budget: must be >= 1");
  if (a.jobs == 0 || a.jobs > 64) throw std::invalid_argument(fmt::format("--jobs: {} is not in [1, 64]", a.jobs));
  if (a.replicates < 20 || a.replicates > 100000)
    throw std::invalid_argument(fmt::format("--replicates: {} is not in [20, 100000]", a.replicates));
  const std::vector<std::string> policies = parse_policies(a.policies);
  std::pair<unsigned, unsigned> shard{0, 1};
  if (!a.shard.empty()) shard = parse_shard(a.shard);
  ModelPreset m;
  SystemPreset s;
  try {
    m = load_model_preset(preset_file(a.model, a.preset_dir, "models"));
  } catch (const InputError& e) {
    throw std::invalid_argument(fmt::format("--model: {}", e.what()));
  }
  try {
    s = load_system_preset(preset_file(a.system, a.preset_dir, "systems"));
  } catch (const InputError& e) {
    throw std::invalid_argument(fmt::format("--system: {}", e.what()));
  }
  if (m.head_dim != 128)
    throw std::invalid_argument(fmt::format("--model: {}: head_dim {} (the RTL channel is built for D = 128)", m.file,
                                            m.head_dim));
  if (s.channel == "hbm3-pim-npc" && !pim::have_channel_sim_full_npc() && a.rtl_sample > 0)
    throw std::invalid_argument("--system: the hbm3-pim-npc channel's RTL is not built (make NPC=1) for --rtl-sample");
  HeadStepPlan plan(m, s, a.batch);
  pim::DecodeConfig cfg;
  cfg.budget = a.budget;
  cfg.params = policy_params(a.policy, 64);
  check_sparq_r(a.policy, m.head_dim);
  const std::vector<std::size_t> planned = sample_head_steps(plan.size(), a.sample, a.seed);
  const std::vector<std::size_t> mine = shard_of(planned, shard.first, shard.second);
  // The RTL sample: evenly spread over this run's head-steps.
  const std::size_t nrtl = std::min(a.rtl_sample, mine.size());
  std::vector<bool> on_rtl(mine.size(), false);
  for (std::size_t k = 0; k < nrtl; ++k) on_rtl[k * mine.size() / nrtl] = true;

  const pim::Org org = pim::hbm3_pim_org();
  const pim::Timing timing = pim::timing_preset(s.channel);
  pim::RtlEngine rtl;
  rtl.channel = [&](pim::Fmt f) {
    pim::ChannelSimOptions o;
    o.fmt = f;
    o.head_dim = m.head_dim;  // the channel's head-dimension mode register
    return s.channel == "hbm3-pim" ? pim::make_channel_sim_full(o) : pim::make_channel_sim_full_npc(o);
  };
  rtl.cmatch = [] { return std::make_unique<pim::CentroidMatchHarness>(pim::make_centroid_match_s256({})); };

  const nlohmann::json cfg_json = config_json(a, m, s, policies);
  ModelReport rep(cfg_json, m, s, plan, a.replicates, a.seed);
  // Progress on a terminal only (cli/progress.hpp): head-steps done of every context's.
  Progress progress("head-steps", mine.size() * contexts.size());
  std::atomic<std::size_t> finished{0};
  for (const unsigned context : contexts) {
    pim::DecodeConfig c = cfg;
    c.striped.group_rows = context >= 32768;  // as `starcsim run --hier-rows auto`
    const unsigned rows = [&] {
      unsigned r = 0;
      for (const auto& p : policies) r = std::max(r, pim::DecodeCosim::rows_needed(org, m.head_dim, context, c, p));
      return r;
    }();
    if (rows > org.rows)
      throw std::invalid_argument(fmt::format("--context: {} tokens need {} rows per bank, the channel has {}", context, rows,
                                              org.rows));
    std::vector<HeadStepRecord> recs(mine.size());
    auto spec_of = [&](std::size_t k) {
      pim::HeadStepSpec sp;
      sp.index = mine[k];
      sp.id = plan.id(mine[k]);
      sp.context = context;
      sp.group = m.group();
      sp.head_dim = m.head_dim;
      sp.seed = head_step_seed(a.seed, sp.id);
      sp.policies = policies;
      sp.cfg = c;
      sp.org = org;
      sp.timing = timing;
      return sp;
    };
    // The RTL head-steps first, one at a time; then the rest on `jobs` threads.
    for (std::size_t k = 0; k < mine.size(); ++k)
      if (on_rtl[k]) {
        recs[k] = pim::run_head_step(spec_of(k), &rtl);
        progress.update(++finished, 0, 0);
      }
    std::atomic<std::size_t> next{0};
    std::exception_ptr error;
    std::mutex em;
    auto worker = [&] {
      for (;;) {
        const std::size_t k = next++;
        if (k >= mine.size()) return;
        if (on_rtl[k]) continue;
        try {
          recs[k] = pim::run_head_step(spec_of(k), nullptr);
        } catch (...) {
          std::lock_guard<std::mutex> lock(em);
          if (!error) error = std::current_exception();
          next = mine.size();
          return;
        }
        progress.update(++finished, 0, 0);
      }
    };
    std::vector<std::thread> pool;
    for (unsigned j = 1; j < a.jobs; ++j) pool.emplace_back(worker);
    worker();
    for (auto& t : pool) t.join();
    if (error) std::rethrow_exception(error);
    rep.add(context, planned, recs, "");
  }
  progress.finish();
  rep.finish(a.shard.empty() ? "" : a.shard,
             std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count());
  fmt::print("{}", rep.table());
  try {
    if (!a.json.empty()) write_atomically("--json", a.json, rep.json().dump(1) + "\n");
    if (!a.csv.empty()) write_atomically("--csv", a.csv, rep.csv());
  } catch (...) {
    remove_outputs({a.json, a.csv});
    throw;
  }
  if (rep.failures() != 0)
    throw std::runtime_error(fmt::format("model: {} mismatches, timing errors or trace violations (see report)",
                                         rep.failures()));
}

}  // namespace

void add_model_command(CLI::App& app) {
  auto args = std::make_shared<ModelArgs>();
  CLI::App* cmd = app.add_subcommand(
      "model", "one decode step of a whole model (every layer, KV head and request) on a multi-channel PIM "
               "system: head-steps mapped onto channels, each on the fast engine (a sample also on the RTL, "
               "compared bit for bit); reports the system table (docs/design.md section 14)");
  cmd->add_option("--model", args->model, "model preset: a name in presets/models or a JSON file")->capture_default_str();
  cmd->add_option("--system", args->system, "system preset: a name in presets/systems or a JSON file")
      ->capture_default_str();
  cmd->add_option("--batch", args->batch, "requests in the batch")->capture_default_str();
  cmd->add_option("--context", args->contexts, "context length(s), comma separated (e.g. 16384,24576,32768)")
      ->capture_default_str();
  cmd->add_option("--budget", args->budget, "token budget B of every sparse policy")->capture_default_str();
  cmd->add_option("--policies", args->policies, "policies, comma separated")->capture_default_str();
  cmd->add_option("--sample", args->sample,
                  "simulate N head-steps per context drawn uniformly (seeded by --seed); the rest are represented "
                  "by resampling them (0: every head-step, exact)")
      ->capture_default_str()
      ->check(non_negative_integer());
  cmd->add_option("--rtl-sample", args->rtl_sample,
                  "co-simulate N of the simulated head-steps per context on the RTL too, compared with the fast "
                  "engine bit for bit")
      ->capture_default_str()
      ->check(non_negative_integer());
  cmd->add_option("--shard", args->shard, "simulate the I-th of N disjoint slices of the head-steps (I/N, 1-based)");
  cmd->add_option("--merge", args->merge, "combine the JSON reports of the shards of one run into the system table")
      ->expected(1, -1);
  cmd->add_option("--replicates", args->replicates, "resampling replicates of a sampled estimate (--merge: the shards' own)")->capture_default_str();
  cmd->add_option("--seed", args->seed, "seed of the head-steps' KV and of the sample")
      ->capture_default_str()
      ->check(non_negative_integer());
  cmd->add_option("--jobs", args->jobs, "head-steps simulated in parallel (threads)")->capture_default_str();
  cmd->add_option("--preset-dir", args->preset_dir, "folder of the presets (models/, systems/)")->capture_default_str();
  cmd->add_option("--json", args->json, "write the JSON report (head-step records and the system table)");
  cmd->add_option("--csv", args->csv, "write one CSV row per context and policy");
  add_policy_options(*cmd, args->policy);
  cmd->callback([args] { run_model(*args); });
}

}  // namespace starc::cli
