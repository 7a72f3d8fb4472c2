// KV layouts: every token in exactly one slot, read back intact from the DRAM image, the
// address arithmetic of docs/design.md sections 3-4, and reads that cover exactly a selection.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <set>
#include <tuple>

#include <gtest/gtest.h>

#include "layout_fixtures.hpp"
#include "test_seed.hpp"

#include "mapping/cluster_layout.hpp"
#include "mapping/kmeans.hpp"
#include "mapping/token_layout.hpp"

namespace {

using namespace starc;

std::uint64_t test_seed() {
  static const std::uint64_t seed = starc::test::test_seed(7);
  return seed;
}

// Keys and values exactly representable in fp16.
KvHead random_head(int n, int d, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> nd(0.0f, 2.0f);
  auto fill = [&](Matrix& m, int rows) {
    m.resize(rows, d);
    for (int i = 0; i < rows; ++i) {
      for (int j = 0; j < d; ++j) {
        m(i, j) = starc::test::fp16(nd(rng));
      }
    }
  };
  KvHead h;
  fill(h.keys, n);
  fill(h.values, n);
  fill(h.queries, 1);
  return h;
}

pim::Org small_org() { return starc::test::small_org(64); }

void expect_bijective_and_intact(const KvLayout& l, const KvHead& h) {
  std::set<std::tuple<unsigned, unsigned, unsigned>> places;
  for (unsigned t = 0; t < l.tokens(); ++t) {
    const unsigned s = l.slot_of(t);
    EXPECT_EQ(l.token_at(s), t);
    const SlotAddress a = l.token_address(t);
    EXPECT_TRUE(places.insert({a.gbg, a.row, a.slot}).second) << "token " << t;
    EXPECT_GE(a.row, l.base_row(Region::keys));
    EXPECT_LT(a.row, l.base_row(Region::keys) + l.rows(Region::keys));
    const auto k = l.read_vector(Region::keys, s);
    const auto v = l.read_vector(Region::values, s);
    for (unsigned j = 0; j < l.head_dim(); ++j) {
      ASSERT_EQ(k[j], h.keys(t, j)) << "token " << t << " dim " << j;
      ASSERT_EQ(v[j], h.values(t, j)) << "token " << t << " dim " << j;
    }
  }
}

TEST(TokenLayout, AddressArithmeticOfThePaperChannel) {
  const KvHead h = random_head(100, 128, test_seed());
  const TokenLayout l(h, 100, pim::hbm3_pim_org(), pim::Fmt::fp16);
  EXPECT_EQ(l.slots_per_row(), 16u);
  EXPECT_EQ(l.cols_per_token(), 2u);
  // Token 17: BG-row 1 -> global bank group 1, row 0, slot 1.
  EXPECT_EQ(l.token_address(17), (SlotAddress{1, 0, 1}));
  // 100 tokens = 7 BG-rows of 16 bank groups: one row index per region.
  EXPECT_EQ(l.rows(Region::keys), 1u);
  EXPECT_EQ(l.base_row(Region::values), 1u);
  EXPECT_EQ(l.base_row(Region::page_meta), 2u);
  EXPECT_EQ(l.rows(Region::centroids), 0u);
  // Dimension 40 of token 17: bank 1 (dims 32..63), column 2 * 1 + 0, lane 8.
  const ElementAddress e = l.element_address(Region::keys, 17, 40);
  EXPECT_EQ(e.bank, 1u);
  EXPECT_EQ(e.col, 2u);
  EXPECT_EQ(e.lane, 8u);
  EXPECT_EQ(e.gbank, 1u * 4 + 1);
  EXPECT_EQ(std::tie(e.pch, e.rank, e.bg), std::make_tuple(0u, 0u, 1u));
  // Value slot 16 * 5 + 3: BG-row 5 -> gbg 5 = pch 0, rank 1, bg 1; row 1 (value region);
  // dimension 127: bank 3, column 3 * 2 + 1, lane 15.
  const ElementAddress f = l.element_address(Region::values, 16 * 5 + 3, 127);
  EXPECT_EQ(std::tie(f.pch, f.rank, f.bg, f.bank, f.row, f.col, f.lane),
            std::make_tuple(0u, 1u, 1u, 3u, 1u, 7u, 15u));
  expect_bijective_and_intact(l, h);
}

TEST(TokenLayout, EveryTokenOnceAndIntactOnSmallOrgs) {
  for (unsigned d : {64u, 128u, 256u}) {
    const KvHead h = random_head(333, static_cast<int>(d), test_seed() + d);
    const TokenLayout l(h, 300, small_org(), pim::Fmt::fp16, {.page = 16, .capacity = 333});
    EXPECT_EQ(l.slots_per_row(), 32u * 64 / d);
    EXPECT_EQ(l.region_slots(Region::keys), 333u);
    expect_bijective_and_intact(l, h);
    // Page metadata: min in slot 2p, max in 2p + 1 (the last page of 300 is partial).
    const Matrix meta = page_min_max(h.keys, 300, 16);
    ASSERT_EQ(meta.rows(), 2 * 19);
    for (unsigned s = 0; s < meta.rows(); ++s) {
      const auto m = l.read_vector(Region::page_meta, s);
      for (unsigned j = 0; j < d; ++j) ASSERT_EQ(m[j], meta(s, j));
    }
    EXPECT_EQ(meta(2 * 18, 0), h.keys.middleRows(288, 12).col(0).minCoeff());
  }
}

TEST(ClusterLayout, ClustersContiguousRecentInTokenOrder) {
  const unsigned n = 64 * 5 + 23;
  const KvHead h = random_head(static_cast<int>(n), 128, test_seed() + 11);
  ClusteredKeys ck;
  ck.extend(h.keys.topRows(n));
  const ClusterLayout l(h, ck, n, small_org(), pim::Fmt::fp16);
  expect_bijective_and_intact(l, h);
  ASSERT_EQ(l.clusters(), 20u);
  for (unsigned g = 0; g < l.clusters(); ++g) {
    const auto m = ck.members(g);
    for (std::size_t i = 0; i < m.size(); ++i) EXPECT_EQ(l.slot_of(m[i]), l.cluster_begin(g) + i);
    // Centroid g in centroid slot g, rounded to fp16.
    const auto c = l.read_vector(Region::centroids, g);
    for (unsigned j = 0; j < 128; ++j) {
      ASSERT_EQ(c[j], pim::decode_input(pim::encode_input(ck.centroids()(g, j), pim::Fmt::fp16),
                                        pim::Fmt::fp16));
    }
  }
  // A block of 64 keeps to its own 64 slots.
  for (unsigned t = 0; t < 320; ++t) EXPECT_EQ(l.slot_of(t) / 64, t / 64);
  for (unsigned t = 320; t < n; ++t) EXPECT_EQ(l.slot_of(t), t);
  EXPECT_GE(l.base_row(Region::centroids), l.base_row(Region::values) + l.rows(Region::values));
}

TEST(Layouts, ReadsCoverExactlyTheSelection) {
  std::mt19937_64 rng(test_seed() + 21);
  const unsigned n = 64 * 4 + 40;
  const KvHead h = random_head(static_cast<int>(n), 128, test_seed() + 22);
  ClusteredKeys ck;
  ck.extend(h.keys);
  const TokenLayout tl(h, n, small_org(), pim::Fmt::fp16);
  const ClusterLayout cl(h, ck, n, small_org(), pim::Fmt::fp16);
  for (int trial = 0; trial < 20; ++trial) {
    std::vector<unsigned> sel;
    const double keep = (trial + 1) / 21.0;
    std::bernoulli_distribution pick(keep);
    for (unsigned t = 0; t < n; ++t) {
      if (pick(rng)) sel.push_back(t);
    }
    for (const KvLayout* l : {static_cast<const KvLayout*>(&tl), static_cast<const KvLayout*>(&cl)}) {
      for (Region r : {Region::keys, Region::values}) {
        const pim::ReadList reads = l->token_reads(r, sel);
        EXPECT_EQ(l->tokens_read(reads, r), sel) << l->name();
        for (const auto& rr : reads) {
          EXPECT_TRUE(std::is_sorted(rr.columns.begin(), rr.columns.end()));
          EXPECT_EQ(std::adjacent_find(rr.columns.begin(), rr.columns.end()), rr.columns.end());
        }
        EXPECT_EQ(count(reads).columns, sel.size() * l->cols_per_token());
      }
    }
  }
  // A read that covers half a token is rejected.
  pim::ReadList partial = tl.token_reads(Region::keys, std::vector<unsigned>{5});
  partial[0].columns.pop_back();
  EXPECT_THROW(tl.tokens_read(partial), std::invalid_argument);
}

TEST(Layouts, SelectionCostReads) {
  const unsigned n = 64 * 4 + 40;
  const KvHead h = random_head(static_cast<int>(n), 128, test_seed() + 31);
  ClusteredKeys ck;
  ck.extend(h.keys);
  const TokenLayout tl(h, n, pim::hbm3_pim_org(), pim::Fmt::fp16);
  const ClusterLayout cl(h, ck, n, pim::hbm3_pim_org(), pim::Fmt::fp16);
  Selection s;
  s.context = n;
  s.tokens = {0, 1, 2};
  s.cost = SelectionCost::centroids;
  EXPECT_EQ(count(cl.cost_reads(s)).columns, 16u * 2);  // 16 centroids, 2 columns each
  EXPECT_EQ(count(cl.cost_reads(s)).bg_rows, 1u);
  EXPECT_THROW(tl.cost_reads(s), std::invalid_argument);
  s.cost = SelectionCost::page_meta;
  EXPECT_EQ(count(tl.cost_reads(s)).columns, 2u * 19 * 2);  // 19 pages x (min, max) x 2 columns
  EXPECT_THROW(cl.cost_reads(s), std::invalid_argument);
  // Token-wise: dims 0..15 sit in column 0 of each token's slot in bank 0; dim 16 in column 1.
  s.cost = SelectionCost::dims;
  s.dims = {0, 3, 15, 32, 100};  // within-bank offsets 0, 3, 15, 0, 4: column 0 only
  EXPECT_EQ(count(tl.cost_reads(s)).columns, n);
  s.dims = {0, 16};
  EXPECT_EQ(count(tl.cost_reads(s)).columns, 2u * n);  // every key column
  s.cost = SelectionCost::none;
  EXPECT_TRUE(tl.cost_reads(s).empty());
  const PhaseReads p = tl.plan(s);
  EXPECT_EQ(tl.tokens_read(p.keys), s.tokens);
  EXPECT_EQ(tl.tokens_read(p.values, Region::values), s.tokens);
}

TEST(Layouts, RejectBadInput) {
  const KvHead h = random_head(200, 128, 5);
  pim::Org tiny = small_org();
  tiny.rows = 2;
  EXPECT_THROW(TokenLayout(h, 200, tiny, pim::Fmt::fp16), std::invalid_argument);  // rows
  EXPECT_THROW(TokenLayout(h, 201, small_org(), pim::Fmt::fp16), std::invalid_argument);
  EXPECT_THROW(TokenLayout(h, 0, small_org(), pim::Fmt::fp16), std::invalid_argument);
  // Page 0: no page-metadata region, so a page-metadata read is refused.
  const TokenLayout no_meta(h, 10, small_org(), pim::Fmt::fp16, {.page = 0});
  EXPECT_EQ(no_meta.rows(Region::page_meta), 0u);
  Selection meta_read;
  meta_read.context = 10;
  meta_read.cost = SelectionCost::page_meta;
  EXPECT_THROW(no_meta.cost_reads(meta_read), std::invalid_argument);
  const KvHead odd = random_head(10, 96, 6);  // 96 is not a multiple of 4 x 16 = 64
  EXPECT_THROW(TokenLayout(odd, 10, small_org(), pim::Fmt::fp16), std::invalid_argument);
  ClusteredKeys ck;
  ck.extend(h.keys.topRows(128));
  EXPECT_THROW(ClusterLayout(h, ck, 200, small_org(), pim::Fmt::fp16), std::invalid_argument);
  EXPECT_NO_THROW(ClusterLayout(h, ck, 191, small_org(), pim::Fmt::fp16));
  const TokenLayout l(h, 100, small_org(), pim::Fmt::fp16);
  EXPECT_THROW(l.token_reads(Region::keys, std::vector<unsigned>{100}), std::out_of_range);
  EXPECT_THROW(l.element_address(Region::keys, 0, 128), std::out_of_range);
  EXPECT_THROW(l.slot_address(Region::centroids, 0), std::out_of_range);
  Selection s;
  s.context = 150;
  s.cost = SelectionCost::page_meta;
  EXPECT_THROW(l.cost_reads(s), std::out_of_range);
}

}  // namespace
