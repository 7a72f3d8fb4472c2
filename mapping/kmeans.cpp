#include "mapping/kmeans.hpp"

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>

#include <fmt/core.h>

namespace starc {

const char* seeding_name(Seeding s) {
  switch (s) {
    case Seeding::first: return "first";
    case Seeding::farthest: return "farthest";
    case Seeding::kmeanspp: return "kmeans++";
  }
  return "?";
}

Seeding parse_seeding(std::string_view name) {
  for (Seeding s : {Seeding::first, Seeding::farthest, Seeding::kmeanspp})
    if (name == seeding_name(s)) return s;
  throw std::invalid_argument(
      fmt::format("k-means: seeding '{}' (expected first, farthest or kmeans++)", name));
}

const char* member_order_name(MemberOrder o) { return o == MemberOrder::token ? "token" : "centroid"; }

MemberOrder parse_member_order(std::string_view name) {
  for (MemberOrder o : {MemberOrder::token, MemberOrder::centroid})
    if (name == member_order_name(o)) return o;
  throw std::invalid_argument(
      fmt::format("k-means: member order '{}' (expected token or centroid)", name));
}

void validate(const KmeansParams& p) {
  if (p.k == 0) throw std::invalid_argument("k-means: cluster count k must be >= 1");
  if (p.k > 255) throw std::invalid_argument(fmt::format("k-means: cluster count k = {} exceeds 255", p.k));
  if (p.block < p.k) {
    throw std::invalid_argument(
        fmt::format("k-means: block size {} is smaller than the cluster count {}", p.block, p.k));
  }
  if (p.max_iterations == 0) throw std::invalid_argument("k-means: iteration cap must be >= 1");
  if (!(p.tolerance >= 0.0)) throw std::invalid_argument("k-means: tolerance must be >= 0");
  if (p.window != 0 && (p.window < p.block || p.window % p.block != 0)) {
    throw std::invalid_argument(fmt::format(
        "k-means: window {} is not a multiple of the block size {} (0: per block)", p.window, p.block));
  }
  if (p.window_clusters() > 255) {
    throw std::invalid_argument(fmt::format(
        "k-means: window {} holds {} clusters, more than 255", p.window, p.window_clusters()));
  }
  if (p.max_size != 0 && static_cast<std::uint64_t>(p.max_size) * p.k < p.block) {
    throw std::invalid_argument(fmt::format(
        "k-means: {} clusters of at most {} tokens cannot hold a block of {}", p.k, p.max_size, p.block));
  }
}

namespace {

// Seeds (indices into the keys) by p.seeding; `unit` holds the assignment-space unit keys.
std::vector<Eigen::Index> seeds(const Matrix& unit, unsigned k, const KmeansParams& p, unsigned first_token) {
  const Eigen::Index n = unit.rows();
  std::vector<Eigen::Index> out;
  if (p.seeding == Seeding::first) {
    for (Eigen::Index j = 0; j < k; ++j) out.push_back(j);
    return out;
  }
  // Highest cosine of every key to a chosen seed so far.
  Eigen::VectorXf nearest = Eigen::VectorXf::Constant(n, -2.0f);
  const Eigen::MatrixXf unit_cm = unit;
  std::mt19937_64 rng(0x5eed0000ull + first_token);
  auto uniform = [&rng] { return static_cast<double>(rng() >> 11) * 0x1.0p-53; };
  Eigen::Index next = 0;
  if (p.seeding == Seeding::kmeanspp) next = static_cast<Eigen::Index>(uniform() * static_cast<double>(n));
  for (unsigned j = 0; j < k; ++j) {
    out.push_back(next);
    nearest = nearest.cwiseMax(unit_cm * unit.row(next).transpose());
    if (j + 1 == k) break;
    if (p.seeding == Seeding::farthest) {
      // The key farthest from every seed: lowest nearest cosine, ties the lower index.
      next = 0;
      for (Eigen::Index i = 1; i < n; ++i)
        if (nearest(i) < nearest(next)) next = i;
    } else {
      // D^2 sampling: squared chord distance between unit vectors, 2 - 2 cos.
      double total = 0;
      for (Eigen::Index i = 0; i < n; ++i) total += std::max(0.0, 2.0 - 2.0 * nearest(i));
      if (total <= 0) {
        next = (next + 1) % n;  // every key on a seed: any key
        continue;
      }
      const double r = uniform() * total;
      double acc = 0;
      next = n - 1;
      for (Eigen::Index i = 0; i < n; ++i) {
        acc += std::max(0.0, 2.0 - 2.0 * nearest(i));
        if (acc > r) {
          next = i;
          break;
        }
      }
    }
  }
  return out;
}

// Assignment of every key to its most similar centroid (ties lower id); with a size cap that the
// free assignment breaks, keys in descending order of their best similarity (ties lower index)
// each take their most similar cluster with room (ties lower id).
void assign(const Eigen::MatrixXf& sim, unsigned cap, std::vector<std::uint8_t>& assignment,
            std::vector<unsigned>& sizes) {
  const Eigen::Index n = sim.rows(), k = sim.cols();
  std::fill(sizes.begin(), sizes.end(), 0u);
  std::vector<float> best_sim(static_cast<std::size_t>(n));
  for (Eigen::Index i = 0; i < n; ++i) {
    Eigen::Index best = 0;
    for (Eigen::Index j = 1; j < k; ++j)
      if (sim(i, j) > sim(i, best)) best = j;  // strict: ties keep the lower id
    assignment[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(best);
    best_sim[static_cast<std::size_t>(i)] = sim(i, best);
    ++sizes[static_cast<std::size_t>(best)];
  }
  if (cap == 0 || *std::max_element(sizes.begin(), sizes.end()) <= cap) return;
  std::vector<Eigen::Index> keys(static_cast<std::size_t>(n));
  std::iota(keys.begin(), keys.end(), Eigen::Index{0});
  std::stable_sort(keys.begin(), keys.end(), [&](Eigen::Index a, Eigen::Index b) {
    return best_sim[static_cast<std::size_t>(a)] > best_sim[static_cast<std::size_t>(b)];
  });
  std::fill(sizes.begin(), sizes.end(), 0u);
  for (Eigen::Index i : keys) {
    // The most similar cluster with room (ties lower id): the free choice unless it is full.
    Eigen::Index best = assignment[static_cast<std::size_t>(i)];
    if (sizes[static_cast<std::size_t>(best)] >= cap) {
      best = -1;
      for (Eigen::Index j = 0; j < k; ++j)
        if (sizes[static_cast<std::size_t>(j)] < cap && (best < 0 || sim(i, j) > sim(i, best))) best = j;
    }
    assignment[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(best);
    ++sizes[static_cast<std::size_t>(best)];
  }
}

}  // namespace

BlockClusters cluster_block(const Eigen::Ref<const Matrix>& keys, const KmeansParams& p) {
  validate(p);
  if (keys.rows() != static_cast<Eigen::Index>(p.block) || keys.cols() == 0) {
    throw std::invalid_argument(fmt::format("k-means: block has {} keys of dimension {}, expected {} keys",
                                            keys.rows(), keys.cols(), p.block));
  }
  return cluster_keys(keys, p.k, p);
}

BlockClusters cluster_keys(const Eigen::Ref<const Matrix>& keys, unsigned k_count, const KmeansParams& p,
                           unsigned first_token) {
  const Eigen::Index n = keys.rows();
  const Eigen::Index d = keys.cols();
  const Eigen::Index k = k_count;
  if (k_count == 0 || k_count > 255 || n < k || d == 0) {
    throw std::invalid_argument(
        fmt::format("k-means: {} keys of dimension {} into {} clusters", n, d, k_count));
  }
  if (p.max_size != 0 && static_cast<std::uint64_t>(p.max_size) * k_count < static_cast<std::uint64_t>(n)) {
    throw std::invalid_argument(
        fmt::format("k-means: {} clusters of at most {} tokens cannot hold {} keys", k_count, p.max_size, n));
  }

  // Assignment-space keys: centred by the keys' mean (p.centre), then unit (zero keys stay zero).
  Eigen::RowVectorXf mean = Eigen::RowVectorXf::Zero(d);
  if (p.centre) mean = keys.colwise().sum() / static_cast<float>(n);
  Matrix unit = keys.rowwise() - mean;
  for (Eigen::Index i = 0; i < n; ++i) {
    const float norm = unit.row(i).norm();
    if (norm > 0.0f) unit.row(i) /= norm;
  }

  BlockClusters out;
  out.assignment.assign(static_cast<std::size_t>(n), 0);
  out.sizes.assign(k_count, 0);
  const std::vector<Eigen::Index> seed = seeds(unit, k_count, p, first_token);
  Matrix unit_centroids(k, d);
  for (Eigen::Index j = 0; j < k; ++j) unit_centroids.row(j) = unit.row(seed[static_cast<std::size_t>(j)]);

  // The raw means are only needed for the final assignment, except for a cluster that ends
  // empty: it keeps the raw mean of the last assignment in which it had members (or its seed).
  std::vector<std::vector<std::uint8_t>> last_nonempty(k_count);
  Matrix unit_sum(k, d);
  Eigen::MatrixXf sim(n, k);
  // Column-major copy: the similarities become k matrix-vector products over contiguous
  // columns (vectorised across tokens, no horizontal sums).
  const Eigen::MatrixXf unit_cm = unit;
  for (unsigned it = 1; it <= p.max_iterations; ++it) {
    out.iterations = it;
    if (k <= 8) {
      for (Eigen::Index j = 0; j < k; ++j) {
        sim.col(j).noalias() = unit_cm * unit_centroids.row(j).transpose();
      }
    } else {
      // A window's many clusters: one matrix product (blocked; ~4x the k products above).
      sim.noalias() = unit_cm * unit_centroids.transpose();
    }
    assign(sim, p.max_size, out.assignment, out.sizes);
    unit_sum.setZero();
    for (Eigen::Index i = 0; i < n; ++i) unit_sum.row(out.assignment[static_cast<std::size_t>(i)]) += unit.row(i);
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
      for (unsigned j = 0; j < k_count; ++j) {
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
      out.centroids.row(j) = keys.row(seed[ju]);  // never had a member: its seed key
    }
  }
  // Projection of each (centred) key on its cluster's (centred) centroid direction.
  out.projection.resize(static_cast<std::size_t>(n));
  for (Eigen::Index i = 0; i < n; ++i) {
    const Eigen::Index j = out.assignment[static_cast<std::size_t>(i)];
    const Eigen::RowVectorXf c = out.centroids.row(j) - mean;
    const float norm = c.norm();
    out.projection[static_cast<std::size_t>(i)] = norm > 0 ? (keys.row(i) - mean).dot(c) / norm : 0.0f;
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

namespace {

// Renumbers a segment's clusters as a chain of similar centroids: the cluster holding the
// segment's first token first, then repeatedly the remaining cluster whose centred centroid has
// the highest cosine with the last one (ties: the earlier first member); empty clusters last,
// in id order. The groups' chunks (runs of consecutive ids of a group,
// mapping/centroid_groups.hpp) then hold similar clusters even when a long context makes one
// group take most clusters (measured at 2^20 tokens: README "Selection quality").
void renumber_as_chain(BlockClusters& bc) {
  const std::size_t k = bc.sizes.size();
  std::vector<std::size_t> first(k, bc.assignment.size());
  for (std::size_t i = bc.assignment.size(); i-- > 0;) first[bc.assignment[i]] = i;
  std::vector<std::size_t> by_first(k);
  std::iota(by_first.begin(), by_first.end(), std::size_t{0});
  std::stable_sort(by_first.begin(), by_first.end(), [&](std::size_t a, std::size_t b) { return first[a] < first[b]; });
  // Centred, unit centroids of the non-empty clusters.
  Eigen::RowVectorXf mean = Eigen::RowVectorXf::Zero(bc.centroids.cols());
  std::size_t nonempty = 0;
  for (std::size_t j = 0; j < k; ++j)
    if (bc.sizes[j] > 0) {
      mean += bc.centroids.row(static_cast<Eigen::Index>(j));
      ++nonempty;
    }
  if (nonempty > 0) mean /= static_cast<float>(nonempty);
  Matrix unit = bc.centroids.rowwise() - mean;
  for (Eigen::Index j = 0; j < unit.rows(); ++j) {
    const float norm = unit.row(j).norm();
    if (norm > 0.0f) unit.row(j) /= norm;
  }
  std::vector<std::size_t> order;
  std::vector<char> used(k, 0);
  for (std::size_t j : by_first) {
    if (bc.sizes[j] == 0) continue;
    if (order.empty()) {
      order.push_back(j);
      used[j] = 1;
    }
    break;
  }
  while (order.size() < nonempty) {
    const auto last = static_cast<Eigen::Index>(order.back());
    std::size_t best = k;
    float best_sim = 0;
    for (std::size_t j : by_first) {
      if (used[j] || bc.sizes[j] == 0) continue;
      const float sim = unit.row(last).dot(unit.row(static_cast<Eigen::Index>(j)));
      if (best == k || sim > best_sim) {
        best = j;
        best_sim = sim;
      }
    }
    order.push_back(best);
    used[best] = 1;
  }
  for (std::size_t j = 0; j < k; ++j)
    if (bc.sizes[j] == 0) order.push_back(j);
  std::vector<std::uint8_t> new_id(k);
  for (std::size_t j = 0; j < k; ++j) new_id[order[j]] = static_cast<std::uint8_t>(j);
  for (auto& a : bc.assignment) a = new_id[a];
  Matrix centroids(bc.centroids.rows(), bc.centroids.cols());
  std::vector<unsigned> sizes(k);
  for (std::size_t j = 0; j < k; ++j) {
    centroids.row(static_cast<Eigen::Index>(j)) = bc.centroids.row(static_cast<Eigen::Index>(order[j]));
    sizes[j] = bc.sizes[order[j]];
  }
  bc.centroids = std::move(centroids);
  bc.sizes = std::move(sizes);
}

}  // namespace

std::vector<Segment> segments_for(unsigned n, const KmeansParams& p) {
  validate(p);
  std::vector<Segment> out;
  const unsigned nb = n / p.block;
  if (!p.windowed()) {
    for (unsigned b = 0; b < nb; ++b) out.push_back(Segment{b * p.block, p.block, 0, {}});
    return out;
  }
  if (nb == 0) return out;
  out.push_back(Segment{0, p.block, 0, {}});  // block 0: the sinks, alone
  const unsigned wb = p.window / p.block;
  const unsigned rest = nb - 1;
  unsigned pos = p.block;
  for (unsigned w = 0; w < rest / wb; ++w, pos += p.window) out.push_back(Segment{pos, p.window, 0, {}});
  const unsigned r = rest % wb;
  for (unsigned bit = 31; bit-- > 0;) {
    const unsigned size = 1u << bit;
    if ((r & size) == 0) continue;
    out.push_back(Segment{pos, size * p.block, 0, {}});
    pos += size * p.block;
  }
  return out;
}

ClusteredKeys::ClusteredKeys(const KmeansParams& p) : p_(p) { validate(p_); }

const BlockClusters& ClusteredKeys::block(unsigned b) const {
  if (p_.windowed()) throw std::logic_error("clustered keys: block() of window clustering");
  return segments_.at(b).clusters;
}

void ClusteredKeys::clear() {
  segments_.clear();
  centroids_.resize(0, 0);
  order_.clear();
  offsets_.assign(1, 0);
  dim_ = 0;
}

void ClusteredKeys::extend(const Eigen::Ref<const Matrix>& keys, unsigned threads) {
  const auto n = static_cast<unsigned>(keys.rows());
  if (!segments_.empty() && static_cast<unsigned>(keys.cols()) != dim_) {
    throw std::invalid_argument(fmt::format(
        "clustered keys: head dimension changed from {} to {}", dim_, keys.cols()));
  }
  if (n < clustered_tokens()) {
    throw std::invalid_argument(fmt::format(
        "clustered keys: context shrank to {} tokens below the {} already clustered", n,
        clustered_tokens()));
  }
  std::vector<Segment> want = segments_for(n, p_);
  // Segments that stay (same tokens) keep their clusters; the rest are clustered afresh.
  std::size_t keep = 0;
  while (keep < segments_.size() && keep < want.size() && segments_[keep].first == want[keep].first &&
         segments_[keep].tokens == want[keep].tokens)
    ++keep;
  if (keep == segments_.size() && keep == want.size()) return;
  if (keep == want.size()) throw std::logic_error("clustered keys: segments shrank");
  dim_ = static_cast<unsigned>(keys.cols());
  segments_.resize(keep);
  const unsigned first_token = want[keep].first;
  unsigned cluster = keep ? segments_.back().first_cluster + segments_.back().tokens / p_.block * p_.k : 0;
  for (std::size_t i = keep; i < want.size(); ++i) {
    want[i].first_cluster = cluster;
    cluster += want[i].tokens / p_.block * p_.k;
  }
  // Cluster the new segments, `threads` workers over segments (each independent).
  auto work = [&](std::size_t from, std::size_t to) {
    for (std::size_t i = from; i < to; ++i) {
      Segment& s = want[i];
      s.clusters = cluster_keys(keys.middleRows(s.first, s.tokens), s.tokens / p_.block * p_.k, p_, s.first);
      if (p_.windowed()) renumber_as_chain(s.clusters);
    }
  };
  const std::size_t fresh = want.size() - keep;
  const std::size_t workers = std::max<std::size_t>(1, std::min<std::size_t>(threads, fresh));
  if (workers <= 1) {
    work(keep, want.size());
  } else {
    std::vector<std::thread> pool;
    for (std::size_t t = 0; t < workers; ++t)
      pool.emplace_back(work, keep + fresh * t / workers, keep + fresh * (t + 1) / workers);
    for (auto& th : pool) th.join();
  }
  // Rebuild the tails of centroids, order and offsets.
  const unsigned kept_clusters = want[keep].first_cluster;
  order_.resize(first_token);
  offsets_.resize(kept_clusters + 1);
  centroids_.conservativeResize(static_cast<Eigen::Index>(cluster), dim_);
  for (std::size_t i = keep; i < want.size(); ++i) {
    const Segment& s = want[i];
    const BlockClusters& bc = s.clusters;
    const auto ks = static_cast<unsigned>(bc.sizes.size());
    centroids_.middleRows(s.first_cluster, ks) = bc.centroids;
    for (unsigned j = 0; j < ks; ++j) {
      const std::size_t begin = order_.size();
      for (unsigned t = 0; t < s.tokens; ++t) {
        if (bc.assignment[t] == j) order_.push_back(s.first + t);
      }
      if (p_.order == MemberOrder::centroid) {
        std::stable_sort(order_.begin() + static_cast<std::ptrdiff_t>(begin), order_.end(),
                         [&](unsigned a, unsigned b) {
                           return bc.projection[a - s.first] > bc.projection[b - s.first];
                         });
      }
      offsets_.push_back(static_cast<unsigned>(order_.size()));
    }
    segments_.push_back(std::move(want[i]));
  }
}

}  // namespace starc
