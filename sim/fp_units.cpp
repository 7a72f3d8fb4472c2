#include "sim/fp_units.hpp"

#include <verilated.h>

#include "Vpim_fp32_add.h"
#include "Vpim_fp_mul.h"

namespace pim {

class FpUnits::Impl {
 public:
  Impl() : ctx(std::make_unique<VerilatedContext>()) {
    ctx->fatalOnError(false);
    mul = std::make_unique<Vpim_fp_mul>(ctx.get(), "pim_fp_mul");
    add = std::make_unique<Vpim_fp32_add>(ctx.get(), "pim_fp32_add");
  }
  ~Impl() {
    mul->final();
    add->final();
  }
  std::unique_ptr<VerilatedContext> ctx;
  std::unique_ptr<Vpim_fp_mul> mul;
  std::unique_ptr<Vpim_fp32_add> add;
};

FpUnits::FpUnits() : impl_(std::make_unique<Impl>()) {}
FpUnits::~FpUnits() = default;

std::uint32_t FpUnits::mul(std::uint16_t a, std::uint16_t b, Fmt fmt) {
  impl_->mul->fmt_i = fmt == Fmt::bf16 ? 1 : 0;
  impl_->mul->a_i = a;
  impl_->mul->b_i = b;
  impl_->mul->eval();
  return impl_->mul->prod_o;
}

std::uint32_t FpUnits::add(std::uint32_t a, std::uint32_t b) {
  impl_->add->a_i = a;
  impl_->add->b_i = b;
  impl_->add->eval();
  return impl_->add->sum_o;
}

}  // namespace pim
