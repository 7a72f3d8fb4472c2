// DRAM cell-array model of one channel, feeding the RTL (docs/design.md section 1, sim/).
//
// Sparse and row-granular: the cells are a pim::DramImage (only written rows cost memory).
// Instead of copying a row into a row buffer on ACT, the model latches which row each bank
// opened (a pointer into the image, nullptr for a never-written row, which reads as zeros);
// the RTL's column requests of a MACAB are answered from that pointer with a fixed latency of
// one cycle. This keeps an ACTAB of 64 banks O(banks) and costs no memory for empty rows; the
// RTL holds the open/closed state (pim_timing_checker), the model only what a row buffer holds.
//
// Fault injection (sim/fault_plan.hpp, dram-bit): with a plan, the N-th column read from a
// written row becomes a faulty cell: one bit of its lane-0 element reads flipped from then on
// (the image itself, which the golden channel reads, is not changed).
#pragma once

#include <cstdint>
#include <vector>

#include <fmt/format.h>

#include "contracts/dram_image.hpp"
#include "sim/fault_plan.hpp"

namespace pim {

class DramArray {
 public:
  explicit DramArray(const DramImage& image)
      : image_(image), open_(image.org().total_banks(), nullptr), zeros_(image.org().lanes, 0) {}

  void activate(unsigned gbank, unsigned row) {
    open_[gbank] = image_.row(gbank, row);
    open_row_[gbank] = row;
  }
  // The `lanes` elements of column `col` of the row bank `gbank` last opened.
  const std::uint16_t* column(unsigned gbank, unsigned col) {
    const std::uint16_t* r = open_[gbank];
    if (!r) return zeros_.data();
    const std::uint16_t* d = r + static_cast<std::size_t>(col) * image_.org().lanes;
    if (plan_ == nullptr) return d;
    if (plan_->hit(FaultKind::dram_bit)) {
      bad_ = {gbank, open_row_[gbank], col, true};
      plan_->what = fmt::format("flipped bit {} of lane 0 of bank {} row {} column {} (column read {})", kBit, gbank,
                                bad_.row, col, plan_->occurrence);
    }
    if (!bad_.set || bad_.gbank != gbank || bad_.row != open_row_[gbank] || bad_.col != col) return d;
    faulty_.assign(d, d + image_.org().lanes);
    faulty_[0] ^= 1u << kBit;
    return faulty_.data();
  }
  void inject(FaultPlan* plan) { plan_ = plan; }

 private:
  static constexpr unsigned kBit = 9;  // fp16: top mantissa bit; bf16: an exponent bit
  struct Cell {
    unsigned gbank = 0, row = 0, col = 0;
    bool set = false;
  };
  const DramImage& image_;
  std::vector<const std::uint16_t*> open_;
  std::vector<unsigned> open_row_ = std::vector<unsigned>(image_.org().total_banks(), 0);
  std::vector<std::uint16_t> zeros_;
  FaultPlan* plan_ = nullptr;
  Cell bad_;
  std::vector<std::uint16_t> faulty_;
};

}  // namespace pim
