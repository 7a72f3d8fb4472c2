#include "cli/policy_flags.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
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
  cmd.add_option("--clustering", f.clustering,
                 "starc: window (default: --block/--clusters density over windows of 1024 tokens, "
                 "farthest-point seeds, clusters <= 32 tokens, members by projection; "
                 "docs/design.md section 6) or paper (K-means per --block tokens, first-K seeds)")
      ->capture_default_str();
  cmd.add_option("--window", f.window,
                 "starc: tokens per clustering window, a multiple of --block (--block: per block); "
                 "default: the --clustering preset's (window 1024, paper --block)");
  cmd.add_option("--kmeans-seeding", f.seeding,
                 "starc: k-means seeds first (the block's first K keys), farthest (farthest-point) or "
                 "kmeans++; default: the --clustering preset's");
  cmd.add_option("--max-cluster", f.max_cluster,
                 "starc: most tokens per cluster (capacity-constrained assignment; 0: no cap); default: "
                 "the --clustering preset's (window 32, paper 0)");
  cmd.add_option("--kmeans-centre", f.centre,
                 "starc: on|off, subtract the window's mean key before the cosine; default: the "
                 "--clustering preset's");
  cmd.add_option("--member-order", f.member_order,
                 "starc: token (ascending index) or centroid (by projection on the centroid: the cut "
                 "cluster keeps its most central members); default: the --clustering preset's");
}

namespace {

// The clustering flags over the --clustering preset.
starc::KmeansParams kmeans_params(const PolicyFlags& f, unsigned max_cluster) {
  starc::KmeansParams k;
  if (f.clustering == "window") k = starc::KmeansParams::windowed_default();
  else if (f.clustering != "paper")
    throw std::invalid_argument(fmt::format("--clustering: '{}' (expected window or paper)", f.clustering));
  k.block = f.block;
  k.k = f.clusters;
  k.max_iterations = f.iterations;
  if (f.window >= 0) k.window = static_cast<unsigned>(f.window);
  if (f.window < -1 || f.window > 1 << 16)
    throw std::invalid_argument(fmt::format("--window: {} is not in [0, 65536]", f.window));
  if (k.window != 0 && (k.window < k.block || k.window % k.block != 0))
    throw std::invalid_argument(
        fmt::format("--window: {} is not a multiple of --block {}", k.window, k.block));
  if (k.window_clusters() > 255)
    throw std::invalid_argument(fmt::format("--window: {} tokens hold {} clusters (--block {}, --clusters {}), "
                                            "more than 255", k.window, k.window_clusters(), k.block, k.k));
  if (!f.seeding.empty()) {
    try {
      k.seeding = starc::parse_seeding(f.seeding);
    } catch (const std::invalid_argument&) {
      throw std::invalid_argument(
          fmt::format("--kmeans-seeding: '{}' (expected first, farthest or kmeans++)", f.seeding));
    }
  }
  if (f.max_cluster < -1 || f.max_cluster > 1 << 16)
    throw std::invalid_argument(fmt::format("--max-cluster: {} is not in [0, 65536]", f.max_cluster));
  if (f.max_cluster >= 0) k.max_size = static_cast<unsigned>(f.max_cluster);
  if (k.max_size != 0 && static_cast<std::uint64_t>(k.max_size) * k.k < k.block)
    throw std::invalid_argument(fmt::format("--max-cluster: {} clusters of at most {} tokens cannot hold "
                                            "--block {}", k.k, k.max_size, k.block));
  if (!f.centre.empty()) {
    if (f.centre != "on" && f.centre != "off")
      throw std::invalid_argument(fmt::format("--kmeans-centre: '{}' (expected on or off)", f.centre));
    k.centre = f.centre == "on";
  }
  if (!f.member_order.empty()) {
    try {
      k.order = starc::parse_member_order(f.member_order);
    } catch (const std::invalid_argument&) {
      throw std::invalid_argument(
          fmt::format("--member-order: '{}' (expected token or centroid)", f.member_order));
    }
  }
  // The largest cluster the consumer takes (the centroid-match unit's 64-token size field).
  if (k.windowed() && (k.max_size == 0 ? k.window : k.max_size) > max_cluster)
    throw std::invalid_argument(fmt::format(
        "--max-cluster: clusters of window clustering may hold {} tokens, the centroid-match unit takes at "
        "most {} (set --max-cluster <= {})", k.max_size == 0 ? k.window : k.max_size, max_cluster, max_cluster));
  return k;
}

}  // namespace

starc::PolicyParams policy_params(const PolicyFlags& f, unsigned max_cluster) {
  if (f.clusters == 0 || f.clusters > 255)
    throw std::invalid_argument(fmt::format("--clusters: {} is not in 1..255", f.clusters));
  if (f.block == 0) throw std::invalid_argument("--block: must be >= 1");
  if (f.block > max_cluster)
    throw std::invalid_argument(fmt::format("--block: {} exceeds {}", f.block, max_cluster));
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
  p.kmeans = kmeans_params(f, max_cluster);
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
