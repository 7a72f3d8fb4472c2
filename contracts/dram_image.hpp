// Sparse, row-granular contents of the DRAM cell array of one channel: only rows that were
// written cost memory. Filled by a layout (mapping/), read by the Verilated array model (sim/)
// and by the golden model (host/). Unwritten rows read as zeros.
#pragma once

#include <cstdint>
#include <span>
#include <unordered_map>
#include <vector>

#include "contracts/pim_org.hpp"

namespace pim {

class DramImage {
 public:
  explicit DramImage(const Org& org) : org_(org) {}

  const Org& org() const { return org_; }

  // Writes `elems` (org.lanes 16-bit elements) to column `col` of row `row` of global bank
  // `gbank`.
  void write_column(unsigned gbank, unsigned row, unsigned col, std::span<const std::uint16_t> elems) {
    check(gbank, row, col);
    if (elems.size() != org_.lanes) throw std::invalid_argument("DramImage: column width mismatch");
    auto& r = rows_[key(gbank, row)];
    if (r.empty()) r.assign(static_cast<std::size_t>(org_.columns) * org_.lanes, 0);
    std::copy(elems.begin(), elems.end(), r.begin() + static_cast<std::ptrdiff_t>(col) * org_.lanes);
  }
  // The `columns x lanes` elements of a row, for writing (created as zeros when never written;
  // stays valid while the image lives).
  std::uint16_t* row_for_write(unsigned gbank, unsigned row) {
    check(gbank, row, 0);
    auto& r = rows_[key(gbank, row)];
    if (r.empty()) r.assign(static_cast<std::size_t>(org_.columns) * org_.lanes, 0);
    return r.data();
  }
  void write_element(unsigned gbank, unsigned row, unsigned col, unsigned lane, std::uint16_t v) {
    check(gbank, row, col);
    auto& r = rows_[key(gbank, row)];
    if (r.empty()) r.assign(static_cast<std::size_t>(org_.columns) * org_.lanes, 0);
    r[static_cast<std::size_t>(col) * org_.lanes + lane] = v;
  }

  // The whole row (columns x lanes elements), or nullptr when it was never written (zeros).
  const std::uint16_t* row(unsigned gbank, unsigned row) const {
    auto it = rows_.find(key(gbank, row));
    return it == rows_.end() ? nullptr : it->second.data();
  }
  std::uint16_t element(unsigned gbank, unsigned row, unsigned col, unsigned lane) const {
    const std::uint16_t* r = this->row(gbank, row);
    return r ? r[static_cast<std::size_t>(col) * org_.lanes + lane] : 0;
  }
  std::size_t rows_stored() const { return rows_.size(); }

 private:
  static std::uint64_t key(unsigned gbank, unsigned row) {
    return static_cast<std::uint64_t>(gbank) << 32 | row;
  }
  void check(unsigned gbank, unsigned row, unsigned col) const {
    if (gbank >= org_.total_banks() || row >= org_.rows || col >= org_.columns) {
      throw std::out_of_range("DramImage: address out of range");
    }
  }
  Org org_;
  std::unordered_map<std::uint64_t, std::vector<std::uint16_t>> rows_;
};

}  // namespace pim
