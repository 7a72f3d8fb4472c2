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
