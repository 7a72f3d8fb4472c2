#include "cli/policy_flags.hpp"

#include <algorithm>
#include <charconv>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/core.h>

namespace starc::cli {

void add_policy_options(CLI::App& cmd, PolicyFlags& f) {
  cmd.add_option("--block", f.block, "starc: tokens per clustered block")->capture_default_str();
  cmd.add_option("--clusters", f.clusters, "starc: clusters per block (K)")->capture_default_str();
  cmd.add_option("--kmeans-iters", f.iterations, "starc: Lloyd iteration cap")->capture_default_str();
  cmd.add_option("--page", f.page, "quest: page size in tokens")->capture_default_str();
  cmd.add_option("--sparq-r", f.sparq_r, "tokenwise: query dimensions r (0: D/8)")->capture_default_str();
  cmd.add_option("--threads", f.threads, "starc: clustering threads")->capture_default_str();
  cmd.add_option("--selection", f.selection,
                 "starc: flat (score every centroid, the paper's) or hier (score the groups' "
                 "super-centroids, then only the chosen groups' centroids; striped layout)")
      ->capture_default_str();
  cmd.add_option("--hier-cover", f.hier_cover,
                 "starc, hier: the chosen groups hold about this many times the clusters' budget")
      ->capture_default_str();
}

starc::PolicyParams policy_params(const PolicyFlags& f, unsigned max_block) {
  if (f.clusters == 0 || f.clusters > 255)
    throw std::invalid_argument(fmt::format("--clusters: {} is not in 1..255", f.clusters));
  if (f.block == 0) throw std::invalid_argument("--block: must be >= 1");
  if (f.block > max_block)
    throw std::invalid_argument(fmt::format("--block: {} exceeds {}", f.block, max_block));
  if (f.block < f.clusters)
    throw std::invalid_argument(
        fmt::format("--clusters: {} per block exceeds --block {} tokens", f.clusters, f.block));
  if (f.iterations == 0) throw std::invalid_argument("--kmeans-iters: must be >= 1");
  if (f.page == 0) throw std::invalid_argument("--page: must be >= 1");
  if (f.threads == 0 || f.threads > 256)
    throw std::invalid_argument(fmt::format("--threads: {} is not in 1..256", f.threads));
  if (f.selection != "flat" && f.selection != "hier")
    throw std::invalid_argument(fmt::format("--selection: '{}' (expected flat or hier)", f.selection));
  if (!(f.hier_cover >= 1.0 && f.hier_cover <= 64.0))
    throw std::invalid_argument(fmt::format("--hier-cover: {} is not in [1, 64]", f.hier_cover));
  starc::PolicyParams p;
  p.kmeans.block = f.block;
  p.kmeans.k = f.clusters;
  p.kmeans.max_iterations = f.iterations;
  p.page = f.page;
  p.sparq_r = f.sparq_r;
  p.threads = f.threads;
  p.hierarchical = f.selection == "hier";
  p.hier_cover = f.hier_cover;
  return p;
}

void check_sparq_r(const PolicyFlags& f, unsigned head_dim) {
  if (f.sparq_r > head_dim)
    throw std::invalid_argument(fmt::format("--sparq-r: {} exceeds the head dimension {}", f.sparq_r, head_dim));
}

std::vector<unsigned> parse_budgets(const std::string& text) {
  std::vector<unsigned> out;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    unsigned long long v = 0;
    const char* end = item.data() + item.size();
    const auto [ptr, ec] = std::from_chars(item.data(), end, v);
    if (item.empty() || ec != std::errc() || ptr != end || v == 0 ||
        v > std::numeric_limits<unsigned>::max()) {
      throw std::invalid_argument(fmt::format(
          "--budgets: '{}' is not a positive token count (in '{}')", item, text));
    }
    out.push_back(static_cast<unsigned>(v));
  }
  if (out.empty() || (!text.empty() && text.back() == ',')) {
    throw std::invalid_argument(fmt::format("--budgets: no budget list in '{}'", text));
  }
  return out;
}

std::vector<std::string> parse_policies(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream ss(text);
  std::string item;
  const auto& known = policy_names();
  while (std::getline(ss, item, ',')) {
    if (std::find(known.begin(), known.end(), item) == known.end()) {
      std::string list;
      for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
      throw std::invalid_argument(
          fmt::format("--policies: unknown policy '{}' (known: {})", item, list));
    }
    if (std::find(out.begin(), out.end(), item) == out.end()) out.push_back(item);
  }
  if (out.empty() || text.back() == ',') {
    throw std::invalid_argument(fmt::format("--policies: no policy list in '{}'", text));
  }
  return out;
}

}  // namespace starc::cli
