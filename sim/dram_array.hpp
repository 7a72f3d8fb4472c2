// DRAM cell-array model of one channel, feeding the RTL (docs/design.md section 1, sim/).
//
// Sparse and row-granular: the cells are a pim::DramImage (only written rows cost memory).
// Instead of copying a row into a row buffer on ACT, the model latches which row each bank
// opened (a pointer into the image, nullptr for a never-written row, which reads as zeros);
// the RTL's column requests of a MACAB are answered from that pointer with a fixed latency of
// one cycle. This keeps an ACTAB of 64 banks O(banks) and costs no memory for empty rows; the
// RTL holds the open/closed state (pim_timing_checker), the model only what a row buffer holds.
#pragma once

#include <cstdint>
#include <vector>

#include "contracts/dram_image.hpp"

namespace pim {

class DramArray {
 public:
  explicit DramArray(const DramImage& image)
      : image_(image), open_(image.org().total_banks(), nullptr), zeros_(image.org().lanes, 0) {}

  void activate(unsigned gbank, unsigned row) { open_[gbank] = image_.row(gbank, row); }
  // The `lanes` elements of column `col` of the row bank `gbank` last opened.
  const std::uint16_t* column(unsigned gbank, unsigned col) const {
    const std::uint16_t* r = open_[gbank];
    return r ? r + static_cast<std::size_t>(col) * image_.org().lanes : zeros_.data();
  }

 private:
  const DramImage& image_;
  std::vector<const std::uint16_t*> open_;
  std::vector<std::uint16_t> zeros_;
};

}  // namespace pim
