// Golden model of one PIM channel (docs/design.md section 3): executes the command stream the
// controller issues, one command per step (Ibex-cosim style), with the bit-exact arithmetic of
// pim_arith.hpp, and returns the result of every MVSB. The RTL (rtl/pim_channel.sv through
// sim/) is compared against it by the Scoreboard.
//
// State per bank: the last opened row (the DRAM image is read through it), its global-buffer
// share (WRGB, identical in every bank group), dot accumulators per token slot and axpy
// accumulators per dimension of its D/banks share; per bank group: the slot scalars (MVGB).
// MVSB returns and clears the accumulators of its mode: dot, score[s] = tree(P0[s]..P{B-1}[s]);
// axpy, the group's partial context vector (banks side by side, dimension order).
// Timing is not modelled (the TimingState / RTL checker do that).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "contracts/dram_image.hpp"
#include "contracts/mvsb_result.hpp"
#include "contracts/pim_arith.hpp"
#include "contracts/pim_command.hpp"
#include "contracts/pim_org.hpp"

namespace pim {

class GoldenChannel {
 public:
  // `image` must outlive the model.
  GoldenChannel(const Org& org, unsigned head_dim, Fmt fmt, const DramImage& image);

  std::optional<MvsbResult> step(const Command& cmd);

  unsigned slots() const { return slots_; }
  unsigned cols_per_token() const { return cpt_; }

 private:
  Org org_;
  unsigned head_dim_, cpt_, slots_;
  Fmt fmt_;
  const DramImage& image_;
  std::vector<long> row_;                          // per bank: last opened row, -1 never
  std::vector<std::vector<std::uint16_t>> gbuf_;   // per bank: cpt x lanes query elements
  std::vector<std::vector<std::uint16_t>> scal_;   // per bank group: slot scalars
  std::vector<std::vector<float>> acc_dot_;        // per bank: slots
  std::vector<std::vector<float>> acc_axpy_;       // per bank: cpt x lanes
  std::vector<std::uint16_t> zeros_;               // a never-written row's column
};

}  // namespace pim
