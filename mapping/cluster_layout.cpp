#include "mapping/cluster_layout.hpp"

#include <stdexcept>

#include <fmt/core.h>

namespace starc {
namespace {
unsigned centroid_slots(const KvHead& head, const ClusteredKeys& c, unsigned n, unsigned capacity) {
  check_head(head, n, "cluster layout");
  if (c.blocks() != n / c.params().block) {
    throw std::invalid_argument(fmt::format(
        "cluster layout: {} tokens have {} complete blocks of {}, the clustering holds {}", n,
        n / c.params().block, c.params().block, c.blocks()));
  }
  if (c.blocks() > 0 && c.centroids().cols() != head.keys.cols()) {
    throw std::invalid_argument("cluster layout: centroid dimension differs from the head's");
  }
  return std::max(n, capacity) / c.params().block * c.params().k;
}
}  // namespace

ClusterLayout::ClusterLayout(const KvHead& head, const ClusteredKeys& clusters, unsigned n,
                             const pim::Org& org, pim::Fmt fmt, unsigned capacity)
    : KvLayout(org, fmt, static_cast<unsigned>(head.keys.cols()), n, capacity,
               centroid_slots(head, clusters, n, capacity), 0) {
  kmeans_block_ = clusters.params().block;
  kmeans_k_ = clusters.params().k;
  offsets_ = clusters.offsets();
  std::vector<unsigned> order = clusters.order();
  for (unsigned t = clusters.clustered_tokens(); t < n; ++t) order.push_back(t);
  place(head, std::move(order));
  const Matrix& c = clusters.centroids();
  for (unsigned g = 0; g < clusters.clusters(); ++g) {
    write_vector(Region::centroids, g, std::span<const float>(c.row(g).data(), head_dim()));
  }
}

}  // namespace starc
