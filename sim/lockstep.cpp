#include "sim/lockstep.hpp"

#include <algorithm>
#include <chrono>
#include <stdexcept>

namespace pim {
namespace {

using Clock = std::chrono::steady_clock;
double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

}  // namespace

LockstepEngine::LockstepEngine(ChannelSim& sim, Controller& ctl, std::vector<Command>& log,
                               WallTime* wall)
    : sim_(sim), ctl_(ctl), log_(log), wall_(wall) {}

void LockstepEngine::use_image(const DramImage& image, Fmt fmt) {
  sim_.set_image(image);
  has_image_ = true;
  // A channel whose results are the golden model's (the fast engine) is not compared with it.
  if (sim_.checked_against_golden()) golden_ = std::make_unique<GoldenChannel>(sim_.org(), sim_.head_dim(), fmt, image);
}

std::uint64_t LockstepEngine::next_start() const { return std::max(ctl_.next_cycle(), sim_.cycle()); }

std::uint64_t LockstepEngine::settled_start() const {
  const TimingState& ts = ctl_.timing_state();
  for (unsigned b = 0; b < sim_.org().total_banks(); ++b)
    if (ts.bank_open(b)) throw std::logic_error("lockstep engine: a row is still open between steps");
  return std::max(next_start(), ts.settled_cycle());
}

std::uint64_t LockstepEngine::settle() {
  std::uint64_t at = settled_start();
  const Timing& t = sim_.timing();
  if (!t.refresh || t.nREFI == 0) return at;
  for (;;) {
    const std::uint64_t half = t.nREFI / 2;
    const std::uint64_t aligned = at % t.nREFI <= half ? at - at % t.nREFI + half : (at / t.nREFI + 1) * t.nREFI + half;
    std::vector<Command> refs = ctl_.refresh_until(next_start(), aligned);
    if (!refs.empty()) {
      sim_.run(refs);  // no results; golden channels ignore REFAB
      log_.insert(log_.end(), refs.begin(), refs.end());
    }
    at = settled_start();
    if (at <= aligned) return aligned;
  }
}

PhaseResult LockstepEngine::run(const PhaseRequest& req, std::uint64_t start) {
  if (!has_image_) throw std::logic_error("lockstep engine: no DRAM image");
  WallTime w;
  PhaseResult r;
  auto t = Clock::now();
  const std::uint64_t from = next_start();
  std::vector<Command> refs = ctl_.refresh_until(from, std::max(start, from));
  r.sched = ctl_.schedule(req, std::max(start, next_start()));
  w.host += since(t);
  if (r.sched.cmds.empty()) throw std::logic_error("lockstep engine: empty phase");
  r.first = r.sched.cmds.front().cycle;
  if (!refs.empty()) {
    r.refreshes_before = refs.size();
    r.sched.cmds.insert(r.sched.cmds.begin(), refs.begin(), refs.end());
  }
  t = Clock::now();
  if (golden_) {
    for (const auto& c : r.sched.cmds) {
      if (auto g = golden_->step(c)) {
        sb_.expect(*g);
        r.gold.push_back(std::move(*g));
      }
    }
  }
  w.golden += since(t);
  t = Clock::now();
  r.rtl = sim_.run(r.sched.cmds);
  w.verilator += since(t);
  if (golden_) {
    for (const auto& x : r.rtl) sb_.observe(x);
  } else {
    r.gold = r.rtl;  // the channel's results are the golden model's
  }
  r.last = r.sched.cmds.back().cycle;
  for (const auto& x : r.rtl) r.last = std::max(r.last, x.cycle);
  log_.insert(log_.end(), r.sched.cmds.begin(), r.sched.cmds.end());
  if (wall_) *wall_ += w;
  return r;
}

}  // namespace pim
