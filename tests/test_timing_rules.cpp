// Every rule of the docs/design.md section 2 timing table (and the bank-state rules): a
// hand-built stream that breaks it is flagged, the same stream with one more cycle of spacing
// passes. Checked on the controller's TimingState, on the independent trace checker (through a
// written and re-parsed trace) and on the RTL timing checker (test_timing_rules_rtl.cpp).
#include <gtest/gtest.h>

#include <sstream>

#include "host/cmd_trace.hpp"
#include "timing_cases.hpp"
#include "host/timing_state.hpp"
#include "host/trace_checker.hpp"

namespace {

using starc::test::rule_cases;

std::uint32_t timing_state_errors(const pim::Org& org, const pim::Timing& t,
                                  const std::vector<pim::Command>& s) {
  pim::TimingState ts(org, t);
  std::uint32_t all = 0;
  for (const auto& c : s) {
    all |= ts.check(c, c.cycle);
    ts.apply(c, c.cycle);
  }
  return all;
}

std::uint32_t trace_errors(const pim::Org& org, const pim::Timing& t, const std::vector<pim::Command>& s) {
  std::stringstream ss;
  pim::write_trace(ss, org, t, s);
  const pim::ParsedTrace p = pim::parse_trace(ss);
  std::uint32_t all = 0;
  for (const auto& v : pim::check_trace(p)) all |= v.rules;
  return all;
}

TEST(TimingRules, EveryRuleFlaggedAloneByTimingStateAndTraceChecker) {
  const pim::Org org = starc::test::small_org();
  for (const auto& rc : rule_cases()) {
    const pim::Timing t = rc.iso ? starc::test::iso_timing() : pim::timing_preset("hbm3-pim");
    SCOPED_TRACE(rc.name);
    EXPECT_EQ(timing_state_errors(org, t, rc.stream(0)), 1u << rc.rule)
        << pim::rule_mask_text(timing_state_errors(org, t, rc.stream(0)));
    EXPECT_EQ(timing_state_errors(org, t, rc.stream(1)), 0u)
        << pim::rule_mask_text(timing_state_errors(org, t, rc.stream(1)));
    EXPECT_EQ(trace_errors(org, t, rc.stream(0)), 1u << rc.rule)
        << pim::rule_mask_text(trace_errors(org, t, rc.stream(0)));
    EXPECT_EQ(trace_errors(org, t, rc.stream(1)), 0u)
        << pim::rule_mask_text(trace_errors(org, t, rc.stream(1)));
  }
}

// Gap 2 of issue 20: on 2 pseudo-channels x 2 ranks, nRRD and nFAW count the ACTs of one
// (pch, rank) only. Catches a TimingState or trace checker that keeps one ACT history for the
// whole channel, or that indexes ranks by `rank` alone (pseudo-channels confused): the legal
// cross-rank streams are then flagged.
TEST(TimingRules, RrdAndFawArePerRankOnTwoPseudoChannelsAndRanks) {
  const pim::Org org = starc::test::org_2x2();
  const pim::Timing t = starc::test::iso_timing();
  for (const auto& rc : starc::test::rank_cases()) {
    SCOPED_TRACE(rc.name);
    const std::uint32_t want = rc.rule < 0 ? 0u : 1u << rc.rule;
    EXPECT_EQ(timing_state_errors(org, t, rc.stream), want)
        << pim::rule_mask_text(timing_state_errors(org, t, rc.stream));
    EXPECT_EQ(trace_errors(org, t, rc.stream), want) << pim::rule_mask_text(trace_errors(org, t, rc.stream));
  }
}

TEST(TimingRules, TraceRoundTripKeepsFieldsAndHeader) {
  const pim::Org org = starc::test::small_org();
  const pim::Timing t = pim::timing_preset("hbm3-pim-npc");
  std::vector<pim::Command> s{starc::test::cmd(0, pim::Op::ACTAB, 0, 0, 7),
                              starc::test::cmd(19, pim::Op::MACAB, 0, 0, 0, 5, 3)};
  std::stringstream ss;
  pim::write_trace(ss, org, t, s);
  const std::string text = ss.str();
  EXPECT_NE(text.find("# org pch=1 rank=1 bg=2 bank=4\n"), std::string::npos);
  EXPECT_NE(text.find("# timing nRCD=19 nRP=19 nRAS=45 nRC=63 nRTPL=8 nCCDAB=4 nRRDS=2 nRRDL=4 nFAW=39 nBL=2\n"),
            std::string::npos);
  EXPECT_NE(text.find("0 ACTAB - - - - 7 - -\n19 MACAB - - - - - 5 3\n"), std::string::npos);
  const pim::ParsedTrace p = pim::parse_trace(ss);
  ASSERT_EQ(p.cmds.size(), 2u);
  EXPECT_EQ(p.cmds[1].mask, 3u);
  EXPECT_EQ(p.cmds[1].col, 5u);
  EXPECT_EQ(p.timing.nCCDAB, 4u);
  EXPECT_EQ(p.org.bank_groups, 2u);
}

// Gap 6 of issue 20: a trace without its '# timing-extra' line (nCCDS, nCCDL, nROW) was parsed
// with silent defaults. It is an error with one line naming the missing header; with the line the
// same trace parses and carries its values. Catches a parser that defaults them again (planted:
// the have_extra check removed).
TEST(TimingRules, TraceWithoutTimingExtraIsAnError) {
  const std::string org = "# org pch=1 rank=1 bg=2 bank=4\n";
  const std::string timing = "# timing nRCD=19 nRP=19 nRAS=45 nRC=63 nRTPL=8 nCCDAB=6 nRRDS=2 nRRDL=4 nFAW=39 nBL=2\n";
  const std::string cmds = "0 ACTAB - - - - 7 - -\n19 MACAB - - - - - 5 3\n";
  std::stringstream without(org + timing + cmds);
  try {
    pim::parse_trace(without);
    ADD_FAILURE() << "a trace without '# timing-extra' was accepted";
  } catch (const std::invalid_argument& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("timing-extra"), std::string::npos) << msg;
    EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
  }
  std::stringstream with(org + timing + "# timing-extra nCCDS=3 nCCDL=5 nROW=2\n" + cmds);
  const pim::ParsedTrace p = pim::parse_trace(with);
  EXPECT_EQ(p.timing.nCCDS, 3u);
  EXPECT_EQ(p.timing.nCCDL, 5u);
  EXPECT_EQ(p.timing.nROW, 2u);
  ASSERT_EQ(p.cmds.size(), 2u);
  // A timing-extra line missing one of its values is an error naming the value.
  std::stringstream partial(org + timing + "# timing-extra nCCDS=3 nROW=2\n" + cmds);
  try {
    pim::parse_trace(partial);
    ADD_FAILURE() << "a '# timing-extra' line without nCCDL was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("nCCDL"), std::string::npos) << e.what();
  }
}

TEST(TimingRules, PresetsAndBadNames) {
  EXPECT_EQ(pim::timing_preset("hbm3-pim").nCCDAB, 6u);
  EXPECT_EQ(pim::timing_preset("hbm3-pim-npc").nCCDAB, 4u);
  EXPECT_THROW(pim::timing_preset("ddr5"), std::invalid_argument);
  std::stringstream bad("# org pch=1 rank=1 bg=2 bank=4\n0 FOO - - - - - - -\n");
  EXPECT_THROW(pim::parse_trace(bad), std::invalid_argument);
}

}  // namespace
