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
// Clustering is not part of the bit-exact path: Eigen products may reorder sums.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "contracts/kv_source.hpp"

namespace starc {

struct KmeansParams {
  unsigned block = 64;          // tokens per block (N)
  unsigned k = 4;               // clusters per block (K)
  unsigned max_iterations = 16;  // Lloyd iteration cap
  double tolerance = 1e-4;      // early stop when no centroid moves more than this
};

// Throws std::invalid_argument naming the bad parameter.
void validate(const KmeansParams& p);

// Result for one block.
struct BlockClusters {
  std::vector<std::uint8_t> assignment;  // cluster id (0..k-1) of each key of the block
  Matrix centroids;                      // [k, D] mean of the raw keys of each cluster
  std::vector<unsigned> sizes;           // members per cluster (may be 0)
  unsigned iterations = 0;               // Lloyd iterations run
};

// Clusters one block: `keys` holds exactly p.block rows.
BlockClusters cluster_block(const Eigen::Ref<const Matrix>& keys, const KmeansParams& p);

// Clusters blocks [0, nblocks) of `keys` (block b = rows b*p.block ..), with `threads` worker
// threads over blocks (0 or 1: the calling thread only).
std::vector<BlockClusters> cluster_blocks(const Eigen::Ref<const Matrix>& keys, unsigned nblocks,
                                          const KmeansParams& p, unsigned threads = 1);

// The clustered part of one head's key cache, grown by decode-time appends.
//
// Global cluster id g = block * k + cluster. The cluster order of the tokens (`order()`) lists
// block 0's cluster 0 members (ascending token index), then its cluster 1 members, ..., then
// block 1: exactly the slot order of the cluster layout (docs/design.md section 4).
class ClusteredKeys {
 public:
  explicit ClusteredKeys(const KmeansParams& p = {});

  const KmeansParams& params() const { return p_; }

  // The context now holds keys[0, n): clusters every complete block not clustered yet.
  // `keys` must extend the keys seen before (same head); n may not shrink.
  void extend(const Eigen::Ref<const Matrix>& keys, unsigned threads = 1);
  // Forgets everything (a new head).
  void clear();

  unsigned blocks() const { return static_cast<unsigned>(blocks_.size()); }
  unsigned clusters() const { return blocks() * p_.k; }
  unsigned clustered_tokens() const { return blocks() * p_.block; }
  const BlockClusters& block(unsigned b) const { return blocks_.at(b); }

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
  std::vector<BlockClusters> blocks_;
  Matrix centroids_;
  std::vector<unsigned> order_;
  std::vector<unsigned> offsets_{0};
  unsigned dim_ = 0;
};

}  // namespace starc
