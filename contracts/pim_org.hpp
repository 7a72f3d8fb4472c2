// Organisation of one simulated PIM channel (docs/design.md section 2) and the DRAM address
// arithmetic every part shares.
//
// Index conventions (docs/design.md section 3): the global bank-group index runs over
// pseudo-channel, then rank, then bank group: gbg = (pch * ranks + rank) * bank_groups + bg.
// The global bank index is gbank = gbg * banks + bank.
//
// Element placement (docs/design.md section 3): a token vector of head dimension D is split over
// the `banks` banks of its bank group, D / banks dimensions each; with `lanes` elements per
// column a token takes cols_per_token = D / (banks * lanes) columns, and column c of bank b
// holds, in lane i, dimension b * (D / banks) + (c % cols_per_token) * lanes + i of the token
// in slot c / cols_per_token of the row.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

#include <fmt/format.h>

namespace pim {

struct Org {
  unsigned pseudo_channels = 2;
  unsigned ranks = 2;
  unsigned bank_groups = 4;  // per rank
  unsigned banks = 4;        // per bank group
  unsigned lanes = 16;       // MAC lanes = 16-bit elements per column
  unsigned columns = 32;     // columns per row (a row is columns * lanes * 2 bytes)
  unsigned rows = 16384;     // rows per bank

  unsigned total_bank_groups() const { return pseudo_channels * ranks * bank_groups; }
  unsigned total_banks() const { return total_bank_groups() * banks; }
  unsigned column_bytes() const { return lanes * 2; }
  unsigned row_bytes() const { return columns * column_bytes(); }
  unsigned global_bank_group(unsigned pch, unsigned rank, unsigned bg) const {
    return (pch * ranks + rank) * bank_groups + bg;
  }
  // Columns of one bank's row that one token occupies, for head dimension d.
  unsigned cols_per_token(unsigned d) const {
    if (d == 0 || d % (banks * lanes) != 0) {
      throw std::invalid_argument("head dimension " + std::to_string(d) +
                                  " is not a multiple of banks x lanes = " +
                                  std::to_string(banks * lanes));
    }
    const unsigned c = d / (banks * lanes);
    if (columns % c != 0) {
      throw std::invalid_argument("head dimension " + std::to_string(d) + " does not tile a row");
    }
    return c;
  }
  // Token slots in one BG-row (one row index across the banks of a bank group).
  unsigned slots_per_row(unsigned d) const { return columns / cols_per_token(d); }
};

// The head dimensions a channel serves at run time (docs/design.md section 2: the channel's
// head-dimension mode register): GPT-2/OPT-style models (64), LLaMA/Mistral/Qwen (128),
// Gemma-style models (256). One build serves all three.
inline constexpr unsigned kHeadDims[] = {64, 128, 256};
inline bool is_supported_head_dim(unsigned d) {
  for (unsigned k : kHeadDims)
    if (k == d) return true;
  return false;
}
// Throws std::invalid_argument naming D unless it is one of kHeadDims.
inline void check_head_dim(unsigned d) {
  if (!is_supported_head_dim(d))
    throw std::invalid_argument(
        fmt::format("head dimension {} is not supported (the channel serves D = 64, 128 or 256)", d));
}

// The paper's channel (preset hbm3-pim).
inline Org hbm3_pim_org() { return Org{}; }

}  // namespace pim
