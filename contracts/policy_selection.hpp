// What a sparsity policy decides for one decode step of one head (docs/design.md section 6): the
// tokens to attend, and what the decision itself had to read. Produced by the policies
// (policy.hpp), turned into DRAM reads by a layout (mapping/kv_layout.hpp), scored by the
// fidelity metrics (fidelity.hpp).
#pragma once

#include <cmath>
#include <vector>

namespace starc {

// The one order of every score ranking (docs/design.md section 6): descending score, +0 = -0,
// +inf first, every NaN after every number (-inf included), ties (NaN with NaN too) to the
// lower index. The host rankings (rank_descending, top_indices), the golden centroid selection
// (host/centroid_select) and the RTL centroid-match unit (rtl/centroid_match.sv) all use it, so
// infinite and NaN scores (bf16 data near its range) rank alike everywhere. A binary32 score
// converts to double exactly, so the order is the same on either.
inline bool ranks_higher(double sa, unsigned ia, double sb, unsigned ib) {
  const bool na = std::isnan(sa), nb = std::isnan(sb);
  if (na != nb) return nb;  // the number ranks before the NaN
  if (!na && sa != sb) return sa > sb;
  return ia < ib;
}

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
