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
#include "sim/rtl_coverage.hpp"
#include "timing_cases.hpp"

namespace {

template <class Model>
std::pair<std::uint32_t, std::uint32_t> run_checker(const std::vector<pim::Command>& s) {
  auto ctx = std::make_unique<VerilatedContext>();
  ctx->randReset(2);
  auto m = std::make_unique<Model>(ctx.get());
  m->clk_i = 0;
  m->rst_ni = 1;
  m->cmd_valid_i = 0;
  m->refresh_check_i = 1;
  m->eval();
  m->rst_ni = 0;  // asynchronous reset: a falling edge, held over two clocks
  m->eval();
  for (int i = 0; i < 2; ++i) {
    m->clk_i = 1;
    m->eval();
    m->clk_i = 0;
    m->eval();
  }
  m->rst_ni = 1;
  m->eval();
  std::size_t next = 0;
  const std::uint64_t last = s.empty() ? 0 : s.back().cycle;
  for (std::uint64_t cyc = 0; cyc <= last + 1; ++cyc) {
    m->cmd_valid_i = 0;
    if (next < s.size() && s[next].cycle == cyc) {
      const pim::Command& c = s[next++];
      m->cmd_valid_i = 1;
      m->cmd_op_i = static_cast<unsigned>(c.op);
      m->cmd_pch_i = c.pch;
      m->cmd_rank_i = c.rank;
      m->cmd_bg_i = c.bg;
      m->cmd_bank_i = c.bank;
      m->cmd_row_i = c.row;
      m->cmd_col_i = c.col;
      m->cmd_mask_i = static_cast<unsigned>(c.mask);
    }
    m->clk_i = 0;
    m->eval();
    m->clk_i = 1;
    m->eval();
  }
  const std::pair<std::uint32_t, std::uint32_t> result{m->err_sticky_o, m->err_count_o};
  m->final();
  pim::write_rtl_coverage(ctx.get(), "timing_checker");  // make coverage only
  return result;
}

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
