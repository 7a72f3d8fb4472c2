// Cluster layout (docs/design.md section 4), used by STARC: the first clustered_tokens() slots hold
// the clustered blocks, block by block, each block's clusters one after the other in slot
// order (cluster g occupies slots [offset(g), offset(g + 1)), members in ascending token
// index), so a 64-token block fills 4 BG-rows with D = 128 and a cluster may straddle two
// BG-rows. The unclustered recent tokens (after the last complete block) follow in token
// order, i.e. token t in slot t. The centroid region holds the centroid of cluster g in slot
// g, rounded to the input format: that is what the banks score in dot mode.
//
// When the next block completes, its tokens move from token order to cluster order; tokens of
// earlier blocks never move.
#pragma once

#include "mapping/kmeans.hpp"
#include "mapping/kv_layout.hpp"

namespace starc {

class ClusterLayout final : public KvLayout {
 public:
  // Places the first n tokens of `head`; `clusters` must hold exactly the n / block complete
  // blocks of those tokens. capacity: tokens to size the regions for (0: n).
  ClusterLayout(const KvHead& head, const ClusteredKeys& clusters, unsigned n, const pim::Org& org,
                pim::Fmt fmt, unsigned capacity = 0);
  std::string_view name() const override { return "cluster"; }

  unsigned block() const { return kmeans_block_; }
  unsigned clusters_per_block() const { return kmeans_k_; }
  unsigned clusters() const { return static_cast<unsigned>(offsets_.size()) - 1; }
  // Key/value slots of cluster g: [cluster_begin(g), cluster_begin(g + 1)).
  unsigned cluster_begin(unsigned g) const { return offsets_.at(g); }

 private:
  std::vector<unsigned> offsets_;
};

}  // namespace starc
