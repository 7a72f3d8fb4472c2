#include "sim/fast_centroid_match.hpp"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

namespace pim {

FastCentroidMatch::FastCentroidMatch(int max_sel, int max_clusters, int in_width)
    : max_sel_(max_sel), max_clusters_(max_clusters), in_width_(in_width) {
  if (max_sel < 2 || max_clusters < 1 || in_width < 1 || in_width > max_sel)
    throw std::invalid_argument(fmt::format("centroid_match model: MaxSel {} MaxClusters {} InWidth {} (need MaxSel "
                                            ">= 2, MaxClusters >= 1, 1 <= InWidth <= MaxSel)",
                                            max_sel, max_clusters, in_width));
}

std::uint64_t FastCentroidMatch::last_entry_cycle(std::size_t count, std::span<const std::uint64_t> ready) const {
  const auto w = static_cast<std::uint64_t>(in_width_);
  if (ready.empty()) return (count + w - 1) / w - 1;
  std::uint64_t t = 0, used = 0;  // the cycle being filled and its lanes taken
  for (std::size_t k = 0; k < count; ++k) {
    if (ready[k] > t) {
      t = ready[k];
      used = 0;
    } else if (used == w) {
      ++t;
      used = 0;
    }
    ++used;
  }
  return t;
}

CentroidMatchPassesRun FastCentroidMatch::select_passes(std::span<const CentroidEntry> entries, std::uint32_t budget,
                                                        std::span<const std::uint64_t> ready) {
  // The Verilated harness's checks on its inputs, with its messages.
  if (entries.empty() || entries.size() > static_cast<std::size_t>(max_clusters_))
    throw std::invalid_argument(
        fmt::format("centroid_match: stream of {} entries (1..{})", entries.size(), max_clusters_));
  if (!ready.empty() && ready.size() != entries.size())
    throw std::invalid_argument("centroid_match: ready must have one cycle per entry");
  for (std::size_t k = 0; k < ready.size(); ++k)
    if ((k == 0 && ready[0] != 0) || (k > 0 && ready[k] < ready[k - 1]))
      throw std::invalid_argument("centroid_match: ready cycles must start at 0 and not decrease");
  CentroidMatchPassesRun all;
  const std::vector<CentroidSelection> passes = select_centroid_passes(entries, budget, max_sel_);
  for (std::size_t p = 0; p < passes.size(); ++p) {
    CentroidMatchRun run;
    run.selection = passes[p];
    const std::uint64_t last = last_entry_cycle(entries.size(), p == 0 ? ready : std::span<const std::uint64_t>{});
    const std::uint64_t n = std::max<std::uint64_t>(run.selection.clusters.size(), 1);
    run.stream_cycles = last + 1;
    run.cycles = last + n + 2;
    all.cycles += run.cycles - (p == 0 ? 0 : 1);
    all.passes.push_back(std::move(run));
  }
  all.selection = merge_passes(passes);
  return all;
}

}  // namespace pim
