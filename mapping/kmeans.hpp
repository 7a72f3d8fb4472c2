// STARC clustering (docs/design.md sections 4 and 6): cosine k-means per block of keys.
//
// Per block of `block` consecutive keys, `k` clusters:
//   - keys are L2-normalised for the assignment only (a zero key stays the zero vector);
//   - the assignment centroids start as the normalised first k keys of the block;
//   - each Lloyd iteration assigns every key to the centroid of highest cosine (ties: lower
//     cluster id), then moves each non-empty cluster's assignment centroid to the normalised
//     mean of its normalised keys (spherical k-means); an empty cluster keeps its previous
//     centroid;
//   - at most `max_iterations` iterations; it stops early when no assignment centroid moved by
//     more than `tolerance` (L2 distance between unit vectors);
//   - the stored centroid of a cluster is the mean of the raw keys of its final members (an
//     empty cluster keeps its previous stored centroid, initially its seed key).
// Blocks are independent, so clustering is deterministic and identical for any thread count.
//
// Decode-time append (docs/design.md section 5, step 6): ClusteredKeys clusters each complete block
// once, when its last key arrives; tokens after the last complete block stay unclustered;
// clusters of earlier blocks never change.
//
// Window clustering (issue 19, beyond the paper; `window` > block, docs/design.md section 6):
// the same density of clusters (k per block, i.e. window / block x k per window) but over a
// window of `window` tokens, so that a cluster gathers one topic's tokens from the whole window
// (the segmented clustering of RetroInfer, and ClusterKV's clustering in the key space instead
// of fixed pages). Then:
//   - segments (ClusteredKeys): block 0 (the attention sinks) is clustered alone, as in the
//     paper; the blocks after it form windows of window / block blocks; the complete blocks
//     after the last complete window form a binary decomposition into segments of 2^i blocks
//     (largest first), each clustered with the same density: when a block completes, the
//     smallest segments merge and are clustered again (a log-structured merge: a token is
//     re-clustered at most log2(window / block) times before its window is complete). The
//     segments depend only on the context length, so the clustering is a function of the
//     tokens, whatever the order of extend() calls;
//   - seeding (`seeding`): the block's first k keys (the paper's), farthest-point (the first
//     key, then repeatedly the key of lowest cosine to its nearest seed, ties lower index), or
//     k-means++ (D^2 sampling on the cosine distance, std::mt19937_64 seeded with the window's
//     first token index, our own uniform draw): deterministic either way;
//   - centring (`centre`): the window's mean key is subtracted before the normalisation, so
//     that constant outlier channels (which shift every logit alike and do not change
//     attention) do not dominate the cosine;
//   - size cap (`max_size`, 0: none): every assignment is capacity-constrained (keys in
//     descending order of their best cosine, ties lower index, each to its most similar cluster
//     with room), so no cluster exceeds the centroid-match unit's 64-token size field;
//   - cluster ids: a segment's clusters are numbered as a chain of similar centroids (the
//     cluster of the segment's first token, then repeatedly the most similar remaining one by
//     the cosine of the centred centroids; empty ones last), so that the hierarchical
//     selection's chunks (runs of consecutive ids of a group) hold similar clusters;
//   - member order (`order`): members in ascending token index (the paper's), or by
//     descending projection of the (centred) key on the cluster's (centred) centroid direction,
//     so that the budget fill's cut cluster keeps its most central members.
// The paper's clustering is window = block with seeding first, no centring, no cap, token
// order (KmeansParams::paper()).
//
// Clustering is not part of the bit-exact path: Eigen products may reorder sums.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "contracts/kv_source.hpp"

namespace starc {

enum class Seeding { first, farthest, kmeanspp };
enum class MemberOrder { token, centroid };

struct KmeansParams {
  unsigned block = 64;          // tokens per block (N)
  unsigned k = 4;               // clusters per block (K)
  unsigned max_iterations = 16;  // Lloyd iteration cap
  double tolerance = 1e-4;      // early stop when no centroid moves more than this
  // Window clustering (above): tokens per window, a multiple of block; 0 or block: per block.
  unsigned window = 0;
  Seeding seeding = Seeding::first;
  bool centre = false;          // subtract the window's mean key before normalising
  unsigned max_size = 0;        // most members per cluster (0: no cap)
  MemberOrder order = MemberOrder::token;

  // Clusters per window (window / block x k); k for the paper's clustering.
  unsigned window_clusters() const { return windowed() ? window / block * k : k; }
  bool windowed() const { return window > block; }
  // The paper's clustering (docs/design.md section 6): per block, first-k seeds, token order.
  static KmeansParams paper() { return {}; }
  // STARC's default in `starcsim` (issue 19): windows of 1024 tokens (64 clusters each),
  // farthest-point seeding, no centring, clusters of at most 32 tokens, members by projection
  // (measured choices: docs/design.md section 6).
  static KmeansParams windowed_default() {
    KmeansParams p;
    p.window = 1024;
    p.seeding = Seeding::farthest;
    p.centre = false;
    p.max_size = 32;
    p.order = MemberOrder::centroid;
    return p;
  }
};

// Names of the enums (flags and reports) and their parsers (std::invalid_argument).
const char* seeding_name(Seeding s);
Seeding parse_seeding(std::string_view name);
const char* member_order_name(MemberOrder o);
MemberOrder parse_member_order(std::string_view name);

// Throws std::invalid_argument naming the bad parameter.
void validate(const KmeansParams& p);

// Result for one block (or one segment of window clustering).
struct BlockClusters {
  std::vector<std::uint8_t> assignment;  // cluster id (0..k-1) of each key of the block
  Matrix centroids;                      // [k, D] mean of the raw keys of each cluster
  std::vector<unsigned> sizes;           // members per cluster (may be 0)
  unsigned iterations = 0;               // Lloyd iterations run
  // Per key: projection of the (centred) key on its cluster's (centred) centroid direction.
  std::vector<float> projection;
};

// Clusters one block: `keys` holds exactly p.block rows.
BlockClusters cluster_block(const Eigen::Ref<const Matrix>& keys, const KmeansParams& p);
// Clusters any number of keys (>= k) into k clusters with p's seeding, centring, size cap
// and iteration rules; `first_token` seeds k-means++ (the keys' first token index).
BlockClusters cluster_keys(const Eigen::Ref<const Matrix>& keys, unsigned k, const KmeansParams& p,
                           unsigned first_token = 0);

// Clusters blocks [0, nblocks) of `keys` (block b = rows b*p.block ..), with `threads` worker
// threads over blocks (0 or 1: the calling thread only).
std::vector<BlockClusters> cluster_blocks(const Eigen::Ref<const Matrix>& keys, unsigned nblocks,
                                          const KmeansParams& p, unsigned threads = 1);

// A run of consecutive tokens clustered together: one block (the paper's), a window, or a
// merge segment of window clustering (above).
struct Segment {
  unsigned first = 0, tokens = 0;  // tokens [first, first + tokens)
  unsigned first_cluster = 0;      // global id of its cluster 0
  BlockClusters clusters;
};

// The segments of the first n tokens under p, in token order, as {first, tokens} (the
// clustering and first_cluster left empty): whole blocks only.
std::vector<Segment> segments_for(unsigned n, const KmeansParams& p);

// The clustered part of one head's key cache, grown by decode-time appends.
//
// Global cluster ids run over the segments in token order, each segment's k_s = tokens /
// block x k clusters in a row (the paper's: g = block * k + cluster). The cluster order of the
// tokens (`order()`) lists segment 0's cluster 0 members (member order above), then its
// cluster 1 members, ..., then segment 1: exactly the slot order of the cluster layout
// (docs/design.md section 4). Cluster g < k belongs to block 0 (the sinks) in both modes.
class ClusteredKeys {
 public:
  explicit ClusteredKeys(const KmeansParams& p = {});

  const KmeansParams& params() const { return p_; }

  // The context now holds keys[0, n): clusters every complete block not clustered yet.
  // `keys` must extend the keys seen before (same head); n may not shrink.
  void extend(const Eigen::Ref<const Matrix>& keys, unsigned threads = 1);
  // Forgets everything (a new head).
  void clear();

  // Complete blocks clustered (in some segment).
  unsigned blocks() const { return clustered_tokens() / p_.block; }
  unsigned clusters() const { return static_cast<unsigned>(offsets_.size()) - 1; }
  unsigned clustered_tokens() const {
    return segments_.empty() ? 0 : segments_.back().first + segments_.back().tokens;
  }
  const std::vector<Segment>& segments() const { return segments_; }
  // Block b's clustering (the paper's clustering only: every segment is one block).
  const BlockClusters& block(unsigned b) const;
  // True for the clusters of block 0 (the attention sinks), which is always its own segment.
  bool in_first_block(unsigned g) const { return g < p_.k; }

  // [clusters(), D] stored centroids (raw key means), row g = cluster g.
  const Matrix& centroids() const { return centroids_; }
  unsigned size(unsigned g) const { return offsets_.at(g + 1) - offsets_.at(g); }
  // Members of cluster g, ascending token index.
  std::span<const unsigned> members(unsigned g) const {
    return std::span<const unsigned>(order_).subspan(offsets_.at(g), size(g));
  }
  // Clustered tokens in cluster order (see above), and the start of each cluster in it.
  const std::vector<unsigned>& order() const { return order_; }
  const std::vector<unsigned>& offsets() const { return offsets_; }

 private:
  KmeansParams p_;
  std::vector<Segment> segments_;
  Matrix centroids_;
  std::vector<unsigned> order_;
  std::vector<unsigned> offsets_{0};
  unsigned dim_ = 0;
};

}  // namespace starc
