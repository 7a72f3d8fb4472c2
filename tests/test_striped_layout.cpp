// Striped layout (mapping/striped_layout.hpp): every token in exactly one slot and intact,
// clusters striped across the bank groups, similar clusters in the same rows, appends that move
// only the completed block, and reads that cover exactly a selection.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <set>
#include <tuple>

#include <gtest/gtest.h>

#include "layout_fixtures.hpp"
#include "test_seed.hpp"

#include "mapping/kmeans.hpp"
#include "mapping/striped_layout.hpp"

namespace {

using namespace starc;

std::uint64_t test_seed() {
  static const std::uint64_t seed = starc::test::test_seed(7);
  return seed;
}

using starc::test::fp16;

// Keys: topic direction (dimension 2 * topic) x 8 plus N(0, 0.25) noise; topic of token t = (t / run) % topics.
KvHead topic_head(int n, int d, int topics, int run, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> nd(0.0f, 1.0f);
  KvHead h;
  h.keys.resize(n, d);
  h.values.resize(n, d);
  h.queries.resize(1, d);
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < d; ++j) {
      h.keys(i, j) = fp16(0.5f * nd(rng) + (j == 2 * ((i / run) % topics) ? 8.0f : 0.0f));
      h.values(i, j) = fp16(nd(rng));
    }
  }
  for (int j = 0; j < d; ++j) h.queries(0, j) = fp16(nd(rng));
  return h;
}

pim::Org small_org() { return starc::test::small_org(256); }

// Stripe coordinates (row relative to the key region, position) of token t.
std::pair<unsigned, unsigned> stripe_of(const StripedLayout& l, unsigned t) {
  const SlotAddress a = l.token_address(t);
  const unsigned g = l.org().total_bank_groups();
  return {a.row - l.base_row(Region::keys), a.slot * g + a.gbg};
}

void expect_every_token_once_and_intact(const StripedLayout& l, const KvHead& h, const ClusteredKeys& ck) {
  std::set<std::tuple<unsigned, unsigned, unsigned>> places;
  for (unsigned t = 0; t < l.tokens(); ++t) {
    const unsigned s = l.slot_of(t);
    EXPECT_EQ(l.token_at(s), t);
    const SlotAddress a = l.token_address(t);
    EXPECT_TRUE(places.insert({a.gbg, a.row, a.slot}).second) << "token " << t;
    const auto k = l.read_vector(Region::keys, s);
    const auto v = l.read_vector(Region::values, s);
    for (unsigned j = 0; j < l.head_dim(); ++j) {
      ASSERT_EQ(k[j], h.keys(t, j)) << "token " << t << " dim " << j;
      ASSERT_EQ(v[j], h.values(t, j)) << "token " << t << " dim " << j;
    }
  }
  // No other slot holds a token.
  unsigned occupied = 0;
  for (unsigned s = 0; s < l.region_slots(Region::keys); ++s) occupied += l.token_at(s) != KvLayout::kNoToken;
  EXPECT_EQ(occupied, l.tokens());
  for (unsigned g = 0; g < ck.clusters(); ++g) {
    const auto c = l.read_vector(Region::centroids, g);
    for (unsigned j = 0; j < l.head_dim(); ++j) ASSERT_EQ(c[j], fp16(ck.centroids()(g, j)));
  }
}

TEST(StripedLayout, EveryTokenOnceAndIntact) {
  for (unsigned n : {1u, 63u, 64u, 64u * 7 + 23}) {
    const KvHead h = topic_head(64 * 8, 128, 3, 20, test_seed() + n);
    ClusteredKeys ck;
    ck.extend(h.keys.topRows(n));
    const StripedLayout l(h, ck, n, small_org(), pim::Fmt::fp16, 64 * 8);
    expect_every_token_once_and_intact(l, h, ck);
    EXPECT_LE(l.rows_used(), l.tail_row());
    // Recent tokens: token j of the open block at position j of the tail row.
    for (unsigned t = ck.clustered_tokens(); t < n; ++t)
      EXPECT_EQ(stripe_of(l, t), std::make_pair(l.tail_row(), t - ck.clustered_tokens()));
  }
}

TEST(StripedLayout, ClustersStripedAcrossBankGroups) {
  const unsigned n = 64 * 12;
  const KvHead h = topic_head(static_cast<int>(n), 128, 4, 48, test_seed() + 1);
  ClusteredKeys ck;
  ck.extend(h.keys);
  const StripedLayout l(h, ck, n, pim::hbm3_pim_org(), pim::Fmt::fp16);
  expect_every_token_once_and_intact(l, h, ck);
  EXPECT_EQ(l.row_slots(), 256u);
  for (unsigned g = 0; g < ck.clusters(); ++g) {
    const auto m = ck.members(g);
    for (std::size_t i = 1; i < m.size(); ++i) {
      const auto [r0, p0] = stripe_of(l, m[i - 1]);
      const auto [r1, p1] = stripe_of(l, m[i]);
      // Next stripe position of the same row, or the first of another row of the bucket.
      EXPECT_TRUE((r1 == r0 && p1 == p0 + 1) || (p0 == 255 && p1 == 0 && r1 != r0))
          << "cluster " << g << " member " << i;
    }
    // A whole cluster is read with about size / 16 full-mask slots: at most
    // cols_per_token x (size / 16 + 2) MACABs.
    const std::vector<unsigned> members(m.begin(), m.end());
    const pim::ReadList reads = l.token_reads(Region::keys, members);
    std::set<std::pair<unsigned, unsigned>> macabs;
    for (const auto& rr : reads)
      for (unsigned c : rr.columns) macabs.insert({rr.row, c});
    EXPECT_LE(macabs.size(), 2 * (m.size() / 16 + 2)) << "cluster " << g;
  }
}

TEST(StripedLayout, SimilarClustersShareRows) {
  // Two topics alternating every 32 tokens: each block holds both; their clusters must end up
  // in different buckets and never share a row.
  const unsigned n = 64 * 16;
  const KvHead h = topic_head(static_cast<int>(n), 128, 2, 32, test_seed() + 2);
  ClusteredKeys ck;
  ck.extend(h.keys);
  const StripedLayout l(h, ck, n, small_org(), pim::Fmt::fp16);
  std::vector<std::set<unsigned>> topics_of_row(l.rows(Region::keys));
  for (unsigned t = 0; t < n; ++t) topics_of_row.at(stripe_of(l, t).first).insert((t / 32) % 2);
  // The tail row holds block 0 (the sinks) next to the open block; every other row one topic.
  for (std::size_t r = 0; r < l.tail_row(); ++r) EXPECT_LE(topics_of_row[r].size(), 1u) << "row " << r;
  for (unsigned t = 0; t < 64; ++t) EXPECT_GE(stripe_of(l, t).first, l.tail_row());
  // Without the sink block, block 0 joins the buckets too.
  const StripedLayout l2(h, ck, n, small_org(), pim::Fmt::fp16, 0, {.sink_block = false});
  for (unsigned t = 0; t < 64; ++t) EXPECT_LT(stripe_of(l2, t).first, l2.tail_row());
  EXPECT_GE(l.buckets(), 2u);
  // Every row but one per bucket is full.
  EXPECT_LE(l.rows_used(), (n + l.row_slots() - 1) / l.row_slots() + l.buckets());
}

TEST(StripedLayout, AppendsMoveOnlyTheCompletedBlock) {
  const unsigned total = 64 * 9;
  const KvHead h = topic_head(static_cast<int>(total), 128, 3, 40, test_seed() + 3);
  ClusteredKeys ck;
  std::vector<unsigned> prev;
  for (unsigned n = 100; n <= total; n += 7) {
    ck.extend(h.keys.topRows(n));
    const StripedLayout l(h, ck, n, small_org(), pim::Fmt::fp16, total);
    expect_every_token_once_and_intact(l, h, ck);
    unsigned moved = 0;
    for (unsigned t = 0; t < prev.size(); ++t) {
      if (l.slot_of(t) == prev[t]) continue;
      ++moved;
      // Only tokens of a block that completed since the previous layout move.
      EXPECT_GE(t, (static_cast<unsigned>(prev.size()) / 64) * 64) << "token " << t << " at n " << n;
      EXPECT_LT(t, ck.clustered_tokens()) << "token " << t << " at n " << n;
    }
    EXPECT_LE(moved, 64u);
    prev.assign(n, 0);
    for (unsigned t = 0; t < n; ++t) prev[t] = l.slot_of(t);
  }
}

TEST(StripedLayout, ReadsCoverExactlyTheSelection) {
  std::mt19937_64 rng(test_seed() + 4);
  const unsigned n = 64 * 6 + 40;
  const KvHead h = topic_head(static_cast<int>(n), 128, 3, 24, test_seed() + 5);
  ClusteredKeys ck;
  ck.extend(h.keys);
  const StripedLayout l(h, ck, n, small_org(), pim::Fmt::fp16);
  for (int trial = 0; trial < 20; ++trial) {
    std::vector<unsigned> sel;
    std::bernoulli_distribution pick((trial + 1) / 21.0);
    for (unsigned t = 0; t < n; ++t)
      if (pick(rng)) sel.push_back(t);
    for (Region r : {Region::keys, Region::values}) {
      const pim::ReadList reads = l.token_reads(r, sel);
      EXPECT_EQ(l.tokens_read(reads, r), sel);
      EXPECT_EQ(count(reads).columns, sel.size() * l.cols_per_token());
    }
  }
  Selection s;
  s.context = n;
  s.cost = SelectionCost::centroids;
  // 24 centroids, 2 columns each, in the 4 bank groups' first BG-rows of the centroid region.
  EXPECT_EQ(count(l.cost_reads(s)).columns, 24u * 2);
  EXPECT_EQ(count(l.cost_reads(s)).bg_rows, 2u);
}

TEST(StripedLayout, RejectsBadInput) {
  const KvHead h = topic_head(200, 128, 2, 16, 5);
  ClusteredKeys ck;
  ck.extend(h.keys.topRows(128));
  EXPECT_THROW(StripedLayout(h, ck, 200, small_org(), pim::Fmt::fp16), std::invalid_argument);
  EXPECT_NO_THROW(StripedLayout(h, ck, 191, small_org(), pim::Fmt::fp16));
  EXPECT_THROW(StripedLayout(h, ck, 191, small_org(), pim::Fmt::fp16, 0, {.buckets = 0}), std::invalid_argument);
  EXPECT_THROW(StripedLayout(h, ck, 191, small_org(), pim::Fmt::fp16, 0, {.threshold = 2.0}),
               std::invalid_argument);
  pim::Org tiny = small_org();
  tiny.rows = 4;
  EXPECT_THROW(StripedLayout(h, ck, 191, tiny, pim::Fmt::fp16), std::invalid_argument);
}

}  // namespace
