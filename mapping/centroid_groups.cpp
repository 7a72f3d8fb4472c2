#include "mapping/centroid_groups.hpp"

#include <stdexcept>

#include <fmt/core.h>

namespace starc {

void validate(const GroupingParams& p) {
  if (p.groups == 0) throw std::invalid_argument("grouping: groups must be >= 1");
  if (p.chunk == 0) throw std::invalid_argument("grouping: chunk must be >= 1");
  if (!(p.threshold >= -1.0 && p.threshold <= 1.0)) {
    throw std::invalid_argument(fmt::format("grouping: threshold {} not in [-1, 1]", p.threshold));
  }
}

CentroidGroups group_clusters(const ClusteredKeys& clusters, const GroupingParams& p) {
  validate(p);
  CentroidGroups out;
  out.group_of.assign(clusters.clusters(), CentroidGroups::kNoGroup);
  if (clusters.clusters() == 0) return out;
  const Matrix& cents = clusters.centroids();
  const auto d = cents.cols();
  std::vector<Eigen::VectorXd> sum;  // per group: size-weighted sum of raw centroids
  std::vector<double> size;
  Eigen::VectorXd total = Eigen::VectorXd::Zero(d);
  double total_size = 0;
  long small_group = -1;
  for (const Segment& seg : clusters.segments()) {
    // Segment by segment (a block, or a window of window clustering): its clusters first count
    // in the mean, then join groups.
    const unsigned ks = static_cast<unsigned>(seg.clusters.sizes.size());
    for (unsigned j = 0; j < ks; ++j) {
      const unsigned g = seg.first_cluster + j;
      total += cents.row(g).transpose().cast<double>() * clusters.size(g);
      total_size += clusters.size(g);
    }
    if (seg.first == 0 && p.sink_block) continue;
    const Eigen::VectorXd mean = total / std::max(total_size, 1.0);
    for (unsigned j = 0; j < ks; ++j) {
      const unsigned g = seg.first_cluster + j;
      const unsigned sz = clusters.size(g);
      if (sz == 0) continue;
      const Eigen::VectorXd raw = cents.row(g).transpose().cast<double>();
      const Eigen::VectorXd c = raw - mean;
      long best = -1;
      double best_sim = -2.0;
      const bool is_small = sz < p.small && (small_group >= 0 || sum.size() < p.groups);
      if (is_small && small_group >= 0) {
        best = small_group;
        best_sim = 2.0;
      }
      for (std::size_t i = 0; i < sum.size() && !is_small; ++i) {
        if (static_cast<long>(i) == small_group) continue;
        const Eigen::VectorXd gc = sum[i] / size[i] - mean;
        const double den = c.norm() * gc.norm();
        const double sim = den > 0 ? c.dot(gc) / den : 0.0;
        if (sim > best_sim) {
          best_sim = sim;
          best = static_cast<long>(i);
        }
      }
      if (best < 0 || (best_sim < p.threshold && sum.size() < p.groups)) {
        sum.push_back(Eigen::VectorXd::Zero(d));
        size.push_back(0.0);
        out.members.emplace_back();
        out.tokens.push_back(0);
        best = static_cast<long>(sum.size()) - 1;
        if (is_small) small_group = best;
      }
      const auto gi = static_cast<std::size_t>(best);
      sum[gi] += raw * sz;
      size[gi] += sz;
      out.group_of[g] = static_cast<unsigned>(gi);
      out.members[gi].push_back(g);
      out.tokens[gi] += sz;
    }
  }
  // Chunks: each group's clusters in id order, `chunk` at a time.
  out.chunk_of.assign(clusters.clusters(), CentroidGroups::kNoGroup);
  std::vector<unsigned> open(out.members.size(), CentroidGroups::kNoGroup);
  std::vector<Eigen::VectorXd> csum;
  for (unsigned g = 0; g < clusters.clusters(); ++g) {
    const unsigned grp = out.group_of[g];
    if (grp == CentroidGroups::kNoGroup) continue;
    if (open[grp] == CentroidGroups::kNoGroup || out.chunks[open[grp]].size() == p.chunk) {
      open[grp] = static_cast<unsigned>(out.chunks.size());
      out.chunks.emplace_back();
      out.chunk_tokens.push_back(0);
      csum.push_back(Eigen::VectorXd::Zero(d));
    }
    const unsigned ch = open[grp];
    out.chunk_of[g] = ch;
    out.chunks[ch].push_back(g);
    out.chunk_tokens[ch] += clusters.size(g);
    csum[ch] += cents.row(g).transpose().cast<double>() * clusters.size(g);
  }
  out.chunk_centroids.resize(static_cast<Eigen::Index>(csum.size()), d);
  for (std::size_t i = 0; i < csum.size(); ++i)
    out.chunk_centroids.row(static_cast<Eigen::Index>(i)) =
        (csum[i] / static_cast<double>(out.chunk_tokens[i])).cast<float>().transpose();
  return out;
}

}  // namespace starc
