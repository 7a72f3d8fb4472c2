#include "sim/fast_channel.hpp"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

#include "host/golden_channel.hpp"
#include "host/timing_state.hpp"

namespace pim {
namespace {

class FastChannel final : public ChannelSim {
 public:
  FastChannel(const Org& org, const Timing& timing, const ChannelSimOptions& opt)
      : org_(org), head_dim_(opt.head_dim), timing_(timing), fmt_(opt.fmt) {
    if (!opt.waves.empty())
      throw std::invalid_argument(fmt::format("{}: the fast engine writes no waves (use the RTL engine)", opt.waves));
    timing_.refresh = opt.refresh;
    // The D the RTL channel's mode register takes (docs/design.md section 2): 64, 128 or 256.
    check_head_dim(head_dim_);
    checker_ = std::make_unique<TimingState>(org_, timing_);
  }

  const Org& org() const override { return org_; }
  unsigned head_dim() const override { return head_dim_; }
  const Timing& timing() const override { return timing_; }
  unsigned result_latency() const override { return mvsb_result_latency(org_); }
  bool checked_against_golden() const override { return false; }

  void set_image(const DramImage& image) override {
    golden_ = std::make_unique<GoldenChannel>(org_, head_dim_, fmt_, image);
  }
  void inject(FaultPlan* plan) override {
    if (plan != nullptr) throw std::invalid_argument("the fast engine injects no faults (use the RTL engine)");
  }
  std::uint64_t cycle() const override { return cycle_; }
  std::uint32_t timing_error_count() const override { return errors_; }
  std::uint32_t timing_error_mask() const override { return mask_; }

  std::vector<MvsbResult> run(const std::vector<Command>& cmds) override {
    if (!golden_) throw std::logic_error("ChannelSim::run without a DRAM image");
    std::vector<MvsbResult> out;
    std::uint64_t end = cycle_;
    for (const Command& c : cmds) {
      if (c.cycle < cycle_) throw std::invalid_argument(fmt::format("command at cycle {} is in the past (now {})", c.cycle, cycle_));
      if (const std::uint32_t broken = checker_->check(c, c.cycle); broken != 0) {
        ++errors_;
        mask_ |= broken;
      }
      checker_->apply(c, c.cycle);
      cycle_ = c.cycle + 1;
      end = std::max(end, cycle_);
      if (auto r = golden_->step(c)) {
        r->cycle = c.cycle + result_latency();
        end = std::max(end, r->cycle);
        out.push_back(std::move(*r));
      }
    }
    cycle_ = end;
    return out;
  }

 private:
  Org org_;
  unsigned head_dim_;
  Timing timing_;
  Fmt fmt_;
  std::unique_ptr<GoldenChannel> golden_;
  std::unique_ptr<TimingState> checker_;
  std::uint64_t cycle_ = 0;
  std::uint32_t errors_ = 0, mask_ = 0;
};

}  // namespace

std::unique_ptr<ChannelSim> make_fast_channel(const Org& org, const Timing& timing, const ChannelSimOptions& opt) {
  return std::make_unique<FastChannel>(org, timing, opt);
}

}  // namespace pim
