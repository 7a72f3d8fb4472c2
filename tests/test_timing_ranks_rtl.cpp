// The RTL timing checker (rtl/pim_timing_checker.sv) with two ranks (Vtc_ranks: 1 pch x 2 ranks x
// 2 bank groups x 4 banks, hbm3-pim): the single-bank ACT rules (nRRDS, nRRDL, nFAW) bind within
// a rank only. Also the coverage of the checker's other-rank branch (`make coverage`, issue 15),
// which every one-rank organisation leaves unreached.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include <verilated.h>

#include "Vtc_ranks.h"
#include "contracts/dram_timing.hpp"
#include "contracts/pim_command.hpp"
#include "timing_checker_driver.hpp"

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

// Sticky error mask after the stream (tests/timing_checker_driver.hpp).
std::uint32_t run(const std::vector<pim::Command>& s) {
  return starc::test::run_checker<Vtc_ranks>(s, "timing_checker_ranks").first;
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
