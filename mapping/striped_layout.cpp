#include "mapping/striped_layout.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/core.h>

namespace starc {
namespace {

unsigned ceil_div(unsigned a, unsigned b) { return (a + b - 1) / b; }

}  // namespace

struct StripedLayout::Sizing {
  unsigned capacity_tokens = 0, row_slots = 0, data_rows = 0, tail_rows = 0, centroid_slots = 0;
  unsigned region_slots() const { return (data_rows + tail_rows) * row_slots; }
};

StripedLayout::Sizing StripedLayout::size_regions(const KvHead& head, const ClusteredKeys& c, unsigned n, const pim::Org& org,
                    unsigned capacity, const StripedParams& p) {
  check_head(head, n, "striped layout");
  validate(p);
  if (c.blocks() != n / c.params().block) {
    throw std::invalid_argument(fmt::format(
        "striped layout: {} tokens have {} complete blocks of {}, the clustering holds {}", n,
        n / c.params().block, c.params().block, c.blocks()));
  }
  if (c.blocks() > 0 && c.centroids().cols() != head.keys.cols()) {
    throw std::invalid_argument("striped layout: centroid dimension differs from the head's");
  }
  Sizing s;
  s.capacity_tokens = std::max(n, capacity);
  s.row_slots = org.total_bank_groups() * org.slots_per_row(static_cast<unsigned>(head.keys.cols()));
  s.centroid_slots = s.capacity_tokens / c.params().block * c.params().k;
  s.data_rows = ceil_div(s.capacity_tokens, s.row_slots) + std::min(p.buckets, s.centroid_slots);
  s.tail_rows = ceil_div(c.params().block * (p.sink_block ? 2 : 1), s.row_slots);
  return s;
}

void validate(const StripedParams& p) {
  if (p.buckets == 0) throw std::invalid_argument("striped layout: buckets must be >= 1");
  if (!(p.threshold >= -1.0 && p.threshold <= 1.0)) {
    throw std::invalid_argument(fmt::format("striped layout: threshold {} not in [-1, 1]", p.threshold));
  }
}

unsigned StripedLayout::stripe_slot(unsigned r, unsigned p) const {
  const unsigned g = org().total_bank_groups();
  if (p >= row_slots()) throw std::out_of_range(fmt::format("striped layout: stripe position {}", p));
  return (r * g + p % g) * slots_per_row() + p / g;
}

StripedLayout::StripedLayout(const KvHead& head, const ClusteredKeys& clusters, unsigned n,
                             const pim::Org& org, pim::Fmt fmt, unsigned capacity,
                             const StripedParams& p)
    : StripedLayout(head, clusters, n, org, fmt, p, size_regions(head, clusters, n, org, capacity, p)) {}

StripedLayout::StripedLayout(const KvHead& head, const ClusteredKeys& clusters, unsigned n,
                             const pim::Org& org, pim::Fmt fmt, const StripedParams& p,
                             const Sizing& s)
    : KvLayout(org, fmt, static_cast<unsigned>(head.keys.cols()), n, s.region_slots(),
               s.centroid_slots, 0) {
  kmeans_block_ = clusters.params().block;
  kmeans_k_ = clusters.params().k;
  const unsigned d = head_dim();
  const unsigned rs = row_slots();
  std::vector<unsigned> order(s.region_slots(), kNoToken);

  // Buckets of similar clusters, in global id order.
  struct Bucket {
    Eigen::VectorXd sum;  // size-weighted sum of raw centroids
    double size = 0;
    unsigned row = 0, fill = 0;
  };
  std::vector<Bucket> buckets;
  Eigen::VectorXd total = Eigen::VectorXd::Zero(d);
  double total_size = 0;
  unsigned next_row = 0;
  bucket_of_.assign(clusters.clusters(), kNoToken);
  const Matrix& cents = clusters.centroids();
  const unsigned k = clusters.params().k;
  tail_row_ = s.data_rows;
  unsigned sink_fill = p.sink_block ? clusters.params().block : 0;  // after the open block
  long small_bucket = -1;
  for (unsigned b = 0; b < clusters.blocks(); ++b) {
    for (unsigned j = 0; j < k; ++j) {
      const unsigned g = b * k + j;
      total += cents.row(g).transpose().cast<double>() * clusters.size(g);
      total_size += clusters.size(g);
    }
    if (b == 0 && p.sink_block) {
      for (unsigned j = 0; j < k; ++j) {
        for (unsigned t : clusters.members(j)) {
          order.at(stripe_slot(tail_row_ + sink_fill / rs, sink_fill % rs)) = t;
          ++sink_fill;
        }
      }
      continue;
    }
    const Eigen::VectorXd mean = total / std::max(total_size, 1.0);
    for (unsigned j = 0; j < k; ++j) {
      const unsigned g = b * k + j;
      const unsigned size = clusters.size(g);
      if (size == 0) continue;
      const Eigen::VectorXd raw = cents.row(g).transpose().cast<double>();
      const Eigen::VectorXd c = raw - mean;
      long best = -1;
      double best_sim = -2.0;
      const bool is_small = size < p.small && (small_bucket >= 0 || buckets.size() < p.buckets);
      if (is_small && small_bucket >= 0) {
        best = small_bucket;
        best_sim = 2.0;
      }
      for (std::size_t i = 0; i < buckets.size() && !is_small; ++i) {
        if (static_cast<long>(i) == small_bucket) continue;
        const Eigen::VectorXd bc = buckets[i].sum / buckets[i].size - mean;
        const double den = c.norm() * bc.norm();
        const double sim = den > 0 ? c.dot(bc) / den : 0.0;
        if (sim > best_sim) { best_sim = sim; best = static_cast<long>(i); }
      }
      if (best < 0 || (best_sim < p.threshold && buckets.size() < p.buckets)) {
        buckets.push_back({Eigen::VectorXd::Zero(d), 0.0, next_row++, 0});
        best = static_cast<long>(buckets.size()) - 1;
        if (is_small) small_bucket = best;
      }
      Bucket& bk = buckets[static_cast<std::size_t>(best)];
      bk.sum += raw * size;
      bk.size += size;
      bucket_of_[g] = static_cast<unsigned>(best);
      for (unsigned t : clusters.members(g)) {
        if (bk.fill == rs) { bk.row = next_row++; bk.fill = 0; }
        order.at(stripe_slot(bk.row, bk.fill++)) = t;
      }
    }
  }
  buckets_ = static_cast<unsigned>(buckets.size());
  rows_used_ = next_row;
  if (rows_used_ > s.data_rows) throw std::logic_error("striped layout: bucket rows overflow");
  // The open block's tokens in the tail rows, token j of the block at stripe position j.
  for (unsigned t = clusters.clustered_tokens(); t < n; ++t) {
    const unsigned j = t - clusters.clustered_tokens();
    order.at(stripe_slot(tail_row_ + j / rs, j % rs)) = t;
  }
  place(head, std::move(order));
  for (unsigned g = 0; g < clusters.clusters(); ++g) {
    write_vector(Region::centroids, g, std::span<const float>(cents.row(g).data(), d));
  }
}

}  // namespace starc
