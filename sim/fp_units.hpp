// The Verilated pim_fp_mul and pim_fp32_add (combinational), one call per evaluation, for
// unit tests of the two floating-point units against the golden arithmetic.
#pragma once

#include <cstdint>
#include <memory>

#include "contracts/pim_arith.hpp"

namespace pim {

class FpUnits {
 public:
  FpUnits();
  ~FpUnits();
  FpUnits(const FpUnits&) = delete;
  FpUnits& operator=(const FpUnits&) = delete;

  std::uint32_t mul(std::uint16_t a, std::uint16_t b, Fmt fmt);  // pim_fp_mul
  std::uint32_t add(std::uint32_t a, std::uint32_t b);           // pim_fp32_add

  class Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace pim
