// Striped layout (issue 11), STARC's default: the clusters of a head are striped across the
// bank groups and co-located by centroid similarity, so that a selection turns into few row
// activations and full-mask MACABs of the lockstep controller.
//
// A "row" here is one row index across all G bank groups of the key (or value) region: G x
// slots_per_row slots (256 with the paper's channel and D = 128). Inside a row, stripe position
// p is slot p / G of bank group p % G, i.e. consecutive positions go to consecutive bank groups
// at the same slot: 16 consecutive tokens of a cluster are one slot in all 16 bank groups, read
// by cols_per_token MACABs with a full mask.
//
// Placement (keys only, never queries; deterministic, replayed from block 0):
//   - clusters are taken in global id order (block by block) and put into "buckets": a bucket
//     is a chain of rows holding clusters with similar centroids. Similarity is the cosine of
//     the centred centroids (minus the size-weighted mean of every centroid so far, which
//     removes the constant outlier channels of real key caches): a cluster joins the most
//     similar bucket if the cosine is at least `threshold`, otherwise it opens a new bucket,
//     unless `buckets` are open already, in which case it joins the most similar one;
//   - a cluster's members (ascending token index) take the next stripe positions of its
//     bucket's current row; a full row is followed by the next free row of the region, so a
//     cluster may straddle two rows of its bucket;
//   - the unclustered recent tokens (after the last complete block) sit in the tail rows at the
//     end of the region, token j of the open block at stripe position j; with `sink_block`,
//     block 0 (the attention sinks of real heads, attended by almost every query) follows them
//     in the tail rows, cluster by cluster, instead of joining a bucket: the tail is read at
//     every step anyway, so the sinks cost no row of their own;
//   - with `small` > 0, clusters with fewer members than `small` share one bucket (measured:
//     no gain on the synthetic workload, off by default).
// Decode-time append: a completed block's tokens move from the tail to their buckets (as in the
// cluster layout: at most `block` tokens per completed block); tokens of earlier blocks never
// move, since earlier decisions do not depend on later blocks.
//
// The buckets are the groups of mapping/centroid_groups.hpp (the same function, so the layout
// and the hierarchical selection agree on them).
//
// Every row but each bucket's current one is full, so the key region needs at most
// ceil(capacity / row) + buckets + tail rows. Centroids: by default the cluster layout's
// (centroid g in slot g): consecutive centroids fill whole rows, scored with full masks. With
// `group_centroids` (hierarchical selection) each chunk of a group (centroid_groups.hpp) has
// its own centroid stripes (a stripe: one slot index in every bank group of one row, G
// centroids, read by cols_per_token full-mask MACABs), the clusters without a group (block 0)
// theirs, allocated in cluster id order; and the chunks' super-centroids fill the group region
// densely (chunk i at stripe position i of row 0, 1, ...). With `group_rows` every group's
// chunk stripes come from that group's own chain of centroid rows (at most `buckets` more rows).
#pragma once

#include "mapping/centroid_groups.hpp"
#include "mapping/kmeans.hpp"
#include "mapping/kv_layout.hpp"

namespace starc {

struct StripedParams {
  unsigned buckets = 64;    // most buckets (rows partially filled at any time)
  double threshold = 0.5;   // cosine of centred centroids to join a bucket
  unsigned small = 0;       // clusters with fewer members share one bucket of their own (0: off)
  bool sink_block = true;   // block 0 (the attention sinks) shares the tail row
  bool group_centroids = false;  // centroids in per-group stripes, super-centroid region
  unsigned chunk = 16;      // hierarchical selection: clusters per first-level chunk
  // With group_centroids: the chunk stripes of a group share rows (each group a chain of centroid
  // rows, a new row when its row's stripes are used up), so the chosen chunks of a query, which
  // mostly belong to a few groups, are read from few rows. Off: stripes in allocation order
  // (one shared chain; fewest rows, what the small channel needs).
  bool group_rows = false;
  GroupingParams grouping() const { return {buckets, threshold, small, sink_block, chunk}; }
};

// Throws std::invalid_argument naming the bad parameter.
void validate(const StripedParams& p);

class StripedLayout final : public KvLayout {
 public:
  // Places the first n tokens of `head`; `clusters` must hold exactly the n / block complete
  // blocks of those tokens. capacity: tokens to size the regions for (0: n).
  // `groups`, when given, must be group_clusters(clusters, p.grouping()) (a policy that groups
  // the same clusters passes its own, so that they are computed once per step).
  StripedLayout(const KvHead& head, const ClusteredKeys& clusters, unsigned n, const pim::Org& org,
                pim::Fmt fmt, unsigned capacity = 0, const StripedParams& p = {},
                const CentroidGroups* groups = nullptr);
  std::string_view name() const override { return "striped"; }

  // Slots of one row (all bank groups), and the key/value slot of stripe position p of row r
  // (relative to the region's base row).
  unsigned row_slots() const { return org().total_bank_groups() * slots_per_row(); }
  unsigned stripe_slot(unsigned r, unsigned p) const;
  // Bucket of cluster g (kNoToken: block 0 in the tail rows, or an empty cluster), and the
  // number of buckets used.
  unsigned bucket_of(unsigned g) const { return bucket_of_.at(g); }
  unsigned buckets() const { return buckets_; }
  // Rows of the region holding clustered tokens (the tail rows excluded).
  unsigned rows_used() const { return rows_used_; }
  unsigned tail_row() const { return tail_row_; }

  // Rows per bank the layout of `capacity` tokens takes (blocks of `block` tokens, `k` clusters
  // each, head dimension `dim`), computed from the sizes alone: checked before any work.
  static unsigned rows_needed(const pim::Org& org, unsigned dim, unsigned capacity, unsigned block, unsigned k,
                              const StripedParams& p);

 private:
  struct Sizing;
  static Sizing sizes(const pim::Org& org, unsigned dim, unsigned capacity, unsigned block, unsigned k,
                      const StripedParams& p);
  static Sizing size_regions(const KvHead& head, const ClusteredKeys& c, unsigned n,
                             const pim::Org& org, unsigned capacity, const StripedParams& p);
  StripedLayout(const KvHead& head, const ClusteredKeys& clusters, unsigned n, const pim::Org& org,
                pim::Fmt fmt, const StripedParams& p, const Sizing& s, const CentroidGroups& groups);

  std::vector<unsigned> bucket_of_;
  unsigned buckets_ = 0, rows_used_ = 0, tail_row_ = 0;
};

}  // namespace starc
