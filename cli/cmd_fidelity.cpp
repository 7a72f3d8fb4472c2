// starcsim fidelity: attention fidelity of every sparsity policy against the exact dense
// reference (docs/design.md section 7), one table per policy on stdout plus a JSON report.
#include <cstdio>
#include <limits>
#include <memory>
#include <stdexcept>

#include <fmt/core.h>

#include "cli/commands.hpp"
#include "host/fidelity.hpp"
#include "cli/kv_options.hpp"
#include "cli/output_file.hpp"
#include "cli/policy_flags.hpp"
#include "host/report_csv.hpp"

namespace starc::cli {
namespace {

struct FidelityArgs {
  KvOptions kv;
  std::string budgets = "256,512,1024,2048";
  std::string policies;
  std::string json = "fidelity.json";
  std::string csv;
  PolicyFlags policy{.threads = 2};
  bool reads = false;
  std::string preset;
};

// --preset scattered (issue 19): the scattered-topic workload on which STARC's clustering is
// compared with token-wise selection (docs/design.md section 6): L = 8192, 6 decode steps,
// topic segments of 4-16 tokens, B = 1024 (each only where the flag is not given).
void apply_preset(FidelityArgs& a, const CLI::App& cmd) {
  if (a.preset.empty()) return;
  if (a.preset != "scattered")
    throw std::invalid_argument(fmt::format("--preset: '{}' (expected scattered)", a.preset));
  if (!a.kv.kv_dir.empty())
    throw std::invalid_argument(fmt::format("--preset: a synthetic workload, not for --kv {}", a.kv.kv_dir));
  if (cmd.count("--context") == 0) a.kv.context = 8192;
  if (cmd.count("--steps") == 0) a.kv.steps = 6;
  if (cmd.count("--syn-segment-min") == 0) a.kv.synthetic.segment_min = 4;
  if (cmd.count("--syn-segment-max") == 0) a.kv.synthetic.segment_max = 16;
  if (cmd.count("--budgets") == 0) a.budgets = "1024";
}

void run(const FidelityArgs& a) {
  FidelityConfig cfg;
  cfg.budgets = parse_budgets(a.budgets);
  if (!a.policies.empty()) cfg.policies = parse_policies(a.policies);
  // fidelity runs no centroid-match unit, so --block has no 64-token cap here.
  cfg.params = policy_params(a.policy, std::numeric_limits<unsigned>::max());
  cfg.reads = a.reads;
  if (a.json.empty()) throw std::invalid_argument("--json: empty file name");
  check_outputs({{"--json", a.json}, {"--csv", a.csv}}, kv_inputs(a.kv));

  const KvSource kv = load_kv(a.kv);
  check_sparq_r(a.policy, static_cast<unsigned>(kv.heads.at(0).keys.cols()));
  const FidelityReport rep = run_fidelity(kv, cfg);
  write_atomically("--json", a.json, rep.to_json().dump(2) + "\n");
  if (!a.csv.empty()) {
    try {
      write_atomically("--csv", a.csv, pim::fidelity_csv(rep));
    } catch (...) {
      remove_outputs({a.json});  // nothing half-written: both outputs or neither
      throw;
    }
  }
  fmt::print("{}\njson: {}\n", format_tables(rep), a.json);
  if (!a.csv.empty()) fmt::print("csv: {}\n", a.csv);
}

}  // namespace

void add_fidelity_command(CLI::App& app) {
  auto args = std::make_shared<FidelityArgs>();
  CLI::App* cmd = app.add_subcommand(
      "fidelity", "attention fidelity of each sparsity policy against the dense reference");
  add_kv_options(*cmd, args->kv);
  cmd->add_option("--budgets", args->budgets, "token budgets B, comma separated (B >= 1)")
      ->capture_default_str();
  cmd->add_option("--policies", args->policies,
                  "policies, comma separated: dense, oracle, tokenwise, quest, starc (default all)");
  cmd->add_option("--json", args->json, "JSON report file")->capture_default_str();
  cmd->add_option("--csv", args->csv,
                  "also write one CSV row per policy, budget, head and decode step (recall, hit rate, "
                  "rel err, cosine; docs/design.md section 8)");
  add_policy_options(*cmd, args->policy);
  cmd->add_option("--preset", args->preset,
                  "scattered: the scattered-topic workload (--context 8192 --steps 6 --syn-segment-min 4 "
                  "--syn-segment-max 16 --budgets 1024, each unless given; README \"Selection quality\")");
  cmd->add_flag("--reads", args->reads,
                "also lay each step out on the hbm3-pim channel and count the reads of every "
                "selection (selection cost, key-phase BG-rows and columns)");
  cmd->callback([args, cmd] {
    apply_preset(*args, *cmd);
    run(*args);
  });
}

}  // namespace starc::cli
