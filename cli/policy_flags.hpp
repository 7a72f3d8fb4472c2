// The policy flags that `run` and `fidelity` share (--block, --clusters, --kmeans-iters, --page,
// --sparq-r, --threads): registered, validated and turned into starc::PolicyParams in one place.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "host/policy.hpp"

namespace starc::cli {

struct PolicyFlags {
  unsigned block = 64;
  unsigned clusters = 4;
  unsigned iterations = 16;
  unsigned page = 16;
  unsigned sparq_r = 0;
  unsigned threads = 1;
  std::string selection = "hier";
  double hier_cover = 3.0;
  // STARC's clustering (docs/design.md section 6): "window" (default, issue 19) or "paper"
  // (per 64-token block, K = 4); the knobs below override the preset's value when given.
  std::string clustering = "window";
  int window = -1;              // tokens per clustering window (-1: the preset's)
  std::string seeding;          // first | farthest | kmeans++ ("": the preset's)
  int max_cluster = -1;         // most tokens per cluster, 0 = no cap (-1: the preset's)
  std::string centre;           // on | off ("": the preset's)
  std::string member_order;     // token | centroid ("": the preset's)
};

// Parses "256,512,..." (positive integers); throws std::invalid_argument naming --budgets.
std::vector<unsigned> parse_budgets(const std::string& text);
// Parses "dense,starc,..." against policy_names(); throws naming --policies.
std::vector<std::string> parse_policies(const std::string& text);

void add_policy_options(CLI::App& cmd, PolicyFlags& f);

// Validates the flags (each error names its flag; a cluster at most max_cluster tokens: --block
// for the paper's clustering, --max-cluster for window clustering) and returns the parameters
// with format fp16; the caller sets the format of its KV source.
starc::PolicyParams policy_params(const PolicyFlags& f, unsigned max_cluster);

// --sparq-r against the head dimension of the KV source, once it is loaded.
void check_sparq_r(const PolicyFlags& f, unsigned head_dim);

}  // namespace starc::cli
