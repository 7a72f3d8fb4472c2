// What a sparsity policy decides for one decode step of one head (docs/design.md section 6): the
// tokens to attend, and what the decision itself had to read. Produced by the policies
// (policy.hpp), turned into DRAM reads by a layout (mapping/kv_layout.hpp), scored by the
// fidelity metrics (fidelity.hpp).
#pragma once

#include <vector>

namespace starc {

// What the selection itself reads from DRAM before the key phase.
enum class SelectionCost {
  none,       // dense, oracle
  centroids,  // starc: every centroid of the clustered blocks, scored in dot mode
  groups,     // starc, hierarchical: the super-centroids of the cluster groups (first round)
  page_meta,  // quest: min/max key metadata of every page
  dims,       // tokenwise: the chosen query dimensions of every key
};

// One cluster picked by the STARC budget fill (the centroid-match unit's output).
struct ClusterPick {
  unsigned cluster = 0;  // global cluster id (block * K + cluster in block)
  unsigned size = 0;     // members of the cluster
  unsigned taken = 0;    // members attended (< size only for the last, cut cluster)
  double score = 0.0;    // centroid score the order was decided on
};

struct Selection {
  unsigned context = 0;              // tokens in the context (n); the tokens are 0..n-1
  std::vector<unsigned> tokens;      // attended tokens, ascending, unique
  SelectionCost cost = SelectionCost::none;
  std::vector<ClusterPick> clusters;  // starc: picks in selection order
  unsigned recent = 0;                // starc: unclustered recent tokens attended (always)
  std::vector<unsigned> pages;        // quest: selected pages in selection order
  std::vector<unsigned> dims;         // tokenwise: the r query dimensions scored, ascending
};

}  // namespace starc
