// The RTL timing checker (rtl/pim_timing_checker.sv) with two ranks (Vtc_ranks: 1 pch x 2 ranks x
// 2 bank groups x 4 banks, hbm3-pim): the single-bank ACT rules (nRRDS, nRRDL, nFAW) bind within
// a rank only. Also the coverage of the checker's other-rank branch (`make coverage`, issue 15),
// which every one-rank organisation leaves unreached.
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <vector>

#include <verilated.h>

#include "Vtc_ranks.h"
#include "contracts/dram_timing.hpp"
#include "contracts/pim_command.hpp"
#include "sim/rtl_coverage.hpp"

namespace {

pim::Command act(std::uint64_t cycle, unsigned rank, unsigned bg, unsigned bank) {
  pim::Command c;
  c.cycle = cycle;
  c.op = pim::Op::ACT;
  c.rank = rank;
  c.bg = bg;
  c.bank = bank;
  c.row = 1;
  return c;
}

// Sticky error mask after the stream (as tests/test_timing_rules_rtl.cpp drives the checker).
std::uint32_t run(const std::vector<pim::Command>& s) {
  auto ctx = std::make_unique<VerilatedContext>();
  ctx->randReset(2);
  auto m = std::make_unique<Vtc_ranks>(ctx.get());
  m->clk_i = 0;
  m->rst_ni = 1;
  m->cmd_valid_i = 0;
  m->eval();
  m->rst_ni = 0;
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
  for (std::uint64_t cyc = 0; cyc <= s.back().cycle + 1; ++cyc) {
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
  const std::uint32_t mask = m->err_sticky_o;
  m->final();
  pim::write_rtl_coverage(ctx.get(), "timing_checker_ranks");  // make coverage only
  return mask;
}

TEST(TimingRanksRtl, SingleBankActRulesBindWithinARankOnly) {
  // nRRDL = 4: a second ACT to the same bank group 2 cycles later breaks it in the same rank ...
  EXPECT_EQ(run({act(0, 0, 0, 0), act(2, 0, 0, 1)}), 1u << pim::kRuleRRDL);
  // ... and not in the other rank (nROW = 2 keeps the command bus legal).
  EXPECT_EQ(run({act(0, 0, 0, 0), act(2, 1, 0, 1)}), 0u);
  // nFAW = 39: a fifth ACT in a rank within the window breaks it, in another rank it does not.
  std::vector<pim::Command> four{act(0, 0, 0, 0), act(4, 0, 1, 0), act(8, 0, 0, 1), act(12, 0, 1, 1)};
  auto same = four, other = four;
  same.push_back(act(16, 0, 0, 2));
  other.push_back(act(16, 1, 0, 2));
  EXPECT_EQ(run(same), 1u << pim::kRuleFAW);
  EXPECT_EQ(run(other), 0u);
}

}  // namespace
