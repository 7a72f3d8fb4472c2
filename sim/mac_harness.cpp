#include "sim/mac_harness.hpp"
#include "sim/verilated_model.hpp"

#include <bit>
#include <random>
#include <stdexcept>

#include <fmt/core.h>

#include "Vpim_mac.h"     // Lanes = 16
#include "Vpim_mac_l4.h"  // Lanes = 4

namespace pim {

namespace {

// Bit-field access to Verilator port types: narrow ports are integers, wide ones VlWide<N>.
// Fields never straddle a 32-bit word (16-bit fields at multiples of 16, 32-bit at 32).
template <class T>
void put_field(T& port, int lsb, int width, std::uint32_t value) {
  const std::uint64_t mask = (width == 32) ? 0xFFFFFFFFull : ((1ull << width) - 1);
  if constexpr (std::is_integral_v<T>) {
    port = static_cast<T>((static_cast<std::uint64_t>(port) & ~(mask << lsb)) |
                          ((value & mask) << lsb));
  } else {
    EData& w = port[lsb / 32];
    const int sh = lsb % 32;
    w = static_cast<EData>((w & ~(mask << sh)) | ((value & mask) << sh));
  }
}

template <class T>
std::uint32_t get_field(const T& port, int lsb, int width) {
  const std::uint64_t mask = (width == 32) ? 0xFFFFFFFFull : ((1ull << width) - 1);
  if constexpr (std::is_integral_v<T>) {
    return static_cast<std::uint32_t>((static_cast<std::uint64_t>(port) >> lsb) & mask);
  } else {
    return static_cast<std::uint32_t>((port[lsb / 32] >> (lsb % 32)) & mask);
  }
}

}  // namespace

class MacHarness::Impl {
 public:
  virtual ~Impl() = default;
  virtual void set_reset(bool active) = 0;
  virtual void drive(const MacOp* op) = 0;
  virtual std::optional<MacResult> tick() = 0;
  virtual bool got_error() const = 0;
};

namespace {

// Accumulators of each mode in the Verilated builds (-GSlots=8 -GChunks=8, sim/CMakeLists.txt):
// at least pim_pkg::mac_lat(16) = 6, so operations can issue back to back.
constexpr unsigned kAccumulators = 8;

template <class VModel, int Lanes>
class MacImpl final : public MacHarness::Impl {
 public:
  explicit MacImpl(const MacHarnessOptions& o)
      : model_(o.seed, o.fst_path, "pim_mac"), top_(&model_.top()), rng_(o.seed) {
    top_->clk_i = 0;
    top_->rst_ni = 1;
    top_->valid_i = 0;
    top_->snap_i = 0;
    top_->ld_i = 0;
    eval_and_dump();
  }

  void set_reset(bool active) override {
    top_->rst_ni = active ? 0 : 1;
    eval_and_dump();
  }

  void drive(const MacOp* op) override {
    top_->snap_i = 0;
    if (op == nullptr) {
      // Idle cycle: valid_i and ld_i low, garbage on every data input (it must not reach a
      // result).
      top_->valid_i = 0;
      top_->ld_i = 0;
      top_->mode_i = rng_() & 1;
      top_->fmt_i = rng_() & 1;
      top_->sel_i = rng_() % kAccumulators;
      top_->ld_mode_i = rng_() & 1;
      top_->ld_sel_i = rng_() % kAccumulators;
      top_->p_i = static_cast<std::uint16_t>(rng_());
      for (int i = 0; i < Lanes; ++i) {
        put_field(top_->a_i, 16 * i, 16, rng_());
        put_field(top_->b_i, 16 * i, 16, rng_());
        put_field(top_->ld_acc_i, 32 * i, 32, rng_());
      }
      return;
    }
    // The operation accumulates into accumulator `sel` of its mode, loaded with op->acc in
    // the same cycle through the load port. sel runs round the kAccumulators >= mac_lat
    // accumulators, so an accumulator is loaded again only after its previous operation's
    // result has been read.
    const unsigned mode = op->mode == MacMode::axpy ? 1 : 0;
    const unsigned sel = next_sel_;
    next_sel_ = (next_sel_ + 1) % kAccumulators;
    top_->valid_i = 1;
    top_->mode_i = mode;
    top_->fmt_i = op->fmt == Fmt::bf16 ? 1 : 0;
    top_->sel_i = sel;
    top_->p_i = op->p;
    top_->ld_i = 1;
    top_->ld_mode_i = mode;
    top_->ld_sel_i = sel;
    for (int i = 0; i < Lanes; ++i) {
      put_field(top_->a_i, 16 * i, 16, op->a[i]);
      put_field(top_->b_i, 16 * i, 16, op->b[i]);
      put_field(top_->ld_acc_i, 32 * i, 32, op->acc[i]);
    }
  }

  std::optional<MacResult> tick() override {
    top_->clk_i = 1;
    eval_and_dump();
    std::optional<MacResult> res;
    if (top_->done_o) {
      // The accumulator named by done_mode_o / done_sel_o holds the operation's result.
      MacResult r{};
      const int sel = static_cast<int>(top_->done_sel_o);
      if (top_->done_mode_o) {
        for (int i = 0; i < Lanes; ++i) r[i] = get_field(top_->acc_axpy_o, 32 * (sel * Lanes + i), 32);
      } else {
        r[0] = get_field(top_->acc_dot_o, 32 * sel, 32);
      }
      res = r;
    }
    top_->clk_i = 0;
    eval_and_dump();
    return res;
  }

  bool got_error() const override { return model_.got_error(); }

 private:
  void eval_and_dump() { model_.eval_and_dump(); }

  VerilatedModel<VModel> model_;
  VModel* top_;
  std::mt19937 rng_;
  unsigned next_sel_ = 0;
};

}  // namespace

MacHarness::MacHarness(const MacHarnessOptions& options) : lanes_(options.lanes) {
  switch (options.lanes) {
    case 16:
      impl_ = std::make_unique<MacImpl<Vpim_mac, 16>>(options);
      break;
    case 4:
      impl_ = std::make_unique<MacImpl<Vpim_mac_l4, 4>>(options);
      break;
    default:
      throw std::invalid_argument(fmt::format(
          "MAC lanes {}: only the 16-lane and 4-lane pim_mac builds are Verilated", options.lanes));
  }
  name_ = fmt::format("rtl{}", lanes_);
  reset();
}

MacHarness::~MacHarness() = default;

int MacHarness::latency() const { return 2 + std::countr_zero(static_cast<unsigned>(lanes_)); }

void MacHarness::reset() {
  impl_->drive(nullptr);
  impl_->set_reset(true);
  for (int i = 0; i < 2; ++i) {
    impl_->tick();
    ++cycles_;
  }
  impl_->set_reset(false);
}

std::optional<MacResult> MacHarness::cycle(const MacOp* op) {
  impl_->drive(op);
  ++cycles_;
  return impl_->tick();
}

std::vector<MacResult> MacHarness::run_batch(std::span<const MacOp> ops) {
  return run_batch(ops, {});
}

std::vector<MacResult> MacHarness::run_batch(std::span<const MacOp> ops,
                                             std::span<const int> idle_before) {
  if (!idle_before.empty() && idle_before.size() != ops.size()) {
    throw std::invalid_argument("run_batch: idle_before must have one entry per operation");
  }
  std::vector<MacResult> out;
  out.reserve(ops.size());
  auto collect = [&](std::optional<MacResult> r) {
    if (r) out.push_back(*r);
  };
  for (std::size_t k = 0; k < ops.size(); ++k) {
    for (int i = 0; !idle_before.empty() && i < idle_before[k]; ++i) collect(cycle(nullptr));
    collect(cycle(&ops[k]));
  }
  // Drain: a bounded number of idle cycles (a lost result shows up as a short output).
  for (int i = 0; i < latency() + 2 && out.size() < ops.size(); ++i) collect(cycle(nullptr));
  return out;
}

bool MacHarness::got_error() const { return impl_->got_error(); }

}  // namespace pim
