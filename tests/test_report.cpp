// The report arithmetic (host/report.hpp) against hand-computed values of a tiny run: the energy
// events of each command type, the physical-limit cycles and the MAC-slot utilisation, on the
// small organisation (1 pch x 1 rank x 2 bank groups x 4 banks, 16 lanes, 32 columns: 8 banks,
// 32 B columns, D = 128: 2 columns per token, 16 slots per BG-row) and on 2 x 2 ranks.
#include <gtest/gtest.h>

#include "host/report.hpp"

namespace {

using pim::Op;

pim::Org small() {
  pim::Org o;
  o.pseudo_channels = 1;
  o.ranks = 1;
  o.bank_groups = 2;
  o.banks = 4;
  o.rows = 64;
  return o;
}

pim::Command cmd(Op op, std::uint64_t mask = 0, pim::Mode mode = pim::Mode::dot) {
  pim::Command c;
  c.op = op;
  c.mask = mask;
  c.mode = mode;
  return c;
}

// Catches a wrong count per command type (planted: a MACAB charged for every bank group instead
// of the masked ones, `popcount(mask)` -> `total_bank_groups()`; an MVSB dot result charged as
// head_dim words).
TEST(Report, EnergyEventsOfEachCommandByHand) {
  const pim::Org o = small();
  auto count = [&](const pim::Command& c) {
    pim::EnergyEvents ev;
    pim::count_energy_events(o, 128, c, ev);
    return ev;
  };
  pim::EnergyEvents e = count(cmd(Op::ACTAB));
  EXPECT_EQ(e.activations, 8u);  // every bank of the channel
  EXPECT_EQ(count(cmd(Op::ACT)).activations, 1u);
  e = count(cmd(Op::MACAB, 0b01));  // one bank group: 4 banks x one 32 B column, 4 x 16 MACs
  EXPECT_EQ(e.bank_bytes_read, 128u);
  EXPECT_EQ(e.mac_ops, 64u);
  EXPECT_EQ(e.activations, 0u);
  e = count(cmd(Op::MACAB, 0b11, pim::Mode::axpy));  // both: 8 banks
  EXPECT_EQ(e.bank_bytes_read, 256u);
  EXPECT_EQ(e.mac_ops, 128u);
  EXPECT_EQ(count(cmd(Op::WRGB)).buffer_die_bytes, 32u);  // 16 elements x 2 B
  EXPECT_EQ(count(cmd(Op::MVGB)).buffer_die_bytes, 32u);
  EXPECT_EQ(count(cmd(Op::MVSB, 0, pim::Mode::dot)).buffer_die_bytes, 64u);    // 16 slot scores x 4 B
  EXPECT_EQ(count(cmd(Op::MVSB, 0, pim::Mode::axpy)).buffer_die_bytes, 512u);  // 128 partial sums x 4 B
  for (const Op op : {Op::PREA, Op::PRE}) {
    e = count(cmd(op));
    EXPECT_EQ(e.activations + e.bank_bytes_read + e.mac_ops + e.buffer_die_bytes, 0u);
  }
  // 2 pch x 2 ranks x 2 bank groups x 2 banks (D = 128: 4 columns per token, 8 slots): an ACTAB
  // opens all 16 banks; a MACAB on global bank groups 1, 5 and 7 reads 3 x 2 columns.
  pim::Org r = small();
  r.pseudo_channels = 2;
  r.ranks = 2;
  r.banks = 2;
  pim::EnergyEvents ev;
  pim::count_energy_events(r, 128, cmd(Op::ACTAB), ev);
  pim::count_energy_events(r, 128, cmd(Op::MACAB, 0b10100010), ev);
  pim::count_energy_events(r, 128, cmd(Op::MVSB), ev);
  EXPECT_EQ(ev.activations, 16u);
  EXPECT_EQ(ev.bank_bytes_read, 6u * 32);
  EXPECT_EQ(ev.mac_ops, 6u * 16);
  EXPECT_EQ(ev.buffer_die_bytes, 8u * 4);
}

// Catches a wrong physical limit (planted: nCCDAB multiplied instead of divided, or the factor 2
// for keys and values dropped). By hand: 100 tokens x 2 (K, V) x 128 x 2 B = 51200 B at
// 8 banks x 32 B per nCCDAB = 6 cycles (256 B / 6 cycles): 1200 cycles; the 64-bank channel
// moves 2048 B per 6 cycles: 150 cycles.
TEST(Report, LimitCyclesByHand) {
  const pim::Timing t = pim::timing_preset("hbm3-pim");
  EXPECT_DOUBLE_EQ(pim::limit_cycles(small(), t, 128, 100), 1200.0);
  EXPECT_DOUBLE_EQ(pim::limit_cycles(pim::hbm3_pim_org(), t, 128, 100), 150.0);
  EXPECT_DOUBLE_EQ(pim::limit_cycles(pim::hbm3_pim_org(), pim::timing_preset("hbm3-pim-npc"), 128, 100), 100.0);
  EXPECT_DOUBLE_EQ(pim::limit_cycles(small(), t, 128, 0), 0.0);
}

// Catches a wrong utilisation or limit ratio in the report (planted: the mean over bank groups
// divided by the number of groups + 1, or cycles per step instead of the total). A run of 2 steps,
// 600 cycles, 30 and 10 MACABs on the two bank groups, nCCDAB 6: utilisation 30 x 6 / 600 = 0.3
// and 0.1, mean 0.2; 100 selected tokens: limit 1200 cycles, actual / limit 0.5; cycles per step
// 300; latency 300 x 0.769 ns.
TEST(Report, UtilisationAndLimitInTheJsonByHand) {
  pim::RunInfo info;
  info.org = small();
  info.timing = pim::timing_preset("hbm3-pim");
  info.head_dim = 128;
  pim::PolicyStats p;
  p.policy = "dense";
  p.steps.resize(2);
  p.cycles.total = 600;
  p.macab_per_bg = {30, 10};
  p.selected_tokens = 100;
  p.events = {.activations = 3, .bank_bytes_read = 1000, .mac_ops = 10, .buffer_die_bytes = 20};
  const nlohmann::json j = pim::report_json(info, {p});
  const auto& pj = j.at("policies").at(0);
  EXPECT_DOUBLE_EQ(pj.at("mac_utilisation_mean").get<double>(), 0.2);
  EXPECT_DOUBLE_EQ(pj.at("mac_utilisation_per_bg").at(0).get<double>(), 0.3);
  EXPECT_DOUBLE_EQ(pj.at("mac_utilisation_per_bg").at(1).get<double>(), 0.1);
  EXPECT_DOUBLE_EQ(pj.at("limit").at("limit_cycles").get<double>(), 1200.0);
  EXPECT_DOUBLE_EQ(pj.at("limit").at("actual_over_limit").get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(pj.at("cycles_per_step").get<double>(), 300.0);
  EXPECT_DOUBLE_EQ(pj.at("latency_ns_per_step").get<double>(), 300.0 * 0.769);
  EXPECT_EQ(pj.at("row_activations").get<unsigned>(), 3u);
  // attacc energy: 1000 B x 4.4 + 10 MACs x 0.32 + 20 B x 10.4 pJ.
  EXPECT_NEAR(pj.at("energy").at("attacc").at("total_pj").get<double>(), 1000 * 4.4 + 10 * 0.32 + 20 * 10.4, 1e-9);
}

}  // namespace
