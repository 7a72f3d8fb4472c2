// Energy model: counts times constants, with the act-aware model adding activations.
#include <gtest/gtest.h>

#include "host/energy_model.hpp"

TEST(EnergyModel, AttaccIsBytesMacsAndTransfers) {
  pim::EnergyEvents ev{.activations = 10, .bank_bytes_read = 1000, .mac_ops = 500,
                       .buffer_die_bytes = 64};
  const auto r = pim::compute_energy(ev, pim::EnergyModelKind::attacc);
  EXPECT_EQ(r.terms.size(), 3u);
  EXPECT_DOUBLE_EQ(r.total_pj(), 1000 * 4.4 + 500 * 0.32 + 64 * 10.4);
  EXPECT_EQ(r.to_json()["components"]["alu"]["count"], 500);
}

TEST(EnergyModel, ActAwareChargesActivations) {
  pim::EnergyEvents ev{.activations = 10, .bank_bytes_read = 1000, .mac_ops = 500,
                       .buffer_die_bytes = 64};
  const auto a = pim::compute_energy(ev, pim::EnergyModelKind::attacc);
  const auto b = pim::compute_energy(ev, pim::EnergyModelKind::act_aware);
  EXPECT_DOUBLE_EQ(b.total_pj() - a.total_pj(), 10 * 828.0);
}

TEST(EnergyModel, RejectsUnknownModel) {
  EXPECT_THROW(pim::parse_energy_model("joules"), std::invalid_argument);
  EXPECT_EQ(pim::parse_energy_model("act-aware"), pim::EnergyModelKind::act_aware);
}
