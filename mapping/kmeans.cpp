#include "mapping/kmeans.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <thread>

#include <fmt/core.h>

namespace starc {

void validate(const KmeansParams& p) {
  if (p.k == 0) throw std::invalid_argument("k-means: cluster count k must be >= 1");
  if (p.k > 255) throw std::invalid_argument(fmt::format("k-means: cluster count k = {} exceeds 255", p.k));
  if (p.block < p.k) {
    throw std::invalid_argument(
        fmt::format("k-means: block size {} is smaller than the cluster count {}", p.block, p.k));
  }
  if (p.max_iterations == 0) throw std::invalid_argument("k-means: iteration cap must be >= 1");
  if (!(p.tolerance >= 0.0)) throw std::invalid_argument("k-means: tolerance must be >= 0");
}

BlockClusters cluster_block(const Eigen::Ref<const Matrix>& keys, const KmeansParams& p) {
  validate(p);
  const Eigen::Index n = keys.rows();
  const Eigen::Index d = keys.cols();
  const Eigen::Index k = p.k;
  if (n != static_cast<Eigen::Index>(p.block) || d == 0) {
    throw std::invalid_argument(
        fmt::format("k-means: block has {} keys of dimension {}, expected {} keys", n, d, p.block));
  }

  // Unit keys for the assignment (zero keys stay zero).
  Matrix unit = keys;
  for (Eigen::Index i = 0; i < n; ++i) {
    const float norm = unit.row(i).norm();
    if (norm > 0.0f) unit.row(i) /= norm;
  }

  BlockClusters out;
  out.assignment.assign(static_cast<std::size_t>(n), 0);
  out.sizes.assign(p.k, 0);
  Matrix unit_centroids = unit.topRows(k);

  // The raw means are only needed for the final assignment, except for a cluster that ends
  // empty: it keeps the raw mean of the last assignment in which it had members (or its seed).
  std::vector<std::vector<std::uint8_t>> last_nonempty(p.k);
  Matrix unit_sum(k, d);
  Eigen::MatrixXf sim(n, k);
  // Column-major copy: the similarities become k matrix-vector products over contiguous
  // columns (vectorised across tokens, no horizontal sums).
  const Eigen::MatrixXf unit_cm = unit;
  for (unsigned it = 1; it <= p.max_iterations; ++it) {
    out.iterations = it;
    for (Eigen::Index j = 0; j < k; ++j) {
      sim.col(j).noalias() = unit_cm * unit_centroids.row(j).transpose();
    }
    std::fill(out.sizes.begin(), out.sizes.end(), 0u);
    unit_sum.setZero();
    for (Eigen::Index i = 0; i < n; ++i) {
      Eigen::Index best = 0;
      float best_sim = sim(i, 0);
      for (Eigen::Index j = 1; j < k; ++j) {
        if (sim(i, j) > best_sim) {  // strict: ties keep the lower id
          best_sim = sim(i, j);
          best = j;
        }
      }
      out.assignment[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(best);
      ++out.sizes[static_cast<std::size_t>(best)];
      unit_sum.row(best) += unit.row(i);
    }
    float max_move = 0.0f;
    bool last = it == p.max_iterations;
    for (Eigen::Index j = 0; j < k; ++j) {
      if (out.sizes[static_cast<std::size_t>(j)] == 0) continue;  // empty: keeps its centroid
      const float norm = unit_sum.row(j).norm();
      if (norm == 0.0f) continue;
      const Eigen::RowVectorXf moved = unit_sum.row(j) / norm;
      max_move = std::max(max_move, (moved - unit_centroids.row(j)).norm());
      unit_centroids.row(j) = moved;
    }
    if (static_cast<double>(max_move) <= p.tolerance) last = true;
    if (!last) {
      // Remember the assignment for clusters that have members now, in case they empty later.
      for (unsigned j = 0; j < p.k; ++j) {
        if (out.sizes[j] > 0) last_nonempty[j] = out.assignment;
      }
      continue;
    }
    break;
  }

  // Stored centroids: the mean of the raw keys of the members.
  out.centroids.resize(k, d);
  Matrix raw_sum = Matrix::Zero(k, d);
  for (Eigen::Index i = 0; i < n; ++i) raw_sum.row(out.assignment[static_cast<std::size_t>(i)]) += keys.row(i);
  for (Eigen::Index j = 0; j < k; ++j) {
    const auto ju = static_cast<std::size_t>(j);
    if (out.sizes[ju] > 0) {
      out.centroids.row(j) = raw_sum.row(j) / static_cast<float>(out.sizes[ju]);
    } else if (!last_nonempty[ju].empty()) {
      Eigen::RowVectorXf sum = Eigen::RowVectorXf::Zero(d);
      unsigned size = 0;
      for (Eigen::Index i = 0; i < n; ++i) {
        if (last_nonempty[ju][static_cast<std::size_t>(i)] == j) {
          sum += keys.row(i);
          ++size;
        }
      }
      out.centroids.row(j) = sum / static_cast<float>(size);
    } else {
      out.centroids.row(j) = keys.row(j);  // never had a member: its seed key
    }
  }
  return out;
}

std::vector<BlockClusters> cluster_blocks(const Eigen::Ref<const Matrix>& keys, unsigned nblocks,
                                          const KmeansParams& p, unsigned threads) {
  validate(p);
  if (static_cast<std::size_t>(nblocks) * p.block > static_cast<std::size_t>(keys.rows())) {
    throw std::invalid_argument(fmt::format("k-means: {} blocks of {} keys need {} keys, got {}",
                                            nblocks, p.block,
                                            static_cast<std::size_t>(nblocks) * p.block,
                                            keys.rows()));
  }
  std::vector<BlockClusters> out(nblocks);
  auto work = [&](unsigned first, unsigned last) {
    for (unsigned b = first; b < last; ++b) {
      out[b] = cluster_block(keys.middleRows(static_cast<Eigen::Index>(b) * p.block, p.block), p);
    }
  };
  threads = std::max(1u, std::min(threads, nblocks));
  if (threads <= 1) {
    work(0, nblocks);
    return out;
  }
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t) {
    pool.emplace_back(work, nblocks * t / threads, nblocks * (t + 1) / threads);
  }
  for (auto& th : pool) th.join();
  return out;
}

ClusteredKeys::ClusteredKeys(const KmeansParams& p) : p_(p) { validate(p_); }

void ClusteredKeys::clear() {
  blocks_.clear();
  centroids_.resize(0, 0);
  order_.clear();
  offsets_.assign(1, 0);
  dim_ = 0;
}

void ClusteredKeys::extend(const Eigen::Ref<const Matrix>& keys, unsigned threads) {
  const auto n = static_cast<unsigned>(keys.rows());
  if (!blocks_.empty() && static_cast<unsigned>(keys.cols()) != dim_) {
    throw std::invalid_argument(fmt::format(
        "clustered keys: head dimension changed from {} to {}", dim_, keys.cols()));
  }
  if (n < clustered_tokens()) {
    throw std::invalid_argument(fmt::format(
        "clustered keys: context shrank to {} tokens below the {} already clustered", n,
        clustered_tokens()));
  }
  const unsigned first = blocks();
  const unsigned last = n / p_.block;
  if (last == first) return;
  dim_ = static_cast<unsigned>(keys.cols());
  auto fresh = cluster_blocks(keys.middleRows(static_cast<Eigen::Index>(first) * p_.block,
                                              static_cast<Eigen::Index>(last - first) * p_.block),
                              last - first, p_, threads);
  centroids_.conservativeResize(static_cast<Eigen::Index>(last) * p_.k, dim_);
  for (unsigned i = 0; i < fresh.size(); ++i) {
    const unsigned b = first + i;
    const BlockClusters& bc = fresh[i];
    centroids_.middleRows(static_cast<Eigen::Index>(b) * p_.k, p_.k) = bc.centroids;
    for (unsigned j = 0; j < p_.k; ++j) {
      for (unsigned t = 0; t < p_.block; ++t) {
        if (bc.assignment[t] == j) order_.push_back(b * p_.block + t);
      }
      offsets_.push_back(static_cast<unsigned>(order_.size()));
    }
    blocks_.push_back(std::move(fresh[i]));
  }
}

}  // namespace starc
