// Figure-by-figure equality of two runs of the same work done two ways (policies in another
// order, tests/test_decode_cosim.cpp; the RTL and the fast engine, tests/test_fast_engine.cpp):
// the figures neither way may change. Each test adds what only it compares.
#pragma once

#include <cstddef>

#include <fmt/core.h>
#include <gtest/gtest.h>

#include "contracts/pim_arith.hpp"
#include "host/report.hpp"

namespace starc_test {

inline void expect_same_cycles(const pim::PhaseCycles& x, const pim::PhaseCycles& y) {
  EXPECT_EQ(x.total, y.total);
  EXPECT_EQ(x.selection, y.selection);
  EXPECT_EQ(x.keys, y.keys);
  EXPECT_EQ(x.softmax, y.softmax);
  EXPECT_EQ(x.values, y.values);
  EXPECT_EQ(x.gaps, y.gaps);
  EXPECT_EQ(x.refresh, y.refresh);
  EXPECT_EQ(x.idle, y.idle);
}

// Cycles (total and per step), per step the selection size, activations, recall and every output
// bit; commands by type, MACABs per bank group, the energy events, the centroid-match unit's
// cycles and passes.
inline void expect_same_policy_figures(const pim::PolicyStats& a, const pim::PolicyStats& b) {
  expect_same_cycles(a.cycles, b.cycles);
  ASSERT_EQ(a.steps.size(), b.steps.size());
  for (std::size_t i = 0; i < a.steps.size(); ++i) {
    SCOPED_TRACE(fmt::format("step {}", i));
    const pim::StepStats &x = a.steps[i], &y = b.steps[i];
    expect_same_cycles(x.cycles, y.cycles);
    EXPECT_EQ(x.selected, y.selected);
    EXPECT_EQ(x.activations, y.activations);
    EXPECT_EQ(x.fidelity.recall, y.fidelity.recall);
    ASSERT_EQ(x.output.size(), y.output.size());
    for (std::size_t d = 0; d < x.output.size(); ++d)
      EXPECT_EQ(pim::bits_of(x.output[d]), pim::bits_of(y.output[d])) << "output dimension " << d;
  }
  EXPECT_EQ(a.commands, b.commands);
  EXPECT_EQ(a.macab_per_bg, b.macab_per_bg);
  EXPECT_EQ(a.events.activations, b.events.activations);
  EXPECT_EQ(a.events.bank_bytes_read, b.events.bank_bytes_read);
  EXPECT_EQ(a.events.mac_ops, b.events.mac_ops);
  EXPECT_EQ(a.events.buffer_die_bytes, b.events.buffer_die_bytes);
  EXPECT_EQ(a.cmatch_cycles, b.cmatch_cycles);
  EXPECT_EQ(a.cmatch_passes, b.cmatch_passes);
}

}  // namespace starc_test
