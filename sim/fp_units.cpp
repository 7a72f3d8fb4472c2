#include "sim/fp_units.hpp"

#include "Vpim_fp32_add.h"
#include "Vpim_fp_mul.h"
#include "sim/verilated_model.hpp"

namespace pim {

// The two combinational units, each its own Verilated model (no clock, no waves).
class FpUnits::Impl {
 public:
  VerilatedModel<Vpim_fp_mul> mul{0, "", "pim_fp_mul"};
  VerilatedModel<Vpim_fp32_add> add{0, "", "pim_fp32_add"};
};

FpUnits::FpUnits() : impl_(std::make_unique<Impl>()) {}
FpUnits::~FpUnits() = default;

std::uint32_t FpUnits::mul(std::uint16_t a, std::uint16_t b, Fmt fmt) {
  auto& m = impl_->mul.top();
  m.fmt_i = fmt == Fmt::bf16 ? 1 : 0;
  m.a_i = a;
  m.b_i = b;
  m.eval();
  return m.prod_o;
}

std::uint32_t FpUnits::add(std::uint32_t a, std::uint32_t b) {
  auto& m = impl_->add.top();
  m.a_i = a;
  m.b_i = b;
  m.eval();
  return m.sum_o;
}

}  // namespace pim
