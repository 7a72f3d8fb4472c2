// Sparsity policies and fidelity metrics: budget accounting, the oracle bound, dense = exact,
// hand-checked Quest and STARC budget fills, and bad input (host/policy*.hpp, fidelity.hpp).
#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <set>

#include <gtest/gtest.h>

#include "mapping/cluster_layout.hpp"
#include "host/centroid_select.hpp"
#include "host/fidelity.hpp"
#include "host/policy.hpp"
#include "host/policy_starc.hpp"
#include "host/synthetic_kv.hpp"
#include "cli/policy_flags.hpp"
#include "mapping/token_layout.hpp"
#include "test_seed.hpp"

namespace {

using namespace starc;
using starc::cli::parse_budgets;
using starc::cli::parse_policies;

std::uint64_t test_seed() {
  static const std::uint64_t seed = starc::test::test_seed(99u);
  return seed;
}

float fp16(float x) { return pim::decode_input(pim::encode_input(x, pim::Fmt::fp16), pim::Fmt::fp16); }

// Keys with a few clustered directions so that attention is not flat.
KvHead random_head(int l, int s, int d, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> nd(0.0f, 1.0f);
  Matrix dirs(6, d);
  for (int i = 0; i < 6; ++i) for (int j = 0; j < d; ++j) dirs(i, j) = nd(rng);
  std::uniform_int_distribution<int> which(0, 5);
  KvHead h;
  h.keys.resize(l, d);
  h.values.resize(l, d);
  h.queries.resize(s, d);
  for (int i = 0; i < l; ++i) {
    const int w = which(rng);
    for (int j = 0; j < d; ++j) {
      h.keys(i, j) = fp16(dirs(w, j) + 0.5f * nd(rng));
      h.values(i, j) = fp16(nd(rng));
    }
  }
  for (int i = 0; i < s; ++i) {
    const int w = which(rng);
    for (int j = 0; j < d; ++j) h.queries(i, j) = fp16(0.4f * dirs(w, j) + 0.2f * nd(rng));
  }
  return h;
}

std::span<const float> query(const KvHead& h, int s) {
  return {h.queries.row(s).data(), static_cast<std::size_t>(h.queries.cols())};
}

TEST(Policies, BudgetAccountingIsExact) {
  const KvHead h = random_head(64 * 5 + 13, 3, 64, test_seed());
  const unsigned n = 64 * 5 + 13;
  for (const auto& name : policy_names()) {
    auto p = make_policy(name, PolicyParams{});
    for (unsigned b : {1u, 5u, 13u, 14u, 16u, 17u, 64u, 100u, 200u, n - 1, n, n + 50}) {
      const Selection s = p->select(h.keys, query(h, 0), b);
      const unsigned expect = name == "dense" ? n : std::min(b, n);
      EXPECT_EQ(s.tokens.size(), expect) << name << " B=" << b;
      EXPECT_EQ(s.context, n);
      for (std::size_t i = 1; i < s.tokens.size(); ++i) ASSERT_LT(s.tokens[i - 1], s.tokens[i]);
      ASSERT_LT(s.tokens.back(), n);
    }
  }
}

TEST(Policies, ZeroBudgetAndUnknownPolicyAreErrors) {
  const KvHead h = random_head(80, 1, 64, 3);
  for (const auto& name : policy_names()) {
    auto p = make_policy(name, PolicyParams{});
    EXPECT_THROW(p->select(h.keys, query(h, 0), 0), std::invalid_argument) << name;
    const std::vector<float> short_q(32, 1.0f);
    EXPECT_THROW(p->select(h.keys, short_q, 16), std::invalid_argument) << name;
  }
  EXPECT_THROW(make_policy("sparq", PolicyParams{}), std::invalid_argument);
  PolicyParams bad;
  bad.page = 0;
  EXPECT_THROW(make_policy("quest", bad), std::invalid_argument);
  bad = {};
  bad.sparq_r = 65;
  EXPECT_THROW(make_policy("tokenwise", bad)->select(h.keys, query(h, 0), 8), std::invalid_argument);
}

TEST(Policies, OracleBoundsEveryPolicyAndDenseIsExact) {
  const int l = 64 * 8 + 30, steps = 6;
  const KvHead h = random_head(l, steps, 128, test_seed() + 1);
  std::vector<std::unique_ptr<Policy>> ps;
  for (const auto& name : policy_names()) ps.push_back(make_policy(name, PolicyParams{}));
  for (int s = 0; s < steps; ++s) {
    const int n = l - steps + s + 1;
    const auto keys = h.keys.topRows(n);
    const auto values = h.values.topRows(n);
    const DenseReference ref(keys, values, query(h, s));
    // The exact probabilities, computed here (double, maximum subtracted) rather than taken from
    // the reference, so that a recall summed over the wrong tokens fails.
    const auto q = query(h, s);
    std::vector<double> logit(n), prob(n);
    for (int i = 0; i < n; ++i) {
      double dot = 0;
      for (int j = 0; j < 128; ++j) dot += double(keys(i, j)) * double(q[j]);
      logit[i] = dot / std::sqrt(128.0);
    }
    const double mx = *std::max_element(logit.begin(), logit.end());
    double z = 0;
    for (int i = 0; i < n; ++i) z += (prob[i] = std::exp(logit[i] - mx));
    for (auto& x : prob) x /= z;
    for (unsigned b : {16u, 48u, 100u, 256u}) {
      std::vector<FidelityMetrics> m;
      std::vector<std::vector<unsigned>> sel;
      for (auto& p : ps) {
        sel.push_back(p->select(keys, q, b).tokens);
        m.push_back(ref.measure(values, sel.back(), b));
      }
      // Dense attends exactly tokens [0, n) (its recall and error then follow by construction).
      std::vector<unsigned> all(n);
      for (int i = 0; i < n; ++i) all[i] = i;
      EXPECT_EQ(sel[0], all);
      EXPECT_DOUBLE_EQ(m[1].hit_rate, 1.0);  // oracle
      for (std::size_t i = 0; i < m.size(); ++i) {
        double r = 0;
        for (unsigned t : sel[i]) r += prob[t];
        EXPECT_NEAR(m[i].recall, r, 1e-12) << policy_names()[i] << " B=" << b;
      }
      for (std::size_t i = 2; i < m.size(); ++i) {
        EXPECT_GE(m[1].recall, m[i].recall - 1e-12) << policy_names()[i] << " B=" << b;
        EXPECT_GE(m[i].hit_rate, 0.0);
        EXPECT_LE(m[i].hit_rate, 1.0);
      }
    }
  }
}

TEST(Policies, TokenwiseWithAllDimsIsTheOracle) {
  const KvHead h = random_head(300, 1, 64, test_seed() + 2);
  PolicyParams p;
  p.sparq_r = 64;
  const auto tw = make_policy("tokenwise", p)->select(h.keys, query(h, 0), 40);
  const auto orc = make_policy("oracle", p)->select(h.keys, query(h, 0), 40);
  EXPECT_EQ(tw.tokens, orc.tokens);
  // Default r = D / 8 picks the 8 dimensions of largest |q|.
  Matrix k = Matrix::Zero(4, 64);
  std::vector<float> q(64, 0.01f);
  for (unsigned j : {3u, 9u, 10u, 20u, 33u, 40u, 50u, 63u}) q[j] = (j % 2 ? -1.0f : 1.0f) * (1 + j);
  const auto s = make_policy("tokenwise", PolicyParams{})->select(k, q, 2);
  EXPECT_EQ(s.dims, (std::vector<unsigned>{3, 9, 10, 20, 33, 40, 50, 63}));
  EXPECT_EQ(s.cost, SelectionCost::dims);
}

TEST(Policies, QuestScoresPagesByMinMax) {
  // D = 2, pages of 2 tokens: page 0 = {(1,0), (3,0)}, page 1 = {(-5,0), (0,1)}.
  Matrix k(4, 2);
  k << 1, 0, 3, 0, -5, 0, 0, 1;
  PolicyParams p;
  p.page = 2;
  auto quest = make_policy("quest", p);
  // q = (1, 0): page 0 scores max(1, 3) = 3, page 1 max(-5, 0) + max(0, 0) = 0.
  std::vector<float> q = {1, 0};
  EXPECT_EQ(quest->select(k, q, 2).tokens, (std::vector<unsigned>{0, 1}));
  const Selection s3 = quest->select(k, q, 3);  // page 0, then page 1 cut to its first token
  EXPECT_EQ(s3.tokens, (std::vector<unsigned>{0, 1, 2}));
  EXPECT_EQ(s3.pages, (std::vector<unsigned>{0, 1}));
  // q = (-1, 0.5): page 0: max(-1, -3) = -1; page 1: max(5, 0) + max(0, 0.5) = 5.5.
  q = {-1, 0.5f};
  EXPECT_EQ(quest->select(k, q, 2).tokens, (std::vector<unsigned>{2, 3}));
}

TEST(Policies, StarcFillFollowsScoreOrderAndCutsTheLast) {
  // Scores 1, 3, 3, 3, 2 with sizes 10, 0, 5, 4, 8 and budget 12: cluster 1 has size 0 (never
  // selected), cluster 2 (5), cluster 3 (tie: higher id second, 4), cluster 4 cut to 3.
  const std::vector<double> scores = {1, 3, 3, 3, 2};
  const std::vector<unsigned> sizes = {10, 0, 5, 4, 8};
  const auto picks = fill_budget(scores, sizes, 12);
  ASSERT_EQ(picks.size(), 3u);
  EXPECT_EQ(picks[0].cluster, 2u);
  EXPECT_EQ(picks[0].taken, 5u);
  EXPECT_EQ(picks[1].cluster, 3u);
  EXPECT_EQ(picks[1].taken, 4u);
  EXPECT_EQ(picks[2].cluster, 4u);
  EXPECT_EQ(picks[2].taken, 3u);
  EXPECT_EQ(picks[2].size, 8u);
  EXPECT_EQ(fill_budget(scores, sizes, 100).size(), 4u);  // every non-empty cluster, whole
  EXPECT_EQ(fill_budget(scores, sizes, 9).size(), 2u);    // exactly filled: no cut
}

TEST(Policies, StarcAttendsRecentTokensAndUsesTheScorer) {
  const unsigned n = 64 * 3 + 10;
  const KvHead h = random_head(static_cast<int>(n), 1, 64, test_seed() + 3);
  StarcPolicy p{PolicyParams{}};
  // Recent tokens (192..201) are always attended and count against the budget.
  Selection s = p.select(h.keys, query(h, 0), 30);
  EXPECT_EQ(s.recent, 10u);
  EXPECT_EQ(s.tokens.size(), 30u);
  for (unsigned t = 192; t < n; ++t) EXPECT_TRUE(std::binary_search(s.tokens.begin(), s.tokens.end(), t));
  unsigned from_clusters = 0;
  for (const auto& c : s.clusters) from_clusters += c.taken;
  EXPECT_EQ(from_clusters, 20u);
  // Below the recent count: the most recent tokens only.
  s = p.select(h.keys, query(h, 0), 4);
  EXPECT_EQ(s.tokens, (std::vector<unsigned>{198, 199, 200, 201}));
  EXPECT_TRUE(s.clusters.empty());
  // The device's scores decide the order (prepare/decide): make cluster 7 (block 1, cluster 3)
  // the best.
  const unsigned budget = 10 + p.clusters().size(7);
  const ScoreRequest req = p.prepare(h.keys, budget);
  ASSERT_EQ(req.what, SelectionCost::centroids);
  ASSERT_EQ(req.ids.size(), p.clusters().clusters());
  ScoreResult sc;
  sc.what = req.what;
  sc.ids = req.ids;
  sc.scores.assign(req.ids.size(), 0.0);
  sc.scores[7] = 1.0;
  s = p.decide(h.keys, query(h, 0), budget, sc);
  ASSERT_FALSE(s.clusters.empty());
  EXPECT_EQ(s.clusters[0].cluster, 7u);
  for (unsigned t : p.clusters().members(7)) {
    EXPECT_TRUE(std::binary_search(s.tokens.begin(), s.tokens.end(), t));
  }
  // Stored centroids are the cluster means rounded to fp16.
  EXPECT_EQ(p.stored_centroids()(7, 5), fp16(p.clusters().centroids()(7, 5)));
  // A new head after reset.
  p.reset();
  EXPECT_EQ(p.clusters().blocks(), 0u);
}

// Policy -> layout -> reads: the key and value reads cover exactly the selected tokens, and
// the selection cost is what each policy pays.
TEST(Policies, SelectionsBecomeExactReads) {
  const unsigned n = 64 * 6 + 21;
  const KvHead h = random_head(static_cast<int>(n), 1, 128, test_seed() + 4);
  const pim::Org org = pim::hbm3_pim_org();
  const TokenLayout tl(h, n, org, pim::Fmt::fp16);
  StarcPolicy starc{PolicyParams{}};
  starc.select(h.keys, query(h, 0), 1);
  const ClusterLayout cl(h, starc.clusters(), n, org, pim::Fmt::fp16);
  for (const auto& name : policy_names()) {
    auto p = make_policy(name, PolicyParams{});
    for (unsigned b : {32u, 100u, 200u}) {
      const Selection s = name == "starc" ? starc.select(h.keys, query(h, 0), b)
                                          : p->select(h.keys, query(h, 0), b);
      const KvLayout& l = name == "starc" ? static_cast<const KvLayout&>(cl) : tl;
      const PhaseReads r = l.plan(s);
      EXPECT_EQ(l.tokens_read(r.keys), s.tokens) << name << " B=" << b;
      EXPECT_EQ(l.tokens_read(r.values, Region::values), s.tokens) << name << " B=" << b;
      const ReadCounts c = count(r.selection);
      if (name == "starc") {
        EXPECT_EQ(c.columns, 6u * 4 * 2);  // 24 centroids x 2 columns
      } else if (name == "quest") {
        EXPECT_EQ(c.columns, 2u * 26 * 2);  // 26 pages x (min, max) x 2 columns
        // With D = 128 a page is one BG-row: ceil(B / 16) pages = that many key BG-rows.
        EXPECT_EQ(r.keys.size(), (b + 15) / 16);
      } else if (name == "tokenwise") {
        EXPECT_GE(c.columns, n);  // at least one column of every key
        EXPECT_LE(c.columns, 2u * n);
      } else {
        EXPECT_EQ(c.columns, 0u);
      }
    }
  }
}

// The hierarchical selection (host scores): only clusters of the chosen groups (or of no group)
// are picked; with a cover that chooses every group it is the flat selection.
TEST(Policies, StarcHierarchicalSelectsWithinTheChosenGroups) {
  SyntheticParams sp;
  sp.context = 64 * 40 + 10;
  sp.steps = 2;
  sp.seed = test_seed();
  const KvSource kv = generate_synthetic(sp, pim::Fmt::fp16);
  const KvHead& h = kv.heads[0];
  const auto n = static_cast<Eigen::Index>(h.keys.rows() - 1);
  const std::span<const float> q(h.queries.row(0).data(), static_cast<std::size_t>(h.keys.cols()));
  PolicyParams flat_p;
  StarcPolicy flat(flat_p);
  const Selection f = flat.select(h.keys.topRows(n), q, 300);
  PolicyParams hp;
  hp.hierarchical = true;
  hp.hier_cover = 1.0;
  StarcPolicy hier(hp);
  const ScoreRequest r1 = hier.prepare(h.keys.topRows(n), 300);
  ASSERT_EQ(r1.what, SelectionCost::groups);
  ASSERT_GE(hier.groups().groups(), 2u);
  EXPECT_EQ(r1.ids.size(), hier.groups().chunk_count());
  for (unsigned ch = 0; ch < hier.groups().chunk_count(); ++ch) EXPECT_LE(hier.groups().chunks[ch].size(), 16u);
  const Selection s = hier.select(h.keys.topRows(n), q, 300);
  EXPECT_EQ(s.tokens.size(), 300u);
  // The chunks of the picked clusters: round 1 chose them, so they are few.
  std::set<unsigned> used;
  for (const auto& pick : s.clusters) {
    const unsigned ch = hier.groups().chunk_of.at(pick.cluster);
    if (ch != CentroidGroups::kNoGroup) used.insert(ch);
  }
  EXPECT_LT(used.size(), hier.groups().chunk_count());
  hp.hier_cover = 64.0;
  StarcPolicy all(hp);
  const Selection a = all.select(h.keys.topRows(n), q, 300);
  EXPECT_EQ(a.tokens, f.tokens);
}

// Former defect (issue 14, item 5): with bf16 data near 1e19 the centroid scores overflow to
// infinities and NaNs, and the host ranking (a comparison that is no order with NaN) and the
// centroid-match unit's order (NaN below everything) disagreed. One order now serves both.
TEST(Policies, NonFiniteScoresRankAlikeOnHostAndUnit) {
  const double inf = std::numeric_limits<double>::infinity(), nan = std::nan("");
  const std::vector<double> scores = {1.0, nan, inf, -inf, -0.0, 0.0, nan, 2.0, -inf, inf};
  EXPECT_EQ(rank_descending(scores), (std::vector<unsigned>{2, 9, 7, 0, 4, 5, 3, 8, 1, 6}));
  EXPECT_EQ(top_indices(scores, 4), (std::vector<unsigned>{0, 2, 7, 9}));
  // The host budget fill and the golden centroid-match selection on the same (binary32) scores,
  // many NaNs and infinities among them.
  std::mt19937 rng(static_cast<unsigned>(test_seed()));
  for (int round = 0; round < 200; ++round) {
    const unsigned n = 1 + rng() % 40;
    std::vector<double> sc(n);
    std::vector<unsigned> sizes(n);
    std::vector<pim::CentroidEntry> entries;
    for (unsigned i = 0; i < n; ++i) {
      const float choices[] = {static_cast<float>(nan), static_cast<float>(inf), static_cast<float>(-inf), 0.0f,
                               -0.0f, static_cast<float>(rng() % 5) - 2.0f};
      const float f = choices[rng() % 6];
      sc[i] = f;
      sizes[i] = 1 + rng() % 8;
      entries.push_back({i, std::bit_cast<std::uint32_t>(f), static_cast<std::uint8_t>(sizes[i])});
    }
    const unsigned budget = 1 + rng() % 60;
    const auto host = fill_budget(sc, sizes, budget);
    const auto unit = pim::select_centroids(entries, budget, 64);
    ASSERT_EQ(host.size(), unit.clusters.size()) << "round " << round;
    for (std::size_t i = 0; i < host.size(); ++i) {
      EXPECT_EQ(host[i].cluster, unit.clusters[i].id) << "round " << round << " pick " << i;
      EXPECT_EQ(host[i].taken, unit.clusters[i].take);
    }
  }
}

TEST(Fidelity, HandCheckedMetrics) {
  // Two tokens with equal scores: p = (1/2, 1/2). Selecting token 0 only: recall 1/2,
  // o_sel = v0, o_full = (v0 + v1) / 2.
  Matrix k(2, 2), v(2, 2);
  k << 1, 0, 1, 0;
  v << 2, 0, 0, 2;
  const std::vector<float> q = {1, 1};
  const DenseReference ref(k, v, q);
  const std::vector<unsigned> sel = {0};
  const FidelityMetrics m = ref.measure(v, sel, 1);
  EXPECT_DOUBLE_EQ(m.recall, 0.5);
  EXPECT_DOUBLE_EQ(m.rel_err, std::sqrt(2.0) / std::sqrt(2.0));  // ||(1,-1)|| / ||(1,1)||
  EXPECT_NEAR(m.cosine, 1.0 / std::sqrt(2.0), 1e-15);
  EXPECT_DOUBLE_EQ(m.hit_rate, 1.0);  // ties: token 0 is the oracle's top-1
  const std::vector<unsigned> other = {1};
  EXPECT_DOUBLE_EQ(ref.measure(v, other, 1).hit_rate, 0.0);
  const std::vector<unsigned> unsorted = {1, 0};
  EXPECT_THROW(ref.measure(v, unsorted, 2), std::invalid_argument);
  const std::vector<unsigned> outside = {2};
  EXPECT_THROW(ref.measure(v, outside, 2), std::invalid_argument);
}

// Former defect (issue 14, item 3): recall was the sum of the selected probabilities, which
// exceeds 1 by rounding (1.0000000000000067 for dense). It is now in / (in + out): exactly 1
// for every token, never above 1 for any selection.
TEST(Fidelity, RecallNeverExceedsOne) {
  for (const int l : {300, 1000, 4097}) {
    const KvHead h = random_head(l, 2, 128, test_seed() + static_cast<unsigned>(l));
    for (int s = 0; s < 2; ++s) {
      const int n = l - 2 + s + 1;
      const auto keys = h.keys.topRows(n);
      const auto values = h.values.topRows(n);
      const DenseReference ref(keys, values, query(h, s));
      std::vector<unsigned> all(static_cast<std::size_t>(n));
      for (unsigned t = 0; t < all.size(); ++t) all[t] = t;
      EXPECT_EQ(ref.measure(values, all, static_cast<unsigned>(n)).recall, 1.0) << "L=" << l;
      for (unsigned b : {1u, 64u, static_cast<unsigned>(n) - 1}) {
        const auto sel = make_policy("oracle", PolicyParams{})->select(keys, query(h, s), b).tokens;
        const double r = ref.measure(values, sel, b).recall;
        EXPECT_LE(r, 1.0) << "L=" << l << " B=" << b;
        EXPECT_GT(r, 0.0);
      }
    }
  }
}

TEST(Fidelity, ParsesBudgetsAndPolicies) {
  EXPECT_EQ(parse_budgets("256,512,1024,2048"), (std::vector<unsigned>{256, 512, 1024, 2048}));
  for (const char* bad : {"0", "-5", "abc", "", "256,", ",256", "1.5", "256,,512", "99999999999"}) {
    try {
      parse_budgets(bad);
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find("--budgets"), std::string::npos) << e.what();
    }
  }
  EXPECT_EQ(parse_policies("starc,dense"), (std::vector<std::string>{"starc", "dense"}));
  EXPECT_THROW(parse_policies("starc,h2o"), std::invalid_argument);
  EXPECT_THROW(parse_policies(""), std::invalid_argument);
}

TEST(Fidelity, RunOnTheSyntheticWorkload) {
  SyntheticParams sp;
  sp.context = 700;
  sp.steps = 3;
  sp.head_dim = 64;
  sp.kinds = {"retrieval", "local"};
  sp.seed = test_seed();
  const KvSource kv = generate_synthetic(sp, pim::Fmt::fp16);
  FidelityConfig cfg;
  cfg.budgets = {64, 128, 1000};
  const FidelityReport r = run_fidelity(kv, cfg);
  ASSERT_EQ(r.rows.size(), policy_names().size() * 3);
  ASSERT_EQ(r.per_head.size(), 2u);
  for (const auto& row : r.rows) {
    EXPECT_EQ(row.samples, 6u);
    const auto& orc = r.rows[3 + (&row - r.rows.data()) % 3];
    ASSERT_EQ(orc.policy, "oracle");
    if (row.policy != "dense") {  // dense ignores the budget
      EXPECT_GE(orc.recall, row.recall - 1e-12) << row.policy;
    }
    if (row.policy == "dense" || row.budget == 1000) {
      EXPECT_NEAR(row.recall, 1.0, 1e-12) << row.policy;  // B >= context selects everything
    } else {
      EXPECT_DOUBLE_EQ(row.selected, row.budget) << row.policy;
    }
  }
  const auto j = r.to_json();
  EXPECT_EQ(j["policies"]["starc"].size(), 3u);
  EXPECT_EQ(j["per_head"][1]["kind"], "local");
  FidelityConfig zero = cfg;
  zero.budgets = {0};
  EXPECT_THROW(run_fidelity(kv, zero), std::invalid_argument);
  KvSource empty;
  EXPECT_THROW(run_fidelity(empty, cfg), std::invalid_argument);
  // With reads: quest reads ceil(B/16) BG-rows of keys per step at D = 64 on a 32-slot row
  // channel; dense reads every key.
  FidelityConfig rc = cfg;
  rc.budgets = {64};
  rc.reads = true;
  const FidelityReport rr = run_fidelity(kv, rc);
  for (const auto& row : rr.rows) {
    EXPECT_GT(row.key_columns, 0.0) << row.policy;
    if (row.policy == "dense") {
      EXPECT_DOUBLE_EQ(row.key_columns, row.selected);  // 1 column per token at D = 64
    } else if (row.policy == "oracle") {
      EXPECT_DOUBLE_EQ(row.cost_columns, 0.0);
    } else if (row.policy == "starc") {
      EXPECT_DOUBLE_EQ(row.cost_columns, 10.0 * 4);  // 10 blocks x 4 centroids x 1 column
    }
  }
}

}  // namespace
