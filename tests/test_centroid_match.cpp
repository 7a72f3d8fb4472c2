// centroid_match: the golden model's contract (hand-worked cases) and the Verilated RTL
// (MaxSel 16, MaxClusters 256) against the golden model, bit for bit (list, order, takes,
// flags), plus the cycle contract (done_o in cycle stream + max(n, 1) after the first entry).
//
// Seeded: STARC_SEED overrides the default seed; random tests print the seed they used.
// Every RTL test runs with two X-randomisation seeds (randReset(2)). STARC_WAVES=1 writes one
// FST per test, named after it.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/core.h>

#include "sim/centroid_match_harness.hpp"
#include "host/centroid_select.hpp"
#include "test_seed.hpp"

namespace pim {
namespace {

constexpr std::uint32_t kPosZero = 0x00000000u;
constexpr std::uint32_t kNegZero = 0x80000000u;
constexpr std::uint32_t kPosInf = 0x7F800000u;
constexpr std::uint32_t kNegInf = 0xFF800000u;
constexpr std::uint32_t kQNaN = 0x7FC00000u;
constexpr std::uint32_t kNegNaN = 0xFFC00000u;
constexpr std::uint32_t kSNaN = 0x7F800001u;

std::uint32_t f(float x) { return std::bit_cast<std::uint32_t>(x); }

std::uint64_t test_seed() {
  static const std::uint64_t seed = starc::test::test_seed(20240611ull);
  return seed;
}

std::string describe(const CentroidSelection& s) {
  std::string out = fmt::format("met={} slim={} [", s.budget_met, s.s_limit_hit);
  for (const auto& c : s.clusters) out += fmt::format(" {}:{}", c.id, c.take);
  return out + " ]";
}

std::string describe(const std::vector<CentroidEntry>& e) {
  std::string out;
  for (const auto& x : e) out += fmt::format(" ({},{:08x},{})", x.id, x.score_bits, x.size);
  return out;
}

// ---- Golden model: hand-worked cases ---------------------------------------------------------

TEST(CentroidSelect, DescendingScoreWithCut) {
  const std::vector<CentroidEntry> e = {
      {0, f(0.5f), 10}, {1, f(2.0f), 7}, {2, f(-1.0f), 64}, {3, f(1.0f), 5}};
  const CentroidSelection s = select_centroids(e, 15, 16);
  const std::vector<SelectedCluster> want = {{1, 7}, {3, 5}, {0, 3}};
  EXPECT_EQ(s.clusters, want) << describe(s);
  EXPECT_TRUE(s.budget_met);
  EXPECT_FALSE(s.s_limit_hit);
}

TEST(CentroidSelect, TiesBySignedZeroAndIdAndNaNLast) {
  // -0 == +0 (lower id first), NaNs (any payload or sign) after -inf, NaN ties by id.
  const std::vector<CentroidEntry> e = {{9, kNegZero, 1}, {4, kPosZero, 1}, {7, kNegNaN, 1},
                                        {2, kQNaN, 1},    {5, kNegInf, 1},  {6, kSNaN, 1},
                                        {8, kPosInf, 1}};
  const CentroidSelection s = select_centroids(e, 100, 16);
  const std::vector<SelectedCluster> want = {{8, 1}, {4, 1}, {9, 1}, {5, 1},
                                             {2, 1}, {6, 1}, {7, 1}};
  EXPECT_EQ(s.clusters, want) << describe(s);
  EXPECT_FALSE(s.budget_met);
  EXPECT_FALSE(s.s_limit_hit);  // every cluster selected: fewer than B tokens in all
}

TEST(CentroidSelect, EmptyClustersNeverSelected) {
  const std::vector<CentroidEntry> e = {{0, f(3.0f), 0}, {1, f(2.0f), 4}, {2, f(1.0f), 0}};
  const CentroidSelection s = select_centroids(e, 4, 1);
  const std::vector<SelectedCluster> want = {{1, 4}};
  EXPECT_EQ(s.clusters, want) << describe(s);
  EXPECT_TRUE(s.budget_met);
}

TEST(CentroidSelect, SLimitAndBudgetZero) {
  const std::vector<CentroidEntry> e = {{0, f(1.0f), 2}, {1, f(2.0f), 2}, {2, f(3.0f), 2}};
  const CentroidSelection s = select_centroids(e, 5, 2);
  const std::vector<SelectedCluster> want = {{2, 2}, {1, 2}};
  EXPECT_EQ(s.clusters, want) << describe(s);
  EXPECT_FALSE(s.budget_met);
  EXPECT_TRUE(s.s_limit_hit);
  // Exactly S clusters of non-zero size, budget not met: all selected, not an S-limit case.
  const CentroidSelection all = select_centroids(std::span(e).first(2), 5, 2);
  EXPECT_FALSE(all.s_limit_hit);
  const CentroidSelection none = select_centroids(e, 0, 2);
  EXPECT_TRUE(none.clusters.empty());
  EXPECT_TRUE(none.budget_met);
}

TEST(CentroidSelect, RejectsBadInput) {
  const std::vector<CentroidEntry> big = {{3, f(1.0f), 65}};
  EXPECT_THROW(select_centroids(big, 1, 4), std::invalid_argument);
  const std::vector<CentroidEntry> ok = {{3, f(1.0f), 64}};
  EXPECT_THROW(select_centroids(ok, 1, 0), std::invalid_argument);
  EXPECT_THROW(select_centroids(ok, kMaxCentroidBudget + 1, 4), std::invalid_argument);
}

// ---- RTL against the golden model --------------------------------------------------------------

class CentroidMatchRtl : public ::testing::TestWithParam<std::uint32_t> {
 protected:
  void SetUp() override {
    CentroidMatchOptions o;
    o.seed = GetParam();
    const char* waves = std::getenv("STARC_WAVES");
    if (waves && std::string(waves) == "1") {
      const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
      std::string name = fmt::format("{}.{}", info->test_suite_name(), info->name());
      std::replace(name.begin(), name.end(), '/', '_');
      o.fst_path = name + ".fst";
    }
    h_ = std::make_unique<CentroidMatchHarness>(make_centroid_match_s16(o), GetParam());
  }

  // Runs one selection on the RTL and compares it with the golden model.
  void check(const std::vector<CentroidEntry>& e, std::uint32_t budget,
             const std::vector<int>& gaps = {}, int lead = 0) {
    const CentroidMatchRun run = h_->select(e, budget, gaps, lead);
    const CentroidSelection want = select_centroids(e, budget, h_->max_sel());
    ++selections_;
    EXPECT_EQ(run.selection, want) << "budget " << budget << "\n rtl  " << describe(run.selection)
                                   << "\n gold " << describe(want) << "\n entries"
                                   << describe(e);
    const std::uint64_t n = std::max<std::size_t>(want.clusters.size(), 1);
    EXPECT_EQ(run.cycles, run.stream_cycles + n + 1) << "cycle contract";
    EXPECT_FALSE(h_->got_error()) << "RTL assertion fired";
  }

  std::unique_ptr<CentroidMatchHarness> h_;
  int selections_ = 0;
};

std::vector<CentroidEntry> stream(const std::vector<std::uint32_t>& scores,
                                  const std::vector<int>& sizes) {
  std::vector<CentroidEntry> e;
  for (std::size_t i = 0; i < scores.size(); ++i) {
    e.push_back({static_cast<std::uint32_t>(i), scores[i],
                 static_cast<std::uint8_t>(sizes[i % sizes.size()])});
  }
  return e;
}

TEST_P(CentroidMatchRtl, AllEqualScores) {
  // Order is by id alone; ids arrive shuffled.
  std::mt19937_64 rng(test_seed());
  std::vector<CentroidEntry> e;
  for (int i = 0; i < 100; ++i) e.push_back({static_cast<std::uint32_t>(3 * i + 1), f(0.25f),
                                             static_cast<std::uint8_t>(1 + i % 64)});
  std::shuffle(e.begin(), e.end(), rng);
  for (std::uint32_t b : {1u, 37u, 64u, 200u, 500u, 2000u}) check(e, b);
}

TEST_P(CentroidMatchRtl, AllNaN) {
  std::vector<std::uint32_t> scores;
  for (int i = 0; i < 40; ++i) scores.push_back(i % 3 == 0 ? kQNaN : (i % 3 == 1 ? kNegNaN : kSNaN));
  const auto e = stream(scores, {5, 1, 64, 0});
  for (std::uint32_t b : {1u, 70u, 300u, 5000u}) check(e, b);
}

TEST_P(CentroidMatchRtl, MixedInfinitiesAndSignedZeros) {
  const std::vector<std::uint32_t> scores = {kNegZero, kPosInf, kQNaN, kPosZero, kNegInf,
                                             f(-1e-45f), f(1e-45f), kNegZero, kPosInf, kNegInf,
                                             kPosZero, f(-0.0f), kSNaN, f(3.5f), f(-3.5f)};
  const auto e = stream(scores, {2, 3});
  for (std::uint32_t b : {1u, 2u, 5u, 9u, 20u, 37u, 100u}) check(e, b);
  // Reversed arrival order: ties must still go to the lower id.
  auto r = e;
  std::reverse(r.begin(), r.end());
  for (std::uint32_t b : {1u, 9u, 20u, 100u}) check(r, b);
}

TEST_P(CentroidMatchRtl, BudgetOneAndZero) {
  const auto e = stream({f(1.0f), f(5.0f), f(5.0f), f(-2.0f)}, {64, 3, 9, 1});
  check(e, 1);
  check(e, 0);
  const std::vector<CentroidEntry> one = {{77, f(2.0f), 64}};
  check(one, 1);
  check(one, 0);
}

TEST_P(CentroidMatchRtl, BudgetAboveAllClusters) {
  const auto e = stream({f(1.0f), f(2.0f), f(3.0f), f(4.0f), f(0.5f)}, {10, 0, 64, 1, 7});
  check(e, 1000);
  check(e, kMaxCentroidBudget);
  // Exactly the total: budget met with no cut.
  check(e, 10 + 64 + 1 + 7);
  // Only empty clusters.
  const auto empty = stream({f(1.0f), f(2.0f)}, {0});
  check(empty, 5);
}

TEST_P(CentroidMatchRtl, ClustersOfSizeOne) {
  std::vector<std::uint32_t> scores;
  for (int i = 0; i < 64; ++i) scores.push_back(f(static_cast<float>((i * 37) % 64) - 20.0f));
  const auto e = stream(scores, {1});
  for (std::uint32_t b : {1u, 8u, 15u, 16u, 17u, 64u}) check(e, b);
}

TEST_P(CentroidMatchRtl, SLimitReachedBeforeBudget) {
  // 200 clusters of size 2, S = 16: at most 32 tokens; B = 33 hits the limit, B = 32 does not.
  std::vector<std::uint32_t> scores;
  for (int i = 0; i < 200; ++i) scores.push_back(f(static_cast<float>((i * 73) % 200)));
  const auto e = stream(scores, {2});
  check(e, 33);
  check(e, 32);
  check(e, 31);
  check(e, 1000);
  // Exactly 16 non-empty clusters (the others empty): all selected, no S limit.
  const auto e16 = stream(scores, {2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
  ASSERT_EQ(std::count_if(e16.begin(), e16.end(), [](auto& x) { return x.size != 0; }), 17);
  check(std::vector<CentroidEntry>(e16.begin(), e16.begin() + 190), 1000);
  check(e16, 1000);  // 17 non-empty: S limit
}

TEST_P(CentroidMatchRtl, StartAheadAndGapsInStream) {
  const auto e = stream({f(1.0f), f(-2.0f), f(7.0f), kQNaN, f(7.0f), f(0.0f)}, {3, 9, 4, 1});
  check(e, 10, {}, 1);
  check(e, 10, {}, 5);
  check(e, 10, {2, 0, 3, 1, 0, 4}, 0);
  check(e, 100, {1, 1, 1, 1, 1, 1}, 2);
}

// Random streams, back to back on one harness without reset (ready_o rises in the done cycle,
// the next start_i comes in that cycle).
TEST_P(CentroidMatchRtl, RandomStreamsBackToBack) {
  constexpr int kIters = 1500;
  std::mt19937_64 rng(test_seed() ^ (0x9E37ull * GetParam()));
  const std::vector<std::uint32_t> specials = {kPosZero, kNegZero, kPosInf, kNegInf, kQNaN,
                                               kNegNaN,  kSNaN,    f(1.0f), f(-1.0f), 1u,
                                               0x80000001u, 0x7F7FFFFFu, 0xFF7FFFFFu};
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<std::uint64_t>(n)); };
  for (int iter = 0; iter < kIters; ++iter) {
    const int n = 1 + pick(iter % 5 == 0 ? h_->max_clusters() : 60);
    const int score_kind = pick(4);
    const bool dup_ids = pick(4) == 0;
    std::vector<CentroidEntry> e(static_cast<std::size_t>(n));
    std::vector<std::uint32_t> ids(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) ids[static_cast<std::size_t>(i)] = static_cast<std::uint32_t>(i);
    std::shuffle(ids.begin(), ids.end(), rng);
    std::uint32_t total = 0;
    for (int i = 0; i < n; ++i) {
      CentroidEntry& x = e[static_cast<std::size_t>(i)];
      x.id = dup_ids ? static_cast<std::uint32_t>(pick(8)) : static_cast<std::uint32_t>(
                                                                 ids[static_cast<std::size_t>(i)] * 251u);
      switch (score_kind) {
        case 0: x.score_bits = static_cast<std::uint32_t>(rng()); break;  // any bit pattern
        case 1: x.score_bits = specials[static_cast<std::size_t>(pick(static_cast<int>(specials.size())))]; break;
        case 2: x.score_bits = f(static_cast<float>(pick(7) - 3)); break;  // many ties
        default: x.score_bits = f(std::uniform_real_distribution<float>(-4.0f, 4.0f)(rng)); break;
      }
      x.size = static_cast<std::uint8_t>(pick(8) == 0 ? 0 : (pick(3) == 0 ? 1 + pick(64) : 16 + pick(17)));
      total += x.size;
    }
    std::uint32_t budget;
    switch (pick(5)) {
      case 0: budget = 1; break;
      case 1: budget = total + static_cast<std::uint32_t>(pick(100)); break;
      case 2: budget = static_cast<std::uint32_t>(pick(static_cast<int>(total) + 1)); break;
      default: budget = 1 + static_cast<std::uint32_t>(pick(600)); break;
    }
    std::vector<int> gaps;
    if (pick(3) == 0) {
      for (int i = 0; i < n; ++i) gaps.push_back(pick(4) == 0 ? pick(3) : 0);
    }
    const int lead = pick(4) == 0 ? pick(3) : 0;
    check(e, budget, gaps, lead);
    if (HasFailure()) {
      std::printf("failing iteration %d (seed %llu)\n", iter,
                  static_cast<unsigned long long>(test_seed()));
      return;
    }
  }
  EXPECT_EQ(selections_, kIters);
}

TEST_P(CentroidMatchRtl, ResetBetweenSelections) {
  std::vector<std::uint32_t> scores;
  for (int i = 0; i < 30; ++i) scores.push_back(f(static_cast<float>(i % 7)));
  const auto e = stream(scores, {9, 4});
  check(e, 50);
  h_->reset();
  check(e, 51);
  check(std::vector<CentroidEntry>(e.begin(), e.begin() + 10), 1);
}

INSTANTIATE_TEST_SUITE_P(XSeeds, CentroidMatchRtl, ::testing::Values(1u, 2u));

// ---- Passes: selections of more than MaxSel clusters ------------------------------------------

TEST(CentroidSelectGolden, PassesEqualUnlimitedSelection) {
  // 10 clusters of size 3, S = 4: B = 25 needs 9 clusters, 3 passes (4, 4, 1).
  std::vector<CentroidEntry> e;
  for (std::uint32_t i = 0; i < 10; ++i) e.push_back({i * 7, f(static_cast<float>((i * 3) % 10)), 3});
  const auto passes = select_centroid_passes(e, 25, 4);
  ASSERT_EQ(passes.size(), 3u);
  EXPECT_TRUE(passes[0].s_limit_hit);
  EXPECT_TRUE(passes[1].s_limit_hit);
  EXPECT_TRUE(passes[2].budget_met);
  EXPECT_EQ(passes[2].clusters.size(), 1u);
  EXPECT_EQ(passes[2].clusters[0].take, 1);
  EXPECT_EQ(merge_passes(passes), select_centroids(e, 25, kUnlimitedSelection));
  // Resume floor: only entries ranking strictly after it.
  const CentroidEntry floor = {7, f(3.0f), 3};
  const CentroidSelection after = select_centroids(e, 100, 100, &floor);
  for (const auto& c : after.clusters) EXPECT_NE(c.id, 7u);
  EXPECT_EQ(after.clusters.size(), 3u);  // scores 2, 1, 0
  // Ids above 20 bits are refused; the largest id is accepted.
  const std::vector<CentroidEntry> top = {{kMaxClusterId, f(1.0f), 64}};
  EXPECT_EQ(select_centroids(top, 64, 1).clusters.at(0).id, kMaxClusterId);
  const std::vector<CentroidEntry> above = {{kMaxClusterId + 1, f(1.0f), 64}};
  EXPECT_THROW(select_centroids(above, 64, 1), std::invalid_argument);
}

// The MaxSel 4 build: every selection runs as passes and must equal the golden passes (each one
// bit for bit) and, merged, the single-pass selection without a limit.
class CentroidMatchPassesRtl : public ::testing::TestWithParam<std::uint32_t> {
 protected:
  void SetUp() override {
    h_ = std::make_unique<CentroidMatchHarness>(make_centroid_match_s4({GetParam(), ""}), GetParam());
  }
  void check(const std::vector<CentroidEntry>& e, std::uint32_t budget, const std::vector<int>& gaps = {}) {
    const CentroidMatchPassesRun run = h_->select_passes(e, budget, gaps);
    const auto want = select_centroid_passes(e, budget, h_->max_sel());
    ASSERT_EQ(run.passes.size(), want.size()) << "budget " << budget;
    std::uint64_t cycles = 0;
    for (std::size_t p = 0; p < want.size(); ++p) {
      EXPECT_EQ(run.passes[p].selection, want[p]) << "pass " << p << " budget " << budget
                                                  << "\n rtl  " << describe(run.passes[p].selection)
                                                  << "\n gold " << describe(want[p]);
      const std::uint64_t n = std::max<std::size_t>(want[p].clusters.size(), 1);
      EXPECT_EQ(run.passes[p].cycles, run.passes[p].stream_cycles + n + 1) << "pass " << p;
      cycles += run.passes[p].cycles - (p == 0 ? 0 : 1);
    }
    EXPECT_EQ(run.cycles, cycles);
    EXPECT_EQ(run.selection, select_centroids(e, budget, kUnlimitedSelection)) << describe(run.selection);
    EXPECT_FALSE(h_->got_error()) << "RTL assertion fired";
  }
  std::unique_ptr<CentroidMatchHarness> h_;
};

TEST_P(CentroidMatchPassesRtl, BudgetAllTokensAtMaximumIds) {
  // 300 clusters with ids at the top of the 20-bit id space (the largest included), sizes 1..64,
  // many ties: budget = all tokens (75 passes), all tokens + 1 (not met), and the maximum budget.
  std::mt19937_64 rng(test_seed() ^ GetParam());
  std::vector<CentroidEntry> e;
  std::uint32_t total = 0;
  for (std::uint32_t i = 0; i < 300; ++i) {
    const auto size = static_cast<std::uint8_t>(i % 17 == 0 ? 0 : 1 + rng() % 64);
    e.push_back({kMaxClusterId - i * 3, f(static_cast<float>(rng() % 9) - 4.0f), size});
    total += size;
  }
  std::shuffle(e.begin(), e.end(), rng);
  check(e, total);
  check(e, total + 1);
  check(e, kMaxCentroidBudget);
  check(e, total / 2);
  check(e, 1);
  check(e, 0);
}

TEST_P(CentroidMatchPassesRtl, ExactlyMaxSelMultiplesAndSpecials) {
  // 16 non-empty clusters of size 2 (S = 4): B = 32 takes all in 4 passes (the 4th meets the
  // budget, no further pass), B = 33 needs a 5th pass that finds nothing left.
  const std::vector<std::uint32_t> scores = {kNegZero, kPosInf, kQNaN, kPosZero, kNegInf, f(1.0f),
                                             kSNaN, f(-1.0f), kNegNaN, f(2.0f), f(2.0f), kPosZero,
                                             f(-3.0f), kQNaN, kPosInf, f(0.5f), f(7.0f), f(7.0f)};
  const auto e = stream(scores, {2, 2, 0, 2, 2, 2});
  for (std::uint32_t b : {1u, 4u, 8u, 9u, 16u, 17u, 31u, 32u, 33u, 100u}) check(e, b);
  // With gaps in the first pass's stream (the later passes replay without gaps).
  std::vector<int> gaps;
  for (std::size_t i = 0; i < e.size(); ++i) gaps.push_back(static_cast<int>(i % 3));
  check(e, 20, gaps);
}

TEST_P(CentroidMatchPassesRtl, RandomStreams) {
  std::mt19937_64 rng(test_seed() ^ (0x51ull * GetParam()));
  for (int iter = 0; iter < 300; ++iter) {
    const int n = 1 + static_cast<int>(rng() % 120);
    std::vector<CentroidEntry> e(static_cast<std::size_t>(n));
    std::vector<std::uint32_t> ids(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) ids[static_cast<std::size_t>(i)] = static_cast<std::uint32_t>(i);
    std::shuffle(ids.begin(), ids.end(), rng);
    std::uint32_t total = 0;
    for (int i = 0; i < n; ++i) {
      CentroidEntry& x = e[static_cast<std::size_t>(i)];
      x.id = kMaxClusterId - ids[static_cast<std::size_t>(i)] * 4099u % (kMaxClusterId + 1);
      x.score_bits = rng() % 3 == 0 ? f(static_cast<float>(rng() % 5)) : static_cast<std::uint32_t>(rng());
      x.size = static_cast<std::uint8_t>(rng() % 6 == 0 ? 0 : 1 + rng() % 64);
      total += x.size;
    }
    const std::uint32_t budget = rng() % 4 == 0 ? total : static_cast<std::uint32_t>(rng() % (total + 50));
    check(e, budget);
    if (HasFailure()) {
      std::printf("failing iteration %d (seed %llu)\n", iter, static_cast<unsigned long long>(test_seed()));
      return;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(XSeeds, CentroidMatchPassesRtl, ::testing::Values(1u, 2u));

TEST(CentroidMatchResume, ResumeWithoutSLimitIsFlagged) {
  CentroidMatchHarness h(make_centroid_match_s4({}), 1);
  const std::vector<CentroidEntry> e = {{1, f(1.0f), 3}, {2, f(2.0f), 3}};
  const CentroidMatchRun r = h.select(e, 100, {}, 0, /*resume=*/true);
  EXPECT_TRUE(h.got_error());
  // Ignored: a full selection.
  EXPECT_EQ(r.selection, select_centroids(e, 100, 4));
}

}  // namespace
}  // namespace pim
