#include "sim/centroid_match_harness.hpp"

#include <stdexcept>

#include <fmt/core.h>

namespace pim {

namespace {

std::uint64_t splitmix(std::uint64_t& s) {
  std::uint64_t z = (s += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

}  // namespace

CentroidMatchHarness::CentroidMatchHarness(std::unique_ptr<CentroidMatchPins> pins,
                                           std::uint32_t seed)
    : pins_(std::move(pins)), rng_(seed) {
  if (!pins_) throw std::invalid_argument("CentroidMatchHarness: no pins");
  reset();
}

void CentroidMatchHarness::reset() {
  pins_->set_reset(true);
  step(idle_inputs());
  step(idle_inputs());
  pins_->set_reset(false);
  step(idle_inputs());
}

CentroidMatchIn CentroidMatchHarness::idle_inputs() {
  // Valid and start low; every other input random (the unit must ignore them).
  const std::uint64_t r = splitmix(rng_);
  CentroidMatchIn in;
  in.budget = static_cast<std::uint32_t>(r) & 0x1FFFFFu;
  in.last = (r >> 21) & 1u;
  in.resume = (r >> 22) & 1u;
  for (auto& lane : in.lanes) {
    const std::uint64_t r2 = splitmix(rng_);
    lane.id = static_cast<std::uint32_t>(r2 >> 40) & 0xFFFFFu;
    lane.score = static_cast<std::uint32_t>(r2);
    lane.size = static_cast<std::uint8_t>((r2 >> 33) & 0x7Fu);
  }
  return in;
}

CentroidMatchOut CentroidMatchHarness::step(const CentroidMatchIn& in) {
  out_ = pins_->cycle(in);
  ++cycles_;
  return out_;
}

CentroidMatchRun CentroidMatchHarness::select(std::span<const CentroidEntry> entries,
                                              std::uint32_t budget, std::span<const std::uint64_t> ready,
                                              int lead, bool resume) {
  if (entries.empty() || entries.size() > static_cast<std::size_t>(max_clusters())) {
    throw std::invalid_argument(fmt::format("centroid_match: stream of {} entries (1..{})",
                                            entries.size(), max_clusters()));
  }
  if (!ready.empty() && ready.size() != entries.size()) {
    throw std::invalid_argument("centroid_match: ready must have one cycle per entry");
  }
  for (std::size_t k = 0; k < ready.size(); ++k) {
    if ((k == 0 && ready[0] != 0) || (k > 0 && ready[k] < ready[k - 1]))
      throw std::invalid_argument("centroid_match: ready cycles must start at 0 and not decrease");
  }
  if (!out_.ready) throw std::runtime_error("centroid_match: ready_o low before start");

  CentroidMatchRun run;
  bool done = false;
  // t: index of the cycle being driven, 0 = the first entry's cycle; the outputs returned by a
  // step are those presented in cycle t + 1.
  std::int64_t t = -static_cast<std::int64_t>(lead);
  bool started = false;
  auto drive = [&](CentroidMatchIn in, bool stream_over) {
    if (!started) {
      in.start = true;
      in.budget = budget;
      in.resume = resume;
      started = true;
    }
    const CentroidMatchOut o = step(in);
    if (o.valid) {
      if (!stream_over) throw std::runtime_error("centroid_match: output during the stream");
      run.selection.clusters.push_back({o.id, o.take});
    }
    if (o.last != (o.valid && o.done)) {
      throw std::runtime_error("centroid_match: out_last_o without done_o or vice versa");
    }
    if (o.ready != o.done) {
      throw std::runtime_error("centroid_match: ready_o must stay low until done_o");
    }
    if (o.done) {
      done = true;
      run.cycles = static_cast<std::uint64_t>(t + 2);
      run.selection.budget_met = o.budget_met;
      run.selection.s_limit_hit = o.s_limit;
    }
    ++t;
  };

  for (int k = 0; k < lead; ++k) drive(idle_inputs(), false);
  const auto width = static_cast<std::size_t>(in_width());
  std::size_t next = 0;
  while (next < entries.size()) {
    CentroidMatchIn in = idle_inputs();
    const auto now = static_cast<std::uint64_t>(t);
    for (std::size_t lane = 0; lane < width && next < entries.size(); ++lane) {
      if (!ready.empty() && ready[next] > now) break;
      in.lanes[lane] = {true, entries[next].id, entries[next].score_bits, entries[next].size};
      ++next;
    }
    const bool any = in.lanes[0].valid;
    if (!any) {
      for (auto& lane : in.lanes) lane.valid = false;
      drive(in, false);
      continue;
    }
    in.last = next == entries.size();
    run.stream_cycles = static_cast<std::uint64_t>(t + 1);
    drive(in, in.last);
    if (done) throw std::runtime_error("centroid_match: done_o during the stream");
  }
  const std::int64_t limit = t + max_sel() + 16;
  while (!done) {
    if (t > limit) {
      throw std::runtime_error(fmt::format("centroid_match: no done_o within {} cycles", limit));
    }
    drive(idle_inputs(), true);
  }
  if (plan_ != nullptr && !run.selection.clusters.empty() && plan_->hit(FaultKind::cmatch)) {
    SelectedCluster& c = run.selection.clusters.front();
    plan_->what = fmt::format("changed the first pick of centroid-match pass {} from cluster {} to {}",
                              plan_->occurrence, c.id, c.id ^ 1u);
    c.id ^= 1u;
  }
  return run;
}

CentroidMatchPassesRun CentroidMatchHarness::select_passes(std::span<const CentroidEntry> entries,
                                                           std::uint32_t budget,
                                                           std::span<const std::uint64_t> ready) {
  CentroidMatchPassesRun all;
  std::uint32_t remaining = budget;
  while (true) {
    const bool first = all.passes.empty();
    all.passes.push_back(select(entries, remaining, first ? ready : std::span<const std::uint64_t>{}, 0, !first));
    const CentroidMatchRun& p = all.passes.back();
    all.cycles += p.cycles - (first ? 0 : 1);  // each later pass starts in the previous done cycle
    if (!p.selection.s_limit_hit) break;
    std::uint32_t taken = 0;
    for (const SelectedCluster& c : p.selection.clusters) taken += c.take;
    if (p.selection.clusters.empty() || taken >= remaining) {
      throw std::runtime_error("centroid_match: s_limit_o after an empty or budget-meeting pass");
    }
    remaining -= taken;
  }
  std::vector<CentroidSelection> sels;
  for (const auto& p : all.passes) sels.push_back(p.selection);
  all.selection = merge_passes(sels);
  return all;
}

}  // namespace pim
