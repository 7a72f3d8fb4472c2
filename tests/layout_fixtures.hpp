// Shared by the layout tests (test_layout, test_striped_layout): the small organisation they
// lay heads out on, and rounding to fp16 (the values a layout stores exactly).
#pragma once

#include "contracts/pim_arith.hpp"
#include "contracts/pim_org.hpp"

namespace starc::test {

// 1 pseudo-channel x 2 ranks x 2 bank groups x 4 banks (4 global bank groups), `rows` rows.
inline pim::Org small_org(unsigned rows) {
  pim::Org o;
  o.pseudo_channels = 1;
  o.ranks = 2;
  o.bank_groups = 2;
  o.rows = rows;
  return o;
}

inline float fp16(float x) { return pim::decode_input(pim::encode_input(x, pim::Fmt::fp16), pim::Fmt::fp16); }

}  // namespace starc::test
