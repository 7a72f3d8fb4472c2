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
  unsigned group_slots = 0;
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
  return sizes(org, static_cast<unsigned>(head.keys.cols()), std::max(n, capacity), c.params().block, c.params().k, p);
}

StripedLayout::Sizing StripedLayout::sizes(const pim::Org& org, unsigned dim, unsigned capacity, unsigned block,
                                            unsigned k, const StripedParams& p) {
  Sizing s;
  s.capacity_tokens = capacity;
  s.row_slots = org.total_bank_groups() * org.slots_per_row(dim);
  const unsigned clusters = s.capacity_tokens / block * k;
  const unsigned buckets = std::min(p.buckets, clusters);
  s.centroid_slots = clusters;
  if (p.group_centroids) {
    // Chunk stripes (chunks <= clusters / chunk + groups) and the
    // stripes of block 0's clusters; the chunks' super-centroids densely.
    const unsigned g = org.total_bank_groups();
    const unsigned chunks = clusters / p.chunk + buckets + 1;
    // A chunk of m clusters takes ceil(m / G) <= m / G + 1 stripes (one stripe per chunk when
    // chunk = G).
    const unsigned stripes = ceil_div(clusters, g) + chunks + ceil_div(k, g) + 1;
    // Per-group rows: every group's chain has at most one row not full, plus the loose stripes'.
    const unsigned rows = ceil_div(stripes, s.row_slots / g) + (p.group_rows ? buckets + 1 : 0);
    s.centroid_slots = rows * s.row_slots;
    s.group_slots = ceil_div(chunks, s.row_slots) * s.row_slots;
  }
  s.data_rows = ceil_div(s.capacity_tokens, s.row_slots) + buckets;
  s.tail_rows = ceil_div(block * (p.sink_block ? 2 : 1), s.row_slots);
  return s;
}

unsigned StripedLayout::rows_needed(const pim::Org& org, unsigned dim, unsigned capacity, unsigned block, unsigned k,
                                    const StripedParams& p) {
  const Sizing s = sizes(org, dim, capacity, block, k, p);
  return rows_for(org, dim, s.region_slots(), s.centroid_slots, 0, s.group_slots);
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
                             const StripedParams& p, const CentroidGroups* groups)
    : StripedLayout(head, clusters, n, org, fmt, p, size_regions(head, clusters, n, org, capacity, p),
                    groups ? *groups : group_clusters(clusters, p.grouping())) {}

StripedLayout::StripedLayout(const KvHead& head, const ClusteredKeys& clusters, unsigned n,
                             const pim::Org& org, pim::Fmt fmt, const StripedParams& p,
                             const Sizing& s, const CentroidGroups& groups)
    : KvLayout(org, fmt, static_cast<unsigned>(head.keys.cols()), n, s.region_slots(),
               s.centroid_slots, 0, s.group_slots) {
  kmeans_block_ = clusters.params().block;
  kmeans_k_ = clusters.params().k;
  const unsigned d = head_dim();
  const unsigned rs = row_slots();
  std::vector<unsigned> order(s.region_slots(), kNoToken);

  // Buckets of similar clusters (the groups of centroid_groups.hpp), replayed in global id
  // order: a bucket takes the next free row when its first cluster arrives and when its row is
  // full.
  if (groups.group_of.size() != clusters.clusters())
    throw std::logic_error("striped layout: the groups are not those of the clusters");
  const Matrix& cents = clusters.centroids();
  std::vector<unsigned> bucket_row, bucket_fill;
  unsigned next_row = 0;
  bucket_of_ = groups.group_of;
  tail_row_ = s.data_rows;
  unsigned sink_fill = p.sink_block ? clusters.params().block : 0;  // after the open block
  for (unsigned g = 0; g < clusters.clusters(); ++g) {
    const unsigned b = groups.group_of[g];
    if (clusters.in_first_block(g) && p.sink_block) {
      for (unsigned t : clusters.members(g)) {
        order.at(stripe_slot(tail_row_ + sink_fill / rs, sink_fill % rs)) = t;
        ++sink_fill;
      }
      continue;
    }
    if (b == CentroidGroups::kNoGroup) continue;  // empty cluster
    if (b == bucket_row.size()) {
      bucket_row.push_back(next_row++);
      bucket_fill.push_back(0);
    }
    for (unsigned t : clusters.members(g)) {
      if (bucket_fill[b] == rs) {
        bucket_row[b] = next_row++;
        bucket_fill[b] = 0;
      }
      order.at(stripe_slot(bucket_row[b], bucket_fill[b]++)) = t;
    }
  }
  buckets_ = groups.groups();
  rows_used_ = next_row;
  if (rows_used_ > s.data_rows) throw std::logic_error("striped layout: bucket rows overflow");
  // The open block's tokens in the tail rows, token j of the block at stripe position j.
  for (unsigned t = clusters.clustered_tokens(); t < n; ++t) {
    const unsigned j = t - clusters.clustered_tokens();
    order.at(stripe_slot(tail_row_ + j / rs, j % rs)) = t;
  }
  place(head, std::move(order));
  if (!p.group_centroids) {
    for (unsigned g = 0; g < clusters.clusters(); ++g) {
      write_vector(Region::centroids, g, std::span<const float>(cents.row(g).data(), d));
    }
    return;
  }
  // Centroid stripes: each chunk's clusters in its own stripes (allocated when the chunk opens,
  // in cluster id order), block 0's clusters in stripes of their own; empty clusters (never
  // selected) are not stored.
  const unsigned bgs = org.total_bank_groups(), spr = slots_per_row();
  auto stripe_position = [&](unsigned stripe, unsigned pos) {  // pos < bank groups
    return ((stripe / spr) * bgs + pos) * spr + stripe % spr;
  };
  std::vector<unsigned> chunk_stripe(groups.chunk_count(), kNoToken), chunk_fill(groups.chunk_count(), 0);
  unsigned next_stripe = 0, loose_stripe = kNoToken, loose_fill = 0;
  // group_rows: per group, its current centroid row's next stripe and the stripes left in it.
  std::vector<unsigned> group_next(groups.groups(), 0), group_left(groups.groups(), 0);
  unsigned next_crow = 0;  // group_rows: the next free centroid row
  auto new_stripe = [&](unsigned group) {
    if (!p.group_rows) return next_stripe++;
    if (group == CentroidGroups::kNoGroup) {
      // The loose stripes (block 0) form a chain of their own, in the last group's slot.
      group = groups.groups();
      if (group_next.size() == group) {
        group_next.push_back(0);
        group_left.push_back(0);
      }
    }
    if (group_left[group] == 0) {
      group_next[group] = next_crow++ * spr;
      group_left[group] = spr;
    }
    --group_left[group];
    return group_next[group]++;
  };
  centroid_slot_.assign(clusters.clusters(), kNoToken);
  cluster_at_centroid_.assign(region_slots(Region::centroids), kNoToken);
  for (unsigned g = 0; g < clusters.clusters(); ++g) {
    if (clusters.size(g) == 0) continue;
    const unsigned ch = groups.chunk_of[g];
    unsigned slot = 0;
    if (ch == CentroidGroups::kNoGroup) {
      if (loose_stripe == kNoToken || loose_fill == bgs) {
        loose_stripe = new_stripe(CentroidGroups::kNoGroup);
        loose_fill = 0;
      }
      slot = stripe_position(loose_stripe, loose_fill++);
    } else {
      if (chunk_fill[ch] % bgs == 0) chunk_stripe[ch] = new_stripe(groups.group_of[g]);  // the chunk's next stripe
      const unsigned j = chunk_fill[ch]++;
      slot = stripe_position(chunk_stripe[ch], j % bgs);
    }
    centroid_slot_[g] = slot;
    cluster_at_centroid_.at(slot) = g;
    write_vector(Region::centroids, slot, std::span<const float>(cents.row(g).data(), d));
  }
  group_slot_.assign(groups.chunk_count(), kNoToken);
  group_at_.assign(region_slots(Region::groups), kNoToken);
  for (unsigned i = 0; i < groups.chunk_count(); ++i) {
    const unsigned slot = stripe_position(i / bgs, i % bgs);
    group_slot_[i] = slot;
    group_at_.at(slot) = i;
    write_vector(Region::groups, slot, std::span<const float>(groups.chunk_centroids.row(i).data(), d));
  }
}

}  // namespace starc
