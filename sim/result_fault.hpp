// Fault injection for end-to-end tests of the checks (STYLE.md: a checker never seen failing is
// not known to work): a ChannelSim that forwards everything to a real channel but flips bit 0
// of word 0 of the n-th MVSB result (1-based, counted over the whole run) it returns, as a
// broken RTL datapath would. `starcsim run --fault-flip-result N` (a hidden flag) uses it, so
// that a test can see the scoreboard report the mismatch and the run exit non-zero.
#pragma once

#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "sim/channel_sim.hpp"

namespace pim {

class ResultBitFlip final : public ChannelSim {
 public:
  ResultBitFlip(std::unique_ptr<ChannelSim> inner, std::uint64_t nth) : inner_(std::move(inner)), nth_(nth) {}
  const Org& org() const override { return inner_->org(); }
  unsigned head_dim() const override { return inner_->head_dim(); }
  const Timing& timing() const override { return inner_->timing(); }
  unsigned result_latency() const override { return inner_->result_latency(); }
  void set_image(const DramImage& image) override { inner_->set_image(image); }
  std::vector<MvsbResult> run(const std::vector<Command>& cmds) override {
    std::vector<MvsbResult> out = inner_->run(cmds);
    for (auto& r : out)
      if (++seen_ == nth_ && !r.words.empty()) r.words[0] ^= 1u;
    return out;
  }
  std::uint64_t cycle() const override { return inner_->cycle(); }
  std::uint32_t timing_error_count() const override { return inner_->timing_error_count(); }
  std::uint32_t timing_error_mask() const override { return inner_->timing_error_mask(); }

 private:
  std::unique_ptr<ChannelSim> inner_;
  std::uint64_t nth_, seen_ = 0;
};

}  // namespace pim
