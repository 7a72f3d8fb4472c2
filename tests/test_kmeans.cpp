// STARC clustering: hand-checkable blocks, determinism, the empty-cluster rule and the
// decode-time append rule (mapping/kmeans.hpp).
#include <cstdio>
#include <cstdlib>
#include <numeric>
#include <random>

#include <gtest/gtest.h>

#include "mapping/kmeans.hpp"
#include "test_seed.hpp"

namespace {

using starc::BlockClusters;
using starc::ClusteredKeys;
using starc::KmeansParams;
using starc::Matrix;

std::uint64_t test_seed() {
  static const std::uint64_t seed = starc::test::test_seed(20261125u);
  return seed;
}

Matrix random_keys(int n, int d, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> nd(0.0f, 1.0f);
  Matrix m(n, d);
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < d; ++j) m(i, j) = nd(rng);
  }
  return m;
}

// Two direction clusters in D = 4, magnitudes differ (cosine ignores them), first keys seed
// one cluster each: cluster 0 = multiples of e0 (+ small e2), cluster 1 = multiples of e1.
TEST(Kmeans, RecoversHandCheckableClusters) {
  KmeansParams p{.block = 8, .k = 2, .max_iterations = 16, .tolerance = 1e-4};
  Matrix keys(8, 4);
  keys << 1, 0, 0, 0,     //
      0, 2, 0, 0,         //
      10, 0, 0.1f, 0,     //
      0, 0.5f, 0, 0,      //
      3, 0, 0, 0,         //
      0, 7, 0.2f, 0,      //
      0.25f, 0, 0, 0,     //
      0, 4, 0, 0;
  const BlockClusters c = starc::cluster_block(keys, p);
  const std::vector<std::uint8_t> expect = {0, 1, 0, 1, 0, 1, 0, 1};
  EXPECT_EQ(c.assignment, expect);
  EXPECT_EQ(c.sizes, (std::vector<unsigned>{4, 4}));
  // Stored centroids: means of the raw keys.
  EXPECT_FLOAT_EQ(c.centroids(0, 0), (1 + 10 + 3 + 0.25f) / 4);
  EXPECT_FLOAT_EQ(c.centroids(0, 2), 0.1f / 4);
  EXPECT_FLOAT_EQ(c.centroids(1, 1), (2 + 0.5f + 7 + 4) / 4);
  EXPECT_FLOAT_EQ(c.centroids(1, 2), 0.2f / 4);
  EXPECT_FLOAT_EQ(c.centroids(1, 0), 0.0f);
  // Iteration 1 assigns and moves the centroids slightly (the e2 parts); iteration 2 finds
  // the same assignment and moves them by < 1e-4... or not at all: at most 3 iterations.
  EXPECT_GE(c.iterations, 2u);
  EXPECT_LE(c.iterations, 3u);
}

// A seed that is not in its final cluster: 4 keys, the first two close to each other.
TEST(Kmeans, LloydIterationsMoveMembers) {
  KmeansParams p{.block = 4, .k = 2, .max_iterations = 16, .tolerance = 1e-4};
  Matrix keys(4, 2);
  // angles 0, 30, 80, 90 degrees: seeds 0 deg and 30 deg; 80 and 90 go to cluster 1 first,
  // then cluster 1's centroid moves to ~67 deg, and 30 deg (closer to 0 than to 67) moves to 0.
  const double deg = 3.14159265358979323846 / 180.0;
  const double a[4] = {0, 30, 80, 90};
  for (int i = 0; i < 4; ++i) {
    keys(i, 0) = static_cast<float>(std::cos(a[i] * deg));
    keys(i, 1) = static_cast<float>(std::sin(a[i] * deg));
  }
  const BlockClusters c = starc::cluster_block(keys, p);
  EXPECT_EQ(c.assignment, (std::vector<std::uint8_t>{0, 0, 1, 1}));
  EXPECT_GE(c.iterations, 2u);
  // Capped at one iteration, 30 deg is still with 80 and 90.
  p.max_iterations = 1;
  const BlockClusters c1 = starc::cluster_block(keys, p);
  EXPECT_EQ(c1.assignment, (std::vector<std::uint8_t>{0, 1, 1, 1}));
  EXPECT_EQ(c1.iterations, 1u);
}

// Keys 0 and 1 are identical: both seeds are e0, every e0 key ties and goes to cluster 0
// (lower id), cluster 1 stays empty and keeps its previous (seed) centroid.
TEST(Kmeans, EmptyClusterKeepsItsCentroid) {
  KmeansParams p{.block = 6, .k = 3, .max_iterations = 16, .tolerance = 1e-4};
  Matrix keys(6, 2);
  keys << 2, 0,  //
      2, 0,      //
      0, 1,      //
      4, 0,      //
      0, 3,      //
      6, 0;
  const BlockClusters c = starc::cluster_block(keys, p);
  EXPECT_EQ(c.assignment, (std::vector<std::uint8_t>{0, 0, 2, 0, 2, 0}));
  EXPECT_EQ(c.sizes, (std::vector<unsigned>{4, 0, 2}));
  EXPECT_FLOAT_EQ(c.centroids(0, 0), 3.5f);
  EXPECT_FLOAT_EQ(c.centroids(1, 0), 2.0f);  // the seed key, untouched
  EXPECT_FLOAT_EQ(c.centroids(1, 1), 0.0f);
  EXPECT_FLOAT_EQ(c.centroids(2, 1), 2.0f);
  EXPECT_EQ(c.iterations, 1u);  // nothing moved: early stop
}

TEST(Kmeans, DeterministicAcrossRunsAndThreads) {
  const auto seed = test_seed();
  const Matrix keys = random_keys(64 * 6, 128, seed);
  KmeansParams p;
  const auto a = starc::cluster_blocks(keys, 6, p, 1);
  const auto b = starc::cluster_blocks(keys, 6, p, 1);
  const auto c = starc::cluster_blocks(keys, 6, p, 2);
  const auto d = starc::cluster_blocks(keys, 6, p, 4);  // 6 blocks over 4 threads: uneven shares
  for (int i = 0; i < 6; ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(a[i].assignment, b[i].assignment);
    // 1 thread against 2 and 4, and against block i clustered alone: catches a worker that
    // clusters or stores another block than its own (a thread-share off by one).
    const BlockClusters alone = starc::cluster_block(keys.middleRows(64 * i, 64), p);
    for (const auto* other : {&c[i], &d[i], &alone}) {
      EXPECT_EQ(a[i].assignment, other->assignment);
      EXPECT_TRUE((a[i].centroids.array() == other->centroids.array()).all());
      EXPECT_EQ(a[i].iterations, other->iterations);
    }
    EXPECT_LE(a[i].iterations, p.max_iterations);
    EXPECT_EQ(std::accumulate(a[i].sizes.begin(), a[i].sizes.end(), 0u), 64u);
  }
}

// Each key is assigned to a centroid of maximal cosine among the final assignment centroids
// would need internals; instead check the stored centroids are the member means.
TEST(Kmeans, StoredCentroidsAreMemberMeans) {
  const Matrix keys = random_keys(64, 32, test_seed() + 1);
  const BlockClusters c = starc::cluster_block(keys, KmeansParams{});
  for (unsigned j = 0; j < 4; ++j) {
    if (c.sizes[j] == 0) continue;
    Eigen::RowVectorXd sum = Eigen::RowVectorXd::Zero(32);
    for (int i = 0; i < 64; ++i) {
      if (c.assignment[i] == j) sum += keys.row(i).cast<double>();
    }
    sum /= c.sizes[j];
    EXPECT_LT((sum - c.centroids.row(j).cast<double>()).cwiseAbs().maxCoeff(), 1e-5);
  }
}

TEST(Kmeans, AppendClustersEachCompleteBlockOnce) {
  const Matrix keys = random_keys(64 * 3 + 20, 64, test_seed() + 2);
  ClusteredKeys ck;
  ck.extend(keys.topRows(63));
  EXPECT_EQ(ck.blocks(), 0u);
  EXPECT_EQ(ck.clustered_tokens(), 0u);
  ck.extend(keys.topRows(64));
  ASSERT_EQ(ck.blocks(), 1u);
  const BlockClusters first = ck.block(0);
  const Matrix centroids0 = ck.centroids();
  ck.extend(keys.topRows(127));
  EXPECT_EQ(ck.blocks(), 1u);
  ck.extend(keys.topRows(128));
  ASSERT_EQ(ck.blocks(), 2u);
  ck.extend(keys.topRows(64 * 3 + 20));
  ASSERT_EQ(ck.blocks(), 3u);
  EXPECT_EQ(ck.clusters(), 12u);
  // Old clusters never move.
  EXPECT_EQ(ck.block(0).assignment, first.assignment);
  EXPECT_TRUE((ck.centroids().topRows(4).array() == centroids0.array()).all());
  // Same as clustering the three blocks at once.
  const auto batch = starc::cluster_blocks(keys, 3, KmeansParams{}, 2);
  for (unsigned b = 0; b < 3; ++b) {
    EXPECT_EQ(ck.block(b).assignment, batch[b].assignment);
    EXPECT_TRUE((ck.centroids().middleRows(4 * b, 4).array() == batch[b].centroids.array()).all());
  }
  // order() is a permutation of the clustered tokens; cluster g's members are ascending,
  // inside block g / 4, and assigned to cluster g % 4.
  std::vector<unsigned> seen = ck.order();
  std::sort(seen.begin(), seen.end());
  for (unsigned t = 0; t < seen.size(); ++t) EXPECT_EQ(seen[t], t);
  for (unsigned g = 0; g < ck.clusters(); ++g) {
    const auto m = ck.members(g);
    EXPECT_EQ(m.size(), ck.block(g / 4).sizes[g % 4]);
    for (std::size_t i = 0; i < m.size(); ++i) {
      EXPECT_EQ(m[i] / 64, g / 4);
      EXPECT_EQ(ck.block(g / 4).assignment[m[i] % 64], g % 4);
      if (i) {
        EXPECT_LT(m[i - 1], m[i]);
      }
    }
  }
  // The context may not shrink below what is clustered.
  EXPECT_THROW(ck.extend(keys.topRows(100)), std::invalid_argument);
  ck.clear();
  EXPECT_EQ(ck.blocks(), 0u);
  ck.extend(keys.topRows(100));
  EXPECT_EQ(ck.blocks(), 1u);
}

TEST(Kmeans, ParametersAreParameters) {
  const Matrix keys = random_keys(96, 16, test_seed() + 3);
  ClusteredKeys ck(KmeansParams{.block = 32, .k = 8, .max_iterations = 2, .tolerance = 1e-4});
  ck.extend(keys);
  EXPECT_EQ(ck.blocks(), 3u);
  EXPECT_EQ(ck.clusters(), 24u);
  for (unsigned b = 0; b < 3; ++b) EXPECT_LE(ck.block(b).iterations, 2u);
}

TEST(Kmeans, RejectsBadInput) {
  EXPECT_THROW(starc::validate(KmeansParams{.block = 64, .k = 0}), std::invalid_argument);
  EXPECT_THROW(starc::validate(KmeansParams{.block = 3, .k = 4}), std::invalid_argument);
  EXPECT_THROW(starc::validate(KmeansParams{.block = 64, .k = 4, .max_iterations = 0}),
               std::invalid_argument);
  EXPECT_THROW(starc::validate(KmeansParams{.block = 64, .k = 4, .max_iterations = 16,
                                            .tolerance = -1}),
               std::invalid_argument);
  EXPECT_THROW(ClusteredKeys(KmeansParams{.block = 64, .k = 0}), std::invalid_argument);
  const Matrix keys = random_keys(100, 8, 1);
  EXPECT_THROW(starc::cluster_block(keys, KmeansParams{}), std::invalid_argument);  // 100 != 64
  EXPECT_THROW(starc::cluster_blocks(keys, 2, KmeansParams{}), std::invalid_argument);
  ClusteredKeys ck;
  ck.extend(keys);
  EXPECT_THROW(ck.extend(random_keys(128, 16, 2)), std::invalid_argument);  // D changed
}

}  // namespace

// Window clustering (issue 19): segments, sizes, coverage, determinism.
namespace window {

KmeansParams windowed(unsigned window = 256) {
  KmeansParams p = KmeansParams::windowed_default();
  p.window = window;
  return p;
}

// Clustered keys of a synthetic-like context: 8 directions plus noise, interleaved at a fine
// grain (segments of 1-6 tokens), so that a window's clusters gather tokens from across it.
Matrix topic_keys(int n, int d, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> nd(0.0f, 1.0f);
  const Matrix topics = random_keys(8, d, seed + 100);
  Matrix m(n, d);
  int t = 0;
  for (int i = 0; i < n;) {
    const int len = 1 + static_cast<int>(rng() % 6);
    for (int j = 0; j < len && i < n; ++j, ++i)
      for (int c = 0; c < d; ++c) m(i, c) = 4.0f * topics(t, c) + nd(rng);
    t = static_cast<int>(rng() % 8);
  }
  return m;
}

// block 0 alone, then windows of window/block blocks, then the rest as a binary decomposition.
TEST(KmeansWindow, SegmentsAreBlockZeroWindowsAndABinaryTail) {
  const KmeansParams p = windowed(256);  // 4 blocks per window
  auto firsts = [&](unsigned n) {
    std::vector<std::pair<unsigned, unsigned>> out;
    for (const auto& s : starc::segments_for(n, p)) out.emplace_back(s.first, s.tokens);
    return out;
  };
  using V = std::vector<std::pair<unsigned, unsigned>>;
  EXPECT_EQ(firsts(63), V{});
  EXPECT_EQ(firsts(64), (V{{0, 64}}));
  EXPECT_EQ(firsts(64 * 4 + 10), (V{{0, 64}, {64, 128}, {192, 64}}));           // 3 blocks after block 0
  EXPECT_EQ(firsts(64 * 5), (V{{0, 64}, {64, 256}}));                           // one window
  EXPECT_EQ(firsts(64 * 12 + 63), (V{{0, 64}, {64, 256}, {320, 256}, {576, 128}, {704, 64}}));
  // The paper's clustering: every block a segment.
  EXPECT_EQ(starc::segments_for(64 * 3, KmeansParams{}).size(), 3u);
}

// Every clustered token is in exactly one cluster, inside its segment; no cluster exceeds the
// cap; the centroid count is the paper's (k per block); members are ordered by projection.
TEST(KmeansWindow, EveryTokenInExactlyOneClusterOfAtMostTheCap) {
  for (const unsigned cap : {32u, 20u}) {
    KmeansParams p = windowed(512);
    p.max_size = cap;
    const Matrix keys = topic_keys(64 * 20 + 17, 32, test_seed() + 20);
    ClusteredKeys ck(p);
    ck.extend(keys, 1);
    EXPECT_EQ(ck.clustered_tokens(), 64u * 20);
    EXPECT_EQ(ck.clusters(), 20u * 4);  // the paper's density
    std::vector<unsigned> seen = ck.order();
    std::sort(seen.begin(), seen.end());
    ASSERT_EQ(seen.size(), ck.clustered_tokens());
    for (unsigned t = 0; t < seen.size(); ++t) ASSERT_EQ(seen[t], t);
    std::vector<unsigned> cluster_of(ck.clustered_tokens(), ~0u);
    for (const auto& seg : ck.segments()) {
      const auto ks = static_cast<unsigned>(seg.clusters.sizes.size());
      EXPECT_EQ(ks, seg.tokens / 64 * 4);
      for (unsigned j = 0; j < ks; ++j) {
        const unsigned g = seg.first_cluster + j;
        const auto m = ck.members(g);
        EXPECT_LE(m.size(), cap) << "cluster " << g;
        EXPECT_EQ(m.size(), seg.clusters.sizes[j]);
        for (std::size_t i = 0; i < m.size(); ++i) {
          EXPECT_GE(m[i], seg.first);
          EXPECT_LT(m[i], seg.first + seg.tokens);
          EXPECT_EQ(cluster_of[m[i]], ~0u) << "token " << m[i] << " in two clusters";
          cluster_of[m[i]] = g;
          if (i) {
            EXPECT_GE(seg.clusters.projection[m[i - 1] - seg.first], seg.clusters.projection[m[i] - seg.first]);
          }
        }
      }
    }
    // Block 0 (the sinks) is its own segment: clusters 0..k-1.
    EXPECT_EQ(ck.segments().front().tokens, 64u);
    for (unsigned g = 0; g < 4; ++g) {
      EXPECT_TRUE(ck.in_first_block(g));
      for (unsigned t : ck.members(g)) EXPECT_LT(t, 64u);
    }
    EXPECT_FALSE(ck.in_first_block(4));
  }
}

// Identical with 1 and 2 threads, and a function of the context alone: appending token by
// token (the merges of the binary tail, windows completing) gives what one call gives.
TEST(KmeansWindow, DeterministicForThreadsAndAppendOrder) {
  for (const auto seeding : {starc::Seeding::farthest, starc::Seeding::kmeanspp}) {
    KmeansParams p = windowed(256);
    p.seeding = seeding;
    const Matrix keys = topic_keys(64 * 11 + 5, 32, test_seed() + 21);
    ClusteredKeys one(p), two(p), steps(p);
    one.extend(keys, 1);
    two.extend(keys, 2);
    for (unsigned n = 60; n <= keys.rows(); n += 37) steps.extend(keys.topRows(n), 2);
    steps.extend(keys, 1);
    for (const ClusteredKeys* c : {&two, &steps}) {
      EXPECT_EQ(c->order(), one.order());
      EXPECT_EQ(c->offsets(), one.offsets());
      EXPECT_TRUE((c->centroids().array() == one.centroids().array()).all());
    }
    // A window, once complete, never changes: the first window's clusters stay.
    ClusteredKeys later(p);
    later.extend(keys.topRows(64 * 5), 1);
    const Matrix first_window = later.centroids().middleRows(4, 16);
    later.extend(keys, 2);
    EXPECT_TRUE((later.centroids().middleRows(4, 16).array() == first_window.array()).all());
  }
}

// A window gathers one topic's tokens from across it: clusters of the fine-grained interleaving
// are purer with a window than per 64-token block (the point of issue 19).
TEST(KmeansWindow, WindowClustersArePurerThanBlockClusters) {
  const int n = 64 * 17;
  std::mt19937_64 rng(test_seed() + 22);
  std::normal_distribution<float> nd(0.0f, 1.0f);
  const Matrix topics = random_keys(16, 32, test_seed() + 23);
  Matrix keys(n, 32);
  std::vector<int> topic(n);
  for (int i = 0; i < n; ++i) {
    topic[i] = static_cast<int>(rng() % 16);  // every token its own topic draw: 16 topics per block
    for (int c = 0; c < 32; ++c) keys(i, c) = 4.0f * topics(topic[i], c) + nd(rng);
  }
  auto purity = [&](const KmeansParams& p) {
    ClusteredKeys ck(p);
    ck.extend(keys, 2);
    unsigned pure = 0;
    for (unsigned g = 4; g < ck.clusters(); ++g) {  // block 0 aside
      std::vector<unsigned> count(16, 0);
      for (unsigned t : ck.members(g)) ++count[topic[t]];
      pure += *std::max_element(count.begin(), count.end());
    }
    return static_cast<double>(pure) / (n - 64);
  };
  const double window = purity(windowed(1024));
  const double paper = purity(KmeansParams{});
  std::printf("purity: window %.3f, paper %.3f\n", window, paper);
  EXPECT_GT(window, 0.9);
  EXPECT_LT(paper, 0.6);
}

// A segment's cluster ids form a chain of similar centroids: cluster 0 holds the segment's first
// token, and each next non-empty cluster is the remaining one most similar (centred cosine) to
// the one before it; empty clusters come last.
TEST(KmeansWindow, ClusterIdsChainSimilarCentroids) {
  const Matrix keys = topic_keys(64 * 9, 32, test_seed() + 24);
  ClusteredKeys ck(windowed(512));
  ck.extend(keys, 1);
  unsigned checked = 0;
  for (const auto& seg : ck.segments()) {
    if (seg.first == 0) continue;  // block 0: 4 clusters, the same rule (checked with the rest)
    const BlockClusters& bc = seg.clusters;
    const auto k = static_cast<Eigen::Index>(bc.sizes.size());
    EXPECT_EQ(bc.assignment[0], 0) << "segment " << seg.first;
    Eigen::Index nonempty = 0;
    Eigen::RowVectorXf mean = Eigen::RowVectorXf::Zero(bc.centroids.cols());
    for (Eigen::Index j = 0; j < k; ++j)
      if (bc.sizes[static_cast<std::size_t>(j)] > 0) {
        mean += bc.centroids.row(j);
        ++nonempty;
      }
    mean /= static_cast<float>(nonempty);
    Matrix unit = bc.centroids.rowwise() - mean;
    for (Eigen::Index j = 0; j < k; ++j) unit.row(j).normalize();
    for (Eigen::Index j = 0; j + 1 < nonempty; ++j) {
      ASSERT_GT(bc.sizes[static_cast<std::size_t>(j)], 0u);
      for (Eigen::Index r = j + 2; r < nonempty; ++r)
        EXPECT_GE(unit.row(j).dot(unit.row(j + 1)), unit.row(j).dot(unit.row(r)) - 1e-5f)
            << "segment " << seg.first << " cluster " << j;
      ++checked;
    }
    for (Eigen::Index j = nonempty; j < k; ++j) EXPECT_EQ(bc.sizes[static_cast<std::size_t>(j)], 0u);
  }
  EXPECT_GT(checked, 30u);
}

TEST(KmeansWindow, RejectsBadParameters) {
  KmeansParams p = windowed(100);  // not a multiple of 64
  EXPECT_THROW(starc::validate(p), std::invalid_argument);
  p = windowed(64 * 128);  // 512 clusters per window
  EXPECT_THROW(starc::validate(p), std::invalid_argument);
  p = windowed(256);
  p.max_size = 15;  // 4 clusters of 15 cannot hold a block of 64
  EXPECT_THROW(starc::validate(p), std::invalid_argument);
  EXPECT_THROW(starc::parse_seeding("random"), std::invalid_argument);
  EXPECT_EQ(starc::parse_seeding("kmeans++"), starc::Seeding::kmeanspp);
  EXPECT_THROW(starc::parse_member_order("score"), std::invalid_argument);
  ClusteredKeys ck(windowed(256));
  ck.extend(random_keys(64 * 6, 8, 1));
  EXPECT_THROW(ck.block(0), std::logic_error);  // blocks are the paper's clustering only
}

}  // namespace window
