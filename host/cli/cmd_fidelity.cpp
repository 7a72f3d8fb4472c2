// starcsim fidelity: attention fidelity of every sparsity policy against the exact dense
// reference (DESIGN.md section 7), one table per policy on stdout plus a JSON report.
#include <cstdio>
#include <memory>
#include <stdexcept>

#include <fmt/core.h>

#include "commands.hpp"
#include "fidelity.hpp"
#include "kv_options.hpp"
#include "output_file.hpp"

namespace starc::cli {
namespace {

struct FidelityArgs {
  KvOptions kv;
  std::string budgets = "256,512,1024,2048";
  std::string policies;
  std::string json = "fidelity.json";
  unsigned block = 64;
  unsigned clusters = 4;
  unsigned iterations = 16;
  unsigned page = 16;
  unsigned sparq_r = 0;
  unsigned threads = 2;
  bool reads = false;
};

void run(const FidelityArgs& a) {
  FidelityConfig cfg;
  cfg.budgets = parse_budgets(a.budgets);
  if (!a.policies.empty()) cfg.policies = parse_policies(a.policies);
  cfg.params.kmeans.block = a.block;
  cfg.params.kmeans.k = a.clusters;
  cfg.params.kmeans.max_iterations = a.iterations;
  if (a.clusters == 0 || a.clusters > 255) {
    throw std::invalid_argument(fmt::format("--clusters: {} is not in 1..255", a.clusters));
  }
  if (a.block < a.clusters) {
    throw std::invalid_argument(
        fmt::format("--block: {} tokens is fewer than --clusters {}", a.block, a.clusters));
  }
  if (a.iterations == 0) throw std::invalid_argument("--kmeans-iters: must be >= 1");
  if (a.page == 0) throw std::invalid_argument("--page: must be >= 1");
  cfg.params.page = a.page;
  cfg.params.sparq_r = a.sparq_r;
  if (a.threads == 0 || a.threads > 256)
    throw std::invalid_argument(fmt::format("--threads: {} is not in 1..256", a.threads));
  cfg.params.threads = a.threads;
  cfg.reads = a.reads;
  if (a.json.empty()) throw std::invalid_argument("--json: empty file name");
  check_output_dir("--json", a.json);

  const KvSource kv = load_kv(a.kv);
  if (a.sparq_r > static_cast<unsigned>(kv.heads.at(0).keys.cols())) {
    throw std::invalid_argument(fmt::format("--sparq-r: {} exceeds the head dimension {}",
                                            a.sparq_r, kv.heads.at(0).keys.cols()));
  }
  const FidelityReport rep = run_fidelity(kv, cfg);
  write_atomically("--json", a.json, rep.to_json().dump(2) + "\n");
  fmt::print("{}\njson: {}\n", format_tables(rep), a.json);
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
  cmd->add_option("--block", args->block, "starc: tokens per clustered block")
      ->capture_default_str();
  cmd->add_option("--clusters", args->clusters, "starc: clusters per block (K)")
      ->capture_default_str();
  cmd->add_option("--kmeans-iters", args->iterations, "starc: Lloyd iteration cap")
      ->capture_default_str();
  cmd->add_option("--page", args->page, "quest: page size in tokens")->capture_default_str();
  cmd->add_option("--sparq-r", args->sparq_r, "tokenwise: query dimensions r (0: D/8)")
      ->capture_default_str();
  cmd->add_option("--threads", args->threads, "starc: clustering threads")->capture_default_str();
  cmd->add_flag("--reads", args->reads,
                "also lay each step out on the hbm3-pim channel and count the reads of every "
                "selection (selection cost, key-phase BG-rows and columns)");
  cmd->callback([args] { run(*args); });
}

}  // namespace starc::cli
