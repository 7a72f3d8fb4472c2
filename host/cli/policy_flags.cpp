#include "policy_flags.hpp"

#include <stdexcept>

#include <fmt/core.h>

namespace starc::cli {

void add_policy_options(CLI::App& cmd, PolicyFlags& f) {
  cmd.add_option("--block", f.block, "starc: tokens per clustered block")->capture_default_str();
  cmd.add_option("--clusters", f.clusters, "starc: clusters per block (K)")->capture_default_str();
  cmd.add_option("--kmeans-iters", f.iterations, "starc: Lloyd iteration cap")->capture_default_str();
  cmd.add_option("--page", f.page, "quest: page size in tokens")->capture_default_str();
  cmd.add_option("--sparq-r", f.sparq_r, "tokenwise: query dimensions r (0: D/8)")->capture_default_str();
  cmd.add_option("--threads", f.threads, "starc: clustering threads")->capture_default_str();
}

starc::PolicyParams policy_params(const PolicyFlags& f, unsigned max_block) {
  if (f.clusters == 0 || f.clusters > 255)
    throw std::invalid_argument(fmt::format("--clusters: {} is not in 1..255", f.clusters));
  if (f.block > max_block)
    throw std::invalid_argument(fmt::format("--block: {} exceeds {}", f.block, max_block));
  if (f.block < f.clusters)
    throw std::invalid_argument(
        fmt::format("--clusters: {} per block exceeds --block {} tokens", f.clusters, f.block));
  if (f.iterations == 0) throw std::invalid_argument("--kmeans-iters: must be >= 1");
  if (f.page == 0) throw std::invalid_argument("--page: must be >= 1");
  if (f.threads == 0 || f.threads > 256)
    throw std::invalid_argument(fmt::format("--threads: {} is not in 1..256", f.threads));
  starc::PolicyParams p;
  p.kmeans.block = f.block;
  p.kmeans.k = f.clusters;
  p.kmeans.max_iterations = f.iterations;
  p.page = f.page;
  p.sparq_r = f.sparq_r;
  p.threads = f.threads;
  return p;
}

void check_sparq_r(const PolicyFlags& f, unsigned head_dim) {
  if (f.sparq_r > head_dim)
    throw std::invalid_argument(fmt::format("--sparq-r: {} exceeds the head dimension {}", f.sparq_r, head_dim));
}

}  // namespace starc::cli
