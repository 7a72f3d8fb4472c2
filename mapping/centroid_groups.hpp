// The second level above STARC's clusters (docs/design.md sections 4 and 6): clusters with
// similar centroids form groups. The striped layout stores each group's clusters in the same
// rows (and its centroids in the same centroid stripes); the hierarchical selection scores one
// super-centroid per group first and then only the centroids of the chosen groups.
//
// Grouping (keys only, never queries; deterministic, replayed from block 0, so the groups of
// earlier blocks never change when blocks are added): clusters are taken in global id order;
// similarity is the cosine of the centred centroids (minus the size-weighted mean of every
// centroid so far, which removes the constant outlier channels of real key caches); a cluster
// joins the most similar group if the cosine is at least `threshold`, otherwise it opens a new
// group, unless `groups` are open already, in which case it joins the most similar one. With
// `sink_block`, the clusters of block 0 (the attention sinks) belong to no group (kNoGroup) and
// the hierarchical selection always scores them. Empty clusters belong to no group. With
// `small` > 0, clusters with fewer members share one group of their own (off by default).
// Each group's clusters, in id order, are cut into chunks of at most `chunk` clusters (a new
// chunk opens when the group's current one is full); a chunk's super-centroid is the
// size-weighted mean of its clusters' raw centroids. The chunks are the first level of the
// hierarchical selection; with `chunk` = the bank-group count, the striped layout stores a
// chunk's centroids in one centroid stripe, read by full-mask MACABs.
#pragma once

#include <limits>
#include <vector>

#include "mapping/kmeans.hpp"

namespace starc {

struct GroupingParams {
  unsigned groups = 64;     // most groups
  double threshold = 0.5;   // cosine of centred centroids to join a group
  unsigned small = 0;       // clusters with fewer members share one group (0: off)
  bool sink_block = true;   // block 0 (the attention sinks) belongs to no group
  unsigned chunk = 16;      // clusters per chunk (first-level entry)
};
// Throws std::invalid_argument naming a bad parameter.
void validate(const GroupingParams& p);

struct CentroidGroups {
  static constexpr unsigned kNoGroup = std::numeric_limits<unsigned>::max();
  std::vector<unsigned> group_of;               // per cluster: its group or kNoGroup
  std::vector<std::vector<unsigned>> members;   // per group: its clusters, ascending
  std::vector<unsigned> tokens;                 // per group: tokens of its clusters
  std::vector<std::vector<unsigned>> chunks;    // per chunk: its clusters, ascending
  std::vector<unsigned> chunk_tokens;           // per chunk: tokens of its clusters
  std::vector<unsigned> chunk_of;               // per cluster: its chunk or kNoGroup
  Matrix chunk_centroids;                       // [chunks, D] super-centroids (float)
  unsigned groups() const { return static_cast<unsigned>(members.size()); }
  unsigned chunk_count() const { return static_cast<unsigned>(chunks.size()); }
};

CentroidGroups group_clusters(const ClusteredKeys& clusters, const GroupingParams& p);

}  // namespace starc
