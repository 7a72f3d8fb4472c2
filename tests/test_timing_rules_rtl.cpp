// The RTL timing checker (rtl/pim_timing_checker.sv) on the hand-built rule streams of
// timing_cases.hpp: each breaking stream raises exactly its rule's bit (sticky mask) and counts
// one error; the stream with one more cycle of spacing raises nothing. Two Verilated configs:
// Vtc_hbm3 (preset hbm3-pim) and Vtc_iso (the iso timing), both on the small organisation.
#include <gtest/gtest.h>

#include <memory>

#include <verilated.h>

#include "Vtc_hbm3.h"
#include "Vtc_iso.h"
#include "Vtc_iso_2x2.h"
#include "timing_cases.hpp"
#include "timing_checker_driver.hpp"

namespace {

using starc::test::run_checker;

TEST(TimingRulesRtl, EveryRuleFlaggedAloneByTheRtlChecker) {
  for (const auto& rc : starc::test::rule_cases()) {
    SCOPED_TRACE(rc.name);
    auto run = [&](unsigned extra) {
      return rc.iso ? run_checker<Vtc_iso>(rc.stream(extra)) : run_checker<Vtc_hbm3>(rc.stream(extra));
    };
    const auto [bad_mask, bad_count] = run(0);
    EXPECT_EQ(bad_mask, 1u << rc.rule) << pim::rule_mask_text(bad_mask);
    EXPECT_EQ(bad_count, 1u);
    const auto [ok_mask, ok_count] = run(1);
    EXPECT_EQ(ok_mask, 0u) << pim::rule_mask_text(ok_mask);
    EXPECT_EQ(ok_count, 0u);
  }
}

// Gap 2 of issue 20: the RTL checker on 2 pseudo-channels x 2 ranks (Vtc_iso_2x2): nRRD and
// nFAW per (pch, rank). Catches a checker whose rank index drops the pseudo-channel
// (planted: `rank_idx = 32'(cmd_rank_i)`; "faw-fifth-in-pch1-rank0" is then flagged) or
// keeps one nFAW window for the channel ("faw-two-ranks" flagged).
TEST(TimingRulesRtl, RrdAndFawArePerRankOnTwoPseudoChannelsAndRanks) {
  for (const auto& rc : starc::test::rank_cases()) {
    SCOPED_TRACE(rc.name);
    const auto [mask, count] = run_checker<Vtc_iso_2x2>(rc.stream);
    EXPECT_EQ(mask, rc.rule < 0 ? 0u : 1u << rc.rule) << pim::rule_mask_text(mask);
    EXPECT_EQ(count, rc.rule < 0 ? 0u : 1u);
  }
}

}  // namespace
