// Hand-built command streams, one per timing/state rule of docs/design.md section 2, shared by the
// C++ and the RTL timing-rule tests. Each case builds a stream that breaks its rule when
// `extra` = 0 and the same stream with one more cycle of spacing (extra = 1) that is legal.
// Two timings are used so that every rule can be broken alone: the preset hbm3-pim, and
// `iso`, whose values make the rules that the preset shadows (nRC, nCCDS, nCCDL) bind.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "contracts/dram_timing.hpp"
#include "contracts/pim_command.hpp"
#include "contracts/pim_org.hpp"

namespace starc::test {

// 1 pch x 1 rank x 2 bank groups x 4 banks, 16 lanes, 8 columns, 64 rows.
inline pim::Org small_org() {
  pim::Org o;
  o.pseudo_channels = 1;
  o.ranks = 1;
  o.bank_groups = 2;
  o.banks = 4;
  o.lanes = 16;
  o.columns = 8;
  o.rows = 64;
  return o;
}

inline pim::Timing iso_timing() {
  pim::Timing t;
  t.name = "iso";
  t.nRCD = 5; t.nRP = 4; t.nRAS = 6; t.nRC = 14; t.nRTPL = 3; t.nCCDAB = 1; t.nCCDS = 3;
  t.nCCDL = 5; t.nRRDS = 3; t.nRRDL = 5; t.nFAW = 20; t.nBL = 3; t.nROW = 2;
  return t;
}

inline pim::Command cmd(std::uint64_t cycle, pim::Op op, unsigned bg = 0, unsigned bank = 0,
                        unsigned row = 0, unsigned col = 0, std::uint64_t mask = 0) {
  pim::Command c;
  c.cycle = cycle;
  c.op = op;
  c.bg = bg;
  c.bank = bank;
  c.row = row;
  c.col = col;
  c.mask = mask;
  if (op == pim::Op::WRGB || op == pim::Op::MVGB) c.data.assign(16, 0);
  return c;
}

struct RuleCase {
  std::string name;
  pim::Rule rule;
  bool iso;  // uses iso_timing() instead of hbm3-pim
  std::function<std::vector<pim::Command>(unsigned extra)> stream;
};

inline std::vector<RuleCase> rule_cases() {
  using pim::Op;
  std::vector<RuleCase> v;
  v.push_back({"nRCD", pim::kRuleRCD, false, [](unsigned e) {
    return std::vector{cmd(0, Op::ACTAB, 0, 0, 1), cmd(18 + e, Op::MACAB, 0, 0, 0, 0, 1)}; }});
  v.push_back({"nRP", pim::kRuleRP, false, [](unsigned e) {
    return std::vector{cmd(0, Op::ACTAB, 0, 0, 1), cmd(45, Op::PREA), cmd(63 + e, Op::ACTAB, 0, 0, 2)}; }});
  v.push_back({"nRAS", pim::kRuleRAS, true, [](unsigned e) {
    return std::vector{cmd(0, Op::ACTAB, 0, 0, 1), cmd(5 + e, Op::PREA)}; }});
  v.push_back({"nRC", pim::kRuleRC, true, [](unsigned e) {
    return std::vector{cmd(0, Op::ACT, 0, 0, 1), cmd(6, Op::PRE, 0, 0), cmd(13 + e, Op::ACT, 0, 0, 2)}; }});
  v.push_back({"nRTPL", pim::kRuleRTPL, true, [](unsigned e) {
    return std::vector{cmd(0, Op::ACTAB, 0, 0, 1), cmd(5, Op::MACAB, 0, 0, 0, 3, 3), cmd(7 + e, Op::PREA)}; }});
  v.push_back({"nCCDAB", pim::kRuleCCDAB, false, [](unsigned e) {
    return std::vector{cmd(0, Op::ACTAB, 0, 0, 1), cmd(19, Op::MACAB, 0, 0, 0, 0, 1),
                       cmd(24 + e, Op::MACAB, 0, 0, 0, 1, 2)}; }});
  v.push_back({"nCCDS", pim::kRuleCCDS, true, [](unsigned e) {
    return std::vector{cmd(0, Op::ACTAB, 0, 0, 1), cmd(5, Op::MACAB, 0, 0, 0, 0, 1),
                       cmd(7 + e, Op::MACAB, 0, 0, 0, 1, 2)}; }});
  v.push_back({"nCCDL", pim::kRuleCCDL, true, [](unsigned e) {
    return std::vector{cmd(0, Op::ACTAB, 0, 0, 1), cmd(5, Op::MACAB, 0, 0, 0, 0, 1),
                       cmd(9 + e, Op::MACAB, 0, 0, 0, 1, 3)}; }});
  v.push_back({"nRRDS", pim::kRuleRRDS, true, [](unsigned e) {
    return std::vector{cmd(0, Op::ACT, 0, 0, 1), cmd(2 + e, Op::ACT, 1, 0, 1)}; }});
  v.push_back({"nRRDL", pim::kRuleRRDL, true, [](unsigned e) {
    return std::vector{cmd(0, Op::ACT, 0, 0, 1), cmd(4 + e, Op::ACT, 0, 1, 1)}; }});
  v.push_back({"nFAW", pim::kRuleFAW, true, [](unsigned e) {
    return std::vector{cmd(0, Op::ACT, 0, 0, 1), cmd(5, Op::ACT, 1, 0, 1), cmd(10, Op::ACT, 0, 1, 1),
                       cmd(15, Op::ACT, 1, 1, 1), cmd(19 + e, Op::ACT, 0, 2, 1)}; }});
  v.push_back({"nBL", pim::kRuleDataBus, true, [](unsigned e) {
    return std::vector{cmd(0, Op::WRGB, 0, 0, 0, 0), cmd(2 + e, Op::WRGB, 0, 1, 0, 0)}; }});
  v.push_back({"cmd-bus", pim::kRuleCmdBus, false, [](unsigned e) {
    return std::vector{cmd(0, Op::ACT, 0, 0, 1), cmd(1 + e, Op::WRGB, 0, 0, 0, 0)}; }});
  // State rules: extra = 0 breaks the rule, extra = 1 adds what makes the stream legal.
  v.push_back({"mac-closed", pim::kRuleMacClosed, false, [](unsigned e) {
    if (e == 0) return std::vector{cmd(19, Op::MACAB, 0, 0, 0, 0, 1)};
    return std::vector{cmd(0, Op::ACTAB, 0, 0, 1), cmd(19, Op::MACAB, 0, 0, 0, 0, 1)}; }});
  v.push_back({"act-open", pim::kRuleActOpen, false, [](unsigned e) {
    if (e == 0) return std::vector{cmd(0, Op::ACTAB, 0, 0, 1), cmd(63, Op::ACT, 1, 2, 3)};
    return std::vector{cmd(0, Op::ACTAB, 0, 0, 1), cmd(45, Op::PRE, 1, 2), cmd(64, Op::ACT, 1, 2, 3)}; }});
  v.push_back({"address", pim::kRuleAddress, false, [](unsigned e) {
    return std::vector{cmd(0, Op::ACT, e == 0 ? 2 : 1, 0, 1)}; }});
  return v;
}

// 2 pch x 2 ranks x 2 bank groups x 4 banks, 16 lanes, 8 columns, 64 rows: the organisation of
// the per-rank cases below (RTL build Vtc_iso_2x2, iso timing).
inline pim::Org org_2x2() {
  pim::Org o = small_org();
  o.pseudo_channels = 2;
  o.ranks = 2;
  return o;
}

// A single-bank ACT to (pch, rank, bg, bank), row 1.
inline pim::Command act(std::uint64_t cycle, unsigned pch, unsigned rank, unsigned bg, unsigned bank) {
  pim::Command c = cmd(cycle, pim::Op::ACT, bg, bank, 1);
  c.pch = pch;
  c.rank = rank;
  return c;
}

// The per-rank rules on org_2x2() under iso_timing() (nRRDS 3, nRRDL 5, nFAW 20, row commands
// 2 cycles on the bus): nRRD and nFAW count the single-bank ACTs of one rank, a rank being a
// (pseudo-channel, rank) pair. Each stream either is legal only because the rule is per rank
// (`rule` = -1: a checker that keeps one ACT history for the channel, or that confuses
// pseudo-channel and rank, flags it) or breaks the rule inside one rank (`rule` = the rule id).
struct RankCase {
  std::string name;
  int rule;  // -1: legal
  std::vector<pim::Command> stream;
};

inline std::vector<RankCase> rank_cases() {
  std::vector<RankCase> v;
  // Same bank group index, 2 cycles apart (< nRRDS, nRRDL): legal across ranks and across
  // pseudo-channels, nRRDL within one rank.
  v.push_back({"rrd-other-rank", -1, {act(0, 0, 0, 0, 0), act(2, 0, 1, 0, 0)}});
  v.push_back({"rrd-other-pch", -1, {act(0, 0, 0, 0, 0), act(2, 1, 0, 0, 0)}});
  v.push_back({"rrd-other-pch-and-rank", -1, {act(0, 1, 0, 1, 1), act(2, 0, 1, 1, 1)}});
  v.push_back({"rrdl-same-rank", pim::kRuleRRDL, {act(0, 1, 0, 0, 0), act(4, 1, 0, 0, 1)}});
  v.push_back({"rrds-same-rank", pim::kRuleRRDS, {act(0, 0, 1, 0, 0), act(2, 0, 1, 1, 0)}});
  // Four ACTs in rank (pch 0, rank 0) at 0, 4, 8, 12 and four in (pch 1, rank 1) between them:
  // eight ACTs in 16 cycles are legal (four per rank); a fifth in (pch 0, rank 1) or
  // (pch 1, rank 0) too; a fifth in (pch 0, rank 0) before cycle 20 breaks nFAW.
  const std::vector<pim::Command> eight{act(0, 0, 0, 0, 0), act(2, 1, 1, 0, 0), act(4, 0, 0, 1, 0),
                                        act(6, 1, 1, 1, 0), act(8, 0, 0, 0, 1), act(10, 1, 1, 0, 1),
                                        act(12, 0, 0, 1, 1), act(14, 1, 1, 1, 1)};
  auto with = [&](pim::Command c) {
    auto s = eight;
    s.push_back(c);
    return s;
  };
  v.push_back({"faw-two-ranks", -1, eight});
  v.push_back({"faw-fifth-in-pch0-rank1", -1, with(act(16, 0, 1, 0, 0))});
  v.push_back({"faw-fifth-in-pch1-rank0", -1, with(act(16, 1, 0, 0, 0))});
  v.push_back({"faw-fifth-in-pch0-rank0", pim::kRuleFAW, with(act(19, 0, 0, 0, 2))});
  v.push_back({"faw-fifth-in-pch0-rank0-after-window", -1, with(act(20, 0, 0, 0, 2))});
  return v;
}

}  // namespace starc::test
