// Controller: random read lists in both modes give legal streams (independent trace checker),
// every listed column is read exactly once, dot/axpy data commands are placed as the protocol
// requires, and small hand-computed cases give the cycles derived from the timing table.
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <tuple>
#include <algorithm>

#include "host/cmd_trace.hpp"
#include "host/controller.hpp"
#include "host/scoreboard.hpp"
#include "host/timing_state.hpp"
#include "timing_cases.hpp"
#include "host/trace_checker.hpp"

#include "test_seed.hpp"

namespace {

unsigned test_seed() { return static_cast<unsigned>(starc::test::test_seed(12345u)); }

pim::ReadList random_reads(const pim::Org& org, std::mt19937& rng, unsigned n) {
  pim::ReadList reads;
  for (unsigned i = 0; i < n; ++i) {
    pim::RowRead r;
    r.bank_group = rng() % org.total_bank_groups();
    r.row = rng() % 6;
    for (unsigned c = 0; c < org.columns; ++c)
      if (rng() % 3 != 0) r.columns.push_back(c);
    if (r.columns.empty()) r.columns.push_back(rng() % org.columns);
    reads.push_back(r);
  }
  return reads;
}

pim::Org two_rank_org() {
  pim::Org o = starc::test::small_org();
  o.ranks = 2;  // 4 global bank groups, so that rank-level rules interact
  return o;
}

// The organisations the random tests run on: 1 pch x 2 ranks, and 2 pch x 2 ranks x 2 bank
// groups x 4 banks (8 global bank groups; gap 2 of issue 20: with one pseudo-channel, the
// pseudo-channel and rank decoding of ACT/PRE/MVGB/MVSB was never exercised).
std::vector<pim::Org> test_orgs() { return {two_rank_org(), starc::test::org_2x2()}; }

// The global bank group of a command's (pch, rank, bg), written out here (docs/design.md
// section 3: pseudo-channel, then rank, then bank group) rather than taken from pim_org.hpp.
unsigned gbg_of(const pim::Org& org, const pim::Command& c) {
  return c.bg + org.bank_groups * (c.rank + org.ranks * c.pch);
}

void check_schedule(const pim::Org& org, const pim::Timing& t, const pim::PhaseRequest& ph,
                    const pim::PhaseSchedule& s) {
  std::stringstream ss;
  pim::write_trace(ss, org, t, s.cmds);
  const auto violations = pim::check_trace(pim::parse_trace(ss));
  EXPECT_TRUE(violations.empty()) << "first violation: line " << violations[0].line << " "
                                  << pim::rule_mask_text(violations[0].rules);
  // Every listed column exactly once per read: count MACAB coverage per (bg, open row, col).
  std::map<std::tuple<unsigned, unsigned, unsigned>, int> want, got;
  for (const auto& r : ph.reads)
    for (unsigned c : r.columns) ++want[{r.bank_group, r.row, c}];
  pim::TimingState ts(org, t);
  unsigned mvsb = 0;
  for (const auto& c : s.cmds) {
    if (c.op == pim::Op::MACAB)
      for (unsigned g = 0; g < org.total_bank_groups(); ++g)
        if (c.mask >> g & 1u) ++got[{g, ts.open_row(g * org.banks), c.col}];
    mvsb += c.op == pim::Op::MVSB;
    ts.apply(c, c.cycle);
  }
  EXPECT_EQ(want, got);
  // MVSBs counted from the commands against what the protocol needs (not against result_source,
  // which the controller fills in the same branch that issues them): dot, one per read; axpy,
  // one per bank group read.
  std::set<unsigned> groups;
  for (const auto& r : ph.reads) groups.insert(r.bank_group);
  EXPECT_EQ(mvsb, ph.mode == pim::Mode::dot ? ph.reads.size() : groups.size());
  for (unsigned b = 0; b < org.total_banks(); ++b) EXPECT_FALSE(ts.bank_open(b));
}

TEST(Controller, RandomReadListsBothModesAreLegalAndComplete) {
  std::mt19937 rng(test_seed());
  for (const pim::Org& org : test_orgs())
  for (const char* preset : {"hbm3-pim", "hbm3-pim-npc"}) {
    for (auto mode : {pim::CtrlMode::lockstep, pim::CtrlMode::per_bg}) {
      const pim::Timing t = pim::timing_preset(preset);
      pim::Controller ctl(org, t, mode, 128);
      pim::PhaseSchedule all;
      for (auto pm : {pim::Mode::dot, pim::Mode::axpy}) {
        pim::PhaseRequest ph;
        ph.mode = pm;
        ph.reads = random_reads(org, rng, 12);
        if (pm == pim::Mode::dot) ph.query.assign(128, 0x3C00);
        ph.scalars = [&](std::size_t) { return std::vector<std::uint16_t>(org.slots_per_row(128), 0x3C00); };
        const auto s = ctl.schedule(ph, ctl.next_cycle());
        SCOPED_TRACE(std::string(preset) + " " + std::string(pim::ctrl_mode_name(mode)));
        SCOPED_TRACE(testing::Message() << org.pseudo_channels << " pch x " << org.ranks << " ranks");
        check_schedule(org, t, ph, s);
        all.cmds.insert(all.cmds.end(), s.cmds.begin(), s.cmds.end());
      }
      std::stringstream ss;
      pim::write_trace(ss, org, t, all.cmds);
      EXPECT_TRUE(pim::check_trace(pim::parse_trace(ss)).empty());  // both phases together
    }
  }
}

// The accumulator protocol, both PIM modes, both controller modes, on 1 pch x 2 ranks and on
// 2 pch x 2 ranks. Dot: the whole query is written (WRGB, every bank's chunks, the query's
// values) before the first MACAB; each read's MVSB comes after its group's last MACAB of that
// read and before the group's next MACAB, addressed to the read's group. Axpy: before the MACABs
// of a read (a new row of a group), MVGBs to that group carry the read's slot scalars; one MVSB
// per group, after its last MACAB. Catches a controller that sends a read's scalars to another
// group (planted: MVGB addressed with bank group 0), or an MVSB to the wrong (pch, rank).
TEST(Controller, DataCommandsRespectTheAccumulatorProtocol) {
  std::mt19937 rng(test_seed() + 1);
  for (const pim::Org& org : test_orgs()) {
    const unsigned nbg = org.total_bank_groups(), slots = org.slots_per_row(128);
    for (auto mode : {pim::CtrlMode::lockstep, pim::CtrlMode::per_bg}) {
      for (auto pm : {pim::Mode::dot, pim::Mode::axpy}) {
        SCOPED_TRACE(testing::Message() << org.pseudo_channels << " pch, " << pim::ctrl_mode_name(mode)
                                        << (pm == pim::Mode::dot ? " dot" : " axpy"));
        pim::Controller ctl(org, pim::timing_preset("hbm3-pim"), mode, 128);
        pim::PhaseRequest ph;
        ph.mode = pm;
        ph.reads = random_reads(org, rng, 10);
        // Distinct (group, row) per read, so that a MACAB's read is known from its row.
        std::set<std::pair<unsigned, unsigned>> seen;
        std::erase_if(ph.reads, [&](const pim::RowRead& r) { return !seen.insert({r.bank_group, r.row}).second; });
        std::vector<std::uint16_t> query(128);
        for (unsigned i = 0; i < 128; ++i) query[i] = pim::encode_input(float(i + 1), pim::Fmt::fp16);
        if (pm == pim::Mode::dot) ph.query = query;
        // Scalars that name their read: read i, slot k -> 64 i + k + 1.
        auto scal = [&](std::size_t i) {
          std::vector<std::uint16_t> v(slots);
          for (unsigned k = 0; k < slots; ++k) v[k] = pim::encode_input(float(64 * i + k + 1), pim::Fmt::fp16);
          return v;
        };
        ph.scalars = scal;
        const auto s = ctl.schedule(ph, 0);
        std::map<std::pair<unsigned, unsigned>, std::size_t> read_of;  // (group, row) -> read
        for (std::size_t i = 0; i < ph.reads.size(); ++i) read_of[{ph.reads[i].bank_group, ph.reads[i].row}] = i;
        pim::TimingState ts(org, pim::timing_preset("hbm3-pim"));
        std::vector<int> macs_since_mvsb(nbg, 0);
        std::vector<long> last_row(nbg, -1);
        std::vector<std::vector<std::uint16_t>> loaded(nbg);  // scalars last sent to each group
        std::vector<unsigned> mvsb_per_group(nbg, 0);
        std::size_t mvsb_seen = 0, macabs = 0;
        std::vector<std::uint16_t> written(128, 0);
        for (const auto& c : s.cmds) {
          if (c.op == pim::Op::WRGB) {
            ASSERT_EQ(c.data.size(), org.lanes);
            const unsigned share = 128 / org.banks;
            for (unsigned l = 0; l < org.lanes; ++l) written[c.bank * share + c.col * org.lanes + l] = c.data[l];
          }
          if (c.op == pim::Op::MVGB) {
            const unsigned g = gbg_of(org, c);
            ASSERT_LT(g, nbg);
            loaded[g].resize(std::max<std::size_t>(loaded[g].size(), (c.col + 1) * org.lanes));
            for (unsigned l = 0; l < org.lanes; ++l) loaded[g][c.col * org.lanes + l] = c.data[l];
          }
          if (c.op == pim::Op::MACAB) {
            if (pm == pim::Mode::dot && macabs == 0) EXPECT_EQ(written, query);  // query complete first
            ++macabs;
            for (unsigned g = 0; g < nbg; ++g) {
              if (!(c.mask >> g & 1u)) continue;
              ++macs_since_mvsb[g];
              const unsigned row = ts.open_row(g * org.banks);
              if (pm == pim::Mode::axpy && long(row) != last_row[g]) {
                ASSERT_TRUE(read_of.count({g, row}));
                const auto want = scal(read_of.at({g, row}));
                ASSERT_GE(loaded[g].size(), want.size());
                EXPECT_TRUE(std::equal(want.begin(), want.end(), loaded[g].begin()))
                    << "group " << g << " row " << row << ": MVGB scalars are not its read's";
              }
              last_row[g] = row;
            }
          }
          if (c.op == pim::Op::MVSB) {
            const unsigned g = gbg_of(org, c);
            ASSERT_LT(g, nbg);
            ++mvsb_per_group[g];
            if (pm == pim::Mode::dot) {
              // The MACs since the last MVSB of this group are exactly the columns of one read of
              // this group: the one of the row its last MACAB read (per-bg may already be opening
              // the next row).
              const auto it = read_of.find({g, static_cast<unsigned>(last_row[g])});
              ASSERT_NE(it, read_of.end());
              EXPECT_EQ(static_cast<std::size_t>(macs_since_mvsb[g]), ph.reads[it->second].columns.size());
              ASSERT_LT(mvsb_seen, s.result_source.size());
              EXPECT_EQ(s.result_source[mvsb_seen], it->second);
            }
            ++mvsb_seen;
            macs_since_mvsb[g] = 0;
          }
          ts.apply(c, c.cycle);
        }
        std::set<unsigned> groups;
        for (const auto& r : ph.reads) groups.insert(r.bank_group);
        for (unsigned g = 0; g < nbg; ++g) {
          EXPECT_EQ(macs_since_mvsb[g], 0) << "group " << g << ": MACs after its last MVSB";
          if (pm == pim::Mode::axpy) EXPECT_EQ(mvsb_per_group[g], groups.count(g) ? 1u : 0u) << g;
        }
        EXPECT_EQ(mvsb_seen, pm == pim::Mode::dot ? ph.reads.size() : groups.size());
      }
    }
  }
}

// One ACTAB, 32 MACABs (one bank group), MVSB, PREA on a 32-column row, by hand from the table:
// ACTAB at 0; MACABs at nRCD + 6k = 19 .. 205; MVSB at 206 (data bus free); PREA at
// 205 + nRTPL = 213. With hbm3-pim-npc (nCCDAB 4): MACABs 19 .. 143, MVSB 144, PREA 151.
TEST(Controller, HandComputedLockstepRow) {
  pim::Org org = starc::test::small_org();
  org.columns = 32;
  for (const auto& [preset, last_mac] : {std::pair{"hbm3-pim", 205u}, std::pair{"hbm3-pim-npc", 143u}}) {
    pim::Controller ctl(org, pim::timing_preset(preset), pim::CtrlMode::lockstep, 128);
    pim::PhaseRequest ph;
    pim::RowRead r;
    r.bank_group = 1;
    r.row = 3;
    for (unsigned c = 0; c < 32; ++c) r.columns.push_back(c);
    ph.reads = {r};
    const auto s = ctl.schedule(ph, 0);
    ASSERT_EQ(s.cmds.size(), 35u);
    EXPECT_EQ(s.cmds[0].op, pim::Op::ACTAB);
    EXPECT_EQ(s.cmds[0].cycle, 0u);
    EXPECT_EQ(s.cmds[1].cycle, 19u);
    EXPECT_EQ(s.cmds[32].cycle, last_mac);
    EXPECT_EQ(s.cmds[32].mask, 2u);
    EXPECT_EQ(s.cmds[33].op, pim::Op::MVSB);
    EXPECT_EQ(s.cmds[33].cycle, last_mac + 1);
    EXPECT_EQ(s.cmds[34].op, pim::Op::PREA);
    EXPECT_EQ(s.cmds[34].cycle, last_mac + 8);
  }
}

// per-bg, two groups of one rank, one column each, by hand from the table: work-conserving
// issue interleaves the groups' single-bank ACTs (nRRDS = 2 across groups, nRRDL = 4 within):
// g0b0 0, g1b0 2, g0b1 4, g1b1 6; the 5th ACT of the rank waits for nFAW = 39 after the 1st:
// g0b2 39, g1b2 41, g0b3 43, g1b3 45. MACAB of group 0 at 43 + nRCD = 62, of group 1 at
// max(45 + 19, 62 + nCCDAB) = 68.
TEST(Controller, HandComputedPerBgActivations) {
  const pim::Org org = starc::test::small_org();
  pim::Controller ctl(org, pim::timing_preset("hbm3-pim"), pim::CtrlMode::per_bg, 128);
  pim::PhaseRequest ph;
  ph.reads = {pim::RowRead{0, 5, {0}}, pim::RowRead{1, 6, {2}}};
  ph.close_rows = false;
  const auto s = ctl.schedule(ph, 0);
  std::vector<std::uint64_t> acts, macs;
  for (const auto& c : s.cmds) {
    if (c.op == pim::Op::ACT) acts.push_back(c.cycle);
    if (c.op == pim::Op::MACAB) macs.push_back(c.cycle);
  }
  EXPECT_EQ(acts, (std::vector<std::uint64_t>{0, 2, 4, 6, 39, 41, 43, 45}));
  EXPECT_EQ(macs, (std::vector<std::uint64_t>{62, 68}));
}

TEST(Controller, RejectsBadReads) {
  const pim::Org org = starc::test::small_org();
  pim::Controller ctl(org, pim::timing_preset("hbm3-pim"), pim::CtrlMode::per_bg, 128);
  pim::PhaseRequest ph;
  ph.reads = {pim::RowRead{9, 0, {0}}};
  EXPECT_THROW(ctl.schedule(ph, 0), std::invalid_argument);
  ph.reads = {pim::RowRead{0, 0, {3, 1}}};
  EXPECT_THROW(ctl.schedule(ph, 0), std::invalid_argument);
  EXPECT_THROW(pim::parse_ctrl_mode("fast"), std::invalid_argument);
}

// Every --mode name is a registered row policy, the by-name constructor schedules exactly like
// the CtrlMode one, and an unknown name is rejected naming the known ones.
TEST(Controller, ModesAreRowPoliciesFoundByName) {
  const pim::Org org = starc::test::small_org();
  const pim::Timing t = pim::timing_preset("hbm3-pim");
  EXPECT_EQ(pim::row_policy_names(), (std::vector<std::string>{"lockstep", "per-bg"}));
  for (auto mode : {pim::CtrlMode::lockstep, pim::CtrlMode::per_bg}) {
    const std::string name(pim::ctrl_mode_name(mode));
    SCOPED_TRACE(name);
    EXPECT_EQ(pim::parse_ctrl_mode(name), mode);
    pim::Controller by_mode(org, t, mode, 128), by_name(org, t, std::string_view(name), 128);
    pim::PhaseRequest ph;
    ph.reads = {pim::RowRead{0, 5, {0, 1}}, pim::RowRead{1, 5, {1}}, pim::RowRead{0, 7, {2}}};
    const auto a = by_mode.schedule(ph, 0), b = by_name.schedule(ph, 0);
    ASSERT_EQ(a.cmds.size(), b.cmds.size());
    for (std::size_t i = 0; i < a.cmds.size(); ++i) {
      EXPECT_EQ(a.cmds[i].op, b.cmds[i].op);
      EXPECT_EQ(a.cmds[i].cycle, b.cmds[i].cycle);
    }
    EXPECT_EQ(a.result_source, b.result_source);
  }
  try {
    pim::make_row_policy("fast", org);
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("known: lockstep, per-bg"), std::string::npos) << e.what();
  }
}

// Former defect (issue 14, item 10): an RTL result with more words than the golden one was
// compared only on the golden words (0 mismatches). Every word one of them lacks now mismatches.
TEST(Scoreboard, ExtraOrMissingWordsAreMismatches) {
  pim::MvsbResult g;
  g.words = {1, 2, 3};
  pim::MvsbResult extra = g;
  extra.words.push_back(4);
  pim::Scoreboard sb;
  sb.expect(g);
  sb.observe(extra);
  EXPECT_EQ(sb.mismatches(), 1u);
  EXPECT_NE(sb.first_mismatch(), "");
  pim::MvsbResult fewer = g;
  fewer.words.pop_back();
  pim::Scoreboard sb2;
  sb2.expect(g);
  sb2.observe(fewer);
  EXPECT_EQ(sb2.mismatches(), 1u);
  pim::Scoreboard same;
  same.expect(g);
  same.observe(g);
  EXPECT_EQ(same.mismatches(), 0u);
  EXPECT_EQ(same.compared(), 3u);
}

// Former defect (issue 14, item 10): a MACAB with mask 0 (a column command to no bank group)
// passed the trace checker. It is now an address error there and in the controller's
// TimingState.
TEST(TraceChecker, MacabWithEmptyMaskIsAnError) {
  const pim::Org org = starc::test::small_org();
  const pim::Timing t = pim::timing_preset("hbm3-pim");
  for (const std::uint64_t mask : {0ull, 1ull}) {
    SCOPED_TRACE(mask);
    const std::vector<pim::Command> s{starc::test::cmd(0, pim::Op::ACTAB, 0, 0, 7),
                                      starc::test::cmd(19, pim::Op::MACAB, 0, 0, 0, 5, mask)};
    std::stringstream ss;
    pim::write_trace(ss, org, t, s);
    const auto v = pim::check_trace(pim::parse_trace(ss));
    pim::TimingState ts(org, t);
    ts.apply(s[0], 0);
    const std::uint32_t expect = mask == 0 ? 1u << pim::kRuleAddress : 0u;
    EXPECT_EQ(ts.check(s[1], 19), expect);
    std::uint32_t all = 0;
    for (const auto& x : v) all |= x.rules;
    EXPECT_EQ(all, expect);
  }
}

}  // namespace
