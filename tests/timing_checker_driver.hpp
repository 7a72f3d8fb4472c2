// Drives a Verilated pim_timing_checker (any organisation and timing) with a command stream,
// one command at its cycle, the refresh interval check on; returns the sticky error mask and
// the error count after the stream. Shared by the RTL timing-rule tests.
#pragma once

#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include <verilated.h>

#include "contracts/pim_command.hpp"
#include "sim/rtl_coverage.hpp"

namespace starc::test {

template <class Model>
std::pair<std::uint32_t, std::uint32_t> run_checker(const std::vector<pim::Command>& s,
                                                     const char* coverage_name = "timing_checker") {
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
  pim::write_rtl_coverage(ctx.get(), coverage_name);  // make coverage only
  return result;
}

}  // namespace starc::test
