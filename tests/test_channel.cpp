// The Verilated channel (small configuration: 1 pch x 1 rank x 2 bank groups x 4 banks,
// 16 lanes, 32 columns, hbm3-pim) against the golden model, through the controller:
// hand-computed cycle counts, random read lists in both controller modes and both PIM modes,
// a dense head (QK^T and S.V) bit-exact and within a documented error of double precision,
// and a timing violation reaching the RTL checker.
#include <gtest/gtest.h>

#include <cstdlib>
#include <random>
#include <stdexcept>
#include <string>

#include "sim/channel_sim.hpp"
#include "sim/dense_cosim.hpp"
#include "host/golden_channel.hpp"
#include "host/scoreboard.hpp"
#include "host/trace_checker.hpp"

#include "test_seed.hpp"

namespace {

unsigned test_seed() { return static_cast<unsigned>(starc::test::test_seed(777u)); }

// Runs cmds on the RTL and on the golden model; returns {compared, mismatches} and the results.
struct Cosim {
  std::unique_ptr<pim::ChannelSim> sim;
  explicit Cosim(std::unique_ptr<pim::ChannelSim> s = pim::make_channel_sim_small({})) : sim(std::move(s)) {}
  pim::DramImage image{sim->org()};
  std::unique_ptr<pim::GoldenChannel> golden;
  pim::Scoreboard sb;
  std::vector<pim::MvsbResult> rtl;
  void start() {
    sim->set_image(image);
    golden = std::make_unique<pim::GoldenChannel>(sim->org(), 128, pim::Fmt::fp16, image);
  }
  void run(const std::vector<pim::Command>& cmds) {
    for (const auto& c : cmds)
      if (auto r = golden->step(c)) sb.expect(*r);
    auto out = sim->run(cmds);
    for (const auto& r : out) sb.observe(r);
    rtl.insert(rtl.end(), out.begin(), out.end());
  }
};

void fill_random(pim::DramImage& image, std::mt19937& rng, unsigned rows) {
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  const pim::Org& o = image.org();
  std::vector<std::uint16_t> col(o.lanes);
  for (unsigned b = 0; b < o.total_banks(); ++b)
    for (unsigned r = 0; r < rows; ++r)
      for (unsigned c = 0; c < o.columns; ++c) {
        for (auto& x : col) x = pim::encode_input(u(rng), pim::Fmt::fp16);
        image.write_column(b, r, c, col);
      }
}

// One ACTAB, 32 MACABs, MVSB, PREA (hbm3-pim), by hand from the table: ACTAB 0, MACABs at
// 19 + 6k up to 205, MVSB 206, PREA 205 + nRTPL = 213; the MVSB result leaves the channel
// 3 + mac_front_lat(16) = 8 cycles after its command (decode, column and result registers plus
// the front), at 214: cycles 0..214 = 215. The latency is measured on the RTL's result (the
// harness's result_latency() is only checked to agree with it, not taken as the answer).
TEST(Channel, HandComputedRowCycleCount) {
  Cosim cs;
  std::mt19937 rng(1);
  fill_random(cs.image, rng, 4);
  cs.start();
  pim::Controller ctl(cs.sim->org(), cs.sim->timing(), pim::CtrlMode::lockstep, 128);
  pim::PhaseRequest ph;
  pim::RowRead r{1, 3, {}};
  for (unsigned c = 0; c < 32; ++c) r.columns.push_back(c);
  ph.reads = {r};
  const auto s = ctl.schedule(ph, 0);
  cs.run(s.cmds);
  ASSERT_EQ(cs.rtl.size(), 1u);
  std::uint64_t mvsb_cycle = 0;
  for (const auto& c : s.cmds)
    if (c.op == pim::Op::MVSB) mvsb_cycle = c.cycle;
  EXPECT_EQ(mvsb_cycle, 206u);
  EXPECT_EQ(cs.rtl[0].cycle - mvsb_cycle, 8u);
  EXPECT_EQ(cs.sim->result_latency(), cs.rtl[0].cycle - mvsb_cycle);
  EXPECT_EQ(cs.rtl[0].cycle, 214u);
  EXPECT_EQ(cs.rtl[0].cycle - s.cmds.front().cycle + 1, 215u);
  EXPECT_EQ(s.cmds.back().op, pim::Op::PREA);
  EXPECT_EQ(s.cmds.back().cycle, 213u);
  EXPECT_EQ(cs.sim->timing_error_count(), 0u);
  EXPECT_EQ(cs.sb.compared(), 16u);
  EXPECT_EQ(cs.sb.mismatches(), 0u) << cs.sb.first_mismatch();
}

void random_read_lists(std::unique_ptr<pim::ChannelSim> (*make)(const pim::ChannelSimOptions&)) {
  const unsigned seed = test_seed();
  for (auto mode : {pim::CtrlMode::lockstep, pim::CtrlMode::per_bg}) {
    std::mt19937 rng(seed);
    Cosim cs(make({}));
    fill_random(cs.image, rng, 6);
    cs.start();
    const unsigned groups = cs.sim->org().total_bank_groups();
    const unsigned cols = cs.sim->org().columns;
    const unsigned slots = cs.sim->org().slots_per_row(128);
    pim::Controller ctl(cs.sim->org(), cs.sim->timing(), mode, 128);
    std::uniform_real_distribution<float> u(0.0f, 1.0f);
    std::vector<bool> group_seen(groups, false);
    for (auto pm : {pim::Mode::dot, pim::Mode::axpy, pim::Mode::dot}) {
      pim::PhaseRequest ph;
      ph.mode = pm;
      for (unsigned i = 0; i < 4 * groups; ++i) {
        pim::RowRead r{static_cast<unsigned>(rng() % groups), static_cast<unsigned>(rng() % 6), {}};
        for (unsigned c = 0; c < cols; ++c)
          if (rng() % 2) r.columns.push_back(c);
        if (r.columns.empty()) r.columns.push_back(5);
        group_seen[r.bank_group] = true;
        ph.reads.push_back(r);
      }
      ph.query.resize(128);
      for (auto& x : ph.query) x = pim::encode_input(u(rng) * 2 - 1, pim::Fmt::fp16);
      std::vector<std::vector<std::uint16_t>> scal(ph.reads.size(), std::vector<std::uint16_t>(slots));
      for (auto& v : scal)
        for (auto& x : v) x = pim::encode_input(u(rng), pim::Fmt::fp16);
      ph.scalars = [&scal](std::size_t i) { return scal[i]; };
      const auto s = ctl.schedule(ph, std::max(ctl.next_cycle(), cs.sim->cycle()));
      cs.run(s.cmds);
    }
    cs.sb.finish();
    SCOPED_TRACE(std::string(pim::ctrl_mode_name(mode)));
    EXPECT_EQ(cs.sim->timing_error_count(), 0u) << pim::rule_mask_text(cs.sim->timing_error_mask());
    EXPECT_GT(cs.sb.compared(), 200u);
    EXPECT_EQ(cs.sb.mismatches(), 0u) << cs.sb.first_mismatch();
    // Every result names the global bank group of its MVSB, and every group was read.
    std::vector<bool> result_seen(groups, false);
    for (const auto& r : cs.rtl) {
      ASSERT_LT(r.gbg, groups);
      result_seen[r.gbg] = true;
    }
    EXPECT_EQ(result_seen, group_seen);
  }
}

TEST(Channel, RandomReadListsBothModesBitExactAndLegal) { random_read_lists(&pim::make_channel_sim_small); }

// Gap 2 of issue 20: the same on 2 pseudo-channels x 2 ranks x 2 bank groups x 2 banks
// (make_channel_sim_2x2): per-bank ACT/PRE/MVGB/MVSB addressed by (pch, rank, bg), MACAB masks
// over 8 global bank groups, results tagged with the global index. Catches a host whose
// global bank-group order differs from the RTL's (planted: pseudo-channel and rank swapped in
// contracts/pim_org.hpp global_bank_group, `(rank * pseudo_channels + pch) * bank_groups + bg`:
// the golden model then executes an MVSB of (pch 0, rank 1) on another group than the RTL and the
// scoreboard reports mismatches).
TEST(Channel, TwoPseudoChannelsTwoRanksRandomReadListsBitExact) { random_read_lists(&pim::make_channel_sim_2x2); }

// QK^T and S.V of one head, D = 128, 256 tokens (8 row indices of 2 bank groups x 16 slots).
// Documented error bound vs the double-precision reference: the only intended error sources
// are binary32 accumulation (relative ~1e-7 per add) and the rounding of the probabilities to
// fp16 (relative 2^-11 = 4.9e-4 each, independent, so the output error is typically a few
// 1e-4 and bounded by 2^-11 plus accumulation): we require ||o - o_ref|| / ||o_ref|| < 1e-3
// and |score - score_ref| < 1e-4 (scores are O(1..10)).
TEST(Channel, DenseHeadBitExactAndCloseToDouble) {
  const unsigned seed = test_seed();
  for (auto mode : {pim::CtrlMode::lockstep, pim::CtrlMode::per_bg}) {
    auto sim = pim::make_channel_sim_small({});
    const auto head = pim::random_dense_head(256, 128, pim::Fmt::fp16, seed);
    const auto rep = pim::run_dense_head(*sim, mode, head);
    SCOPED_TRACE(std::string(pim::ctrl_mode_name(mode)));
    EXPECT_EQ(rep.mismatches, 0u) << rep.first_mismatch;
    EXPECT_EQ(rep.compared, 16u * 16u + 2u * 128u);  // 16 BG-rows x 16 scores + 2 groups x D
    EXPECT_EQ(rep.timing_errors, 0u);
    EXPECT_EQ(rep.trace_violations, 0u);
    EXPECT_LT(rep.score_max_abs_error, 1e-4);
    EXPECT_LT(rep.output_rel_error, 1e-3);
    EXPECT_GT(rep.output_rel_error, 0.0);  // fp16 probabilities cannot be exact
    std::printf("%s: cycles %llu (keys %llu, values %llu), rel error %.3g, score err %.3g\n",
                std::string(pim::ctrl_mode_name(mode)).c_str(), (unsigned long long)rep.cycles,
                (unsigned long long)rep.key_cycles, (unsigned long long)rep.value_cycles,
                rep.output_rel_error, rep.score_max_abs_error);
  }
}

// Gap 2 of issue 20: a dense head on 2 pch x 2 ranks (8 global bank groups, 8 slots per BG-row:
// 256 tokens are 32 BG-rows), both controller modes: bit-exact, legal, and the output within the
// same bound as above (the reduction over 8 bank groups in pch, rank, bg order).
TEST(Channel, DenseHeadOnTwoPseudoChannelsTwoRanks) {
  for (auto mode : {pim::CtrlMode::lockstep, pim::CtrlMode::per_bg}) {
    auto sim = pim::make_channel_sim_2x2({});
    const auto head = pim::random_dense_head(256, 128, pim::Fmt::fp16, test_seed());
    const auto rep = pim::run_dense_head(*sim, mode, head);
    SCOPED_TRACE(std::string(pim::ctrl_mode_name(mode)));
    EXPECT_EQ(rep.mismatches, 0u) << rep.first_mismatch;
    EXPECT_EQ(rep.compared, 32u * 8u + 8u * 128u);  // 32 BG-rows x 8 scores + 8 groups x D
    EXPECT_EQ(rep.timing_errors, 0u);
    EXPECT_EQ(rep.trace_violations, 0u);
    EXPECT_LT(rep.score_max_abs_error, 1e-4);
    EXPECT_LT(rep.output_rel_error, 1e-3);
  }
}

// bf16 through the channel: the format travels with each operation from the bank's column
// stage (pim_bank op_fmt_q) to the multipliers. Every result is compared bit for bit with the
// golden model in bf16; an RTL multiplying in fp16 would mismatch.
TEST(Channel, DenseHeadBf16BitExact) {
  pim::ChannelSimOptions opt;
  opt.fmt = pim::Fmt::bf16;
  auto sim = pim::make_channel_sim_small(opt);
  const auto head = pim::random_dense_head(256, 128, pim::Fmt::bf16, test_seed());
  const auto rep = pim::run_dense_head(*sim, pim::CtrlMode::lockstep, head);
  EXPECT_EQ(rep.mismatches, 0u) << rep.first_mismatch;
  EXPECT_EQ(rep.compared, 16u * 16u + 2u * 128u);
  EXPECT_EQ(rep.timing_errors, 0u);
  EXPECT_EQ(rep.trace_violations, 0u);
  // bf16 probabilities: 2^-8 relative each (the fp16 test above: 2^-11, bound 1e-3), so 8x that.
  EXPECT_LT(rep.output_rel_error, 8e-3);
  std::printf("bf16: rel error %.3g\n", rep.output_rel_error);
}

// The harness checks the organisation and timing the C++ side uses against the model's RTL
// parameters and the head dimension against the set the channel serves: the right ones
// construct; each wrong field throws std::logic_error (std::invalid_argument for the head
// dimension) naming it.
TEST(Channel, HarnessRejectsAnOrgOrTimingThatIsNotTheModels) {
  const pim::Org org = pim::small_channel_org();
  const pim::Timing hbm3 = pim::timing_preset("hbm3-pim");
  EXPECT_NO_THROW(pim::make_channel_sim_small(org, 128, hbm3, {}));
  auto expect_rejected = [&](const pim::Org& o, unsigned d, const pim::Timing& t, const std::string& field) {
    try {
      pim::make_channel_sim_small(o, d, t, {});
      ADD_FAILURE() << "no error for a wrong " << field;
    } catch (const std::logic_error& e) {
      EXPECT_NE(std::string(e.what()).find(field), std::string::npos) << e.what();
    }
  };
  pim::Org wrong = org;
  wrong.bank_groups = 4;
  expect_rejected(wrong, 128, hbm3, "Org.bank_groups");
  wrong = org;
  wrong.rows = 16384;  // the full channel's rows
  expect_rejected(wrong, 128, hbm3, "Org.rows");
  wrong = org;
  wrong.lanes = 8;
  expect_rejected(wrong, 128, hbm3, "Org.lanes");
  // Every build serves D = 64, 128 and 256 (the mode register); others are refused by name.
  EXPECT_NO_THROW(pim::make_channel_sim_small(org, 64, hbm3, {}));
  EXPECT_NO_THROW(pim::make_channel_sim_small(org, 256, hbm3, {}));
  expect_rejected(org, 512, hbm3, "head dimension 512");
  expect_rejected(org, 192, hbm3, "head dimension 192");
  expect_rejected(org, 128, pim::timing_preset("hbm3-pim-npc"), "Timing.nCCDAB");
  pim::Timing t = hbm3;
  t.nFAW = 40;
  expect_rejected(org, 128, t, "Timing.nFAW");
}

// A command stream that breaks nRCD reaches the channel's checker; spaced by one more cycle
// it does not.
TEST(Channel, TimingViolationRaisesTheRtlError) {
  for (unsigned extra : {0u, 1u}) {
    Cosim cs;
    cs.start();
    pim::Command act, mac;
    act.op = pim::Op::ACTAB;
    act.row = 1;
    mac.op = pim::Op::MACAB;
    mac.cycle = 18 + extra;
    mac.mask = 3;
    cs.run({act, mac});
    EXPECT_EQ(cs.sim->timing_error_count(), extra == 0 ? 1u : 0u);
    EXPECT_EQ(cs.sim->timing_error_mask(), extra == 0 ? 1u << pim::kRuleRCD : 0u);
  }
}

}  // namespace

// Refresh (docs/design.md section 2 "Refresh"): a dense head long enough for several nREFI
// intervals (1536 tokens: 48 key rows and 48 value rows of about 232 cycles each) on the small
// channel. With refresh on, REFABs land inside the row walks (between MACABs of a phase), every
// due REFAB is issued (never more than one owed at any command), nothing mismatches and neither
// checker flags a rule; the same head with refresh off issues none and is shorter by at least
// nRFC per refresh that fell in the walk.
TEST(Channel, RefreshInsideRowWalksBitExactAndLegal) {
  const auto head = pim::random_dense_head(1536, 128, pim::Fmt::fp16, test_seed());
  auto sim_on = pim::make_channel_sim_small({});
  const auto on = pim::run_dense_head(*sim_on, pim::CtrlMode::lockstep, head);
  pim::ChannelSimOptions off_opt;
  off_opt.refresh = false;
  auto sim_off = pim::make_channel_sim_small(off_opt);
  const auto off = pim::run_dense_head(*sim_off, pim::CtrlMode::lockstep, head);
  for (const auto* r : {&on, &off}) {
    EXPECT_EQ(r->mismatches, 0u) << r->first_mismatch;
    EXPECT_EQ(r->timing_errors, 0u) << pim::rule_mask_text(r->timing_mask);
    EXPECT_EQ(r->trace_violations, 0u);
  }
  const pim::Timing t = sim_on->timing();
  ASSERT_TRUE(t.refresh);
  unsigned refs = 0, inside = 0;
  std::uint64_t first_mac = 0, last_mac = 0;
  for (const auto& c : on.cmds)
    if (c.op == pim::Op::MACAB) { if (first_mac == 0) first_mac = c.cycle; last_mac = c.cycle; }
  for (const auto& c : on.cmds) {
    if (c.op != pim::Op::REFAB) continue;
    ++refs;
    if (c.cycle > first_mac && c.cycle < last_mac) ++inside;
    // Issued no later than one row walk after it fell due (a lockstep round ends first).
    EXPECT_LT(c.cycle % t.nREFI, 400u) << "REFAB at " << c.cycle;
  }
  const std::uint64_t end = on.cmds.back().cycle;
  EXPECT_GE(refs, end / t.nREFI);  // one REFAB of the single rank per interval
  EXPECT_GT(inside, 0u);
  EXPECT_EQ(off.commands.count("REFAB"), 0u);
  EXPECT_GE(on.cycles, off.cycles + inside * t.nRFC);
}

// The RTL checks the refresh schedule: a controller that never refreshes (refresh off) driving
// a channel whose checker expects refresh (the refresh_check_i mode bit on) breaks nREFI once a
// rank owes more than 8 REFABs (after 9 x nREFI = 45630 cycles); the trace checker, reading the
// same commands under a refresh-on header, finds it too. The bug this catches: an RTL or trace
// checker that does not check the interval.
TEST(Channel, MissingRefreshBreaksNrefiInTheRtlAndTheTraceChecker) {
  Cosim cs;
  std::mt19937 rng(3);
  fill_random(cs.image, rng, 220);
  cs.start();
  pim::Timing no_ref = cs.sim->timing();
  ASSERT_TRUE(no_ref.refresh);
  no_ref.refresh = false;
  pim::Controller ctl(cs.sim->org(), no_ref, pim::CtrlMode::lockstep, 128);
  pim::PhaseRequest ph;
  ph.query.assign(128, pim::encode_input(0.5f, pim::Fmt::fp16));
  for (unsigned row = 0; row < 220; ++row)  // 220 rows x ~232 cycles > 9 intervals
    for (unsigned g = 0; g < 2; ++g) {
      pim::RowRead r{g, row, {}};
      for (unsigned c = 0; c < 32; ++c) r.columns.push_back(c);
      ph.reads.push_back(r);
    }
  const auto s = ctl.schedule(ph, 0);
  ASSERT_GT(s.cmds.back().cycle, 9u * no_ref.nREFI);
  cs.run(s.cmds);
  EXPECT_NE(cs.sim->timing_error_mask() & (1u << pim::kRuleREFI), 0u)
      << pim::rule_mask_text(cs.sim->timing_error_mask());
  EXPECT_EQ(cs.sim->timing_error_mask() & ~(1u << pim::kRuleREFI), 0u);
  std::uint32_t trace_rules = 0;
  for (const auto& v : pim::check_commands(cs.sim->org(), cs.sim->timing(), s.cmds)) trace_rules |= v.rules;
  EXPECT_EQ(trace_rules, 1u << pim::kRuleREFI) << pim::rule_mask_text(trace_rules);
}
