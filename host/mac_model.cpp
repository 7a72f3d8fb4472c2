#include "host/mac_model.hpp"

#include <bit>
#include <stdexcept>
#include <string>

namespace pim {

namespace {

void check_lanes(int lanes) {
  if (lanes < 1 || lanes > kMaxMacLanes || !std::has_single_bit(static_cast<unsigned>(lanes))) {
    throw std::invalid_argument("MAC lane count " + std::to_string(lanes) +
                                " is not a power of two between 1 and " +
                                std::to_string(kMaxMacLanes));
  }
}

}  // namespace

MacResult golden_mac(const MacOp& op, int lanes) {
  check_lanes(lanes);
  const auto n = static_cast<std::size_t>(lanes);
  MacResult res{};
  if (op.mode == MacMode::dot) {
    res[0] = bits_of(dot(float_of(op.acc[0]), std::span(op.a).first(n), std::span(op.b).first(n),
                         op.fmt));
  } else {
    std::array<float, kMaxMacLanes> acc{};
    for (std::size_t i = 0; i < n; ++i) acc[i] = float_of(op.acc[i]);
    axpy(std::span(acc).first(n), op.p, std::span(op.a).first(n), op.fmt);
    for (std::size_t i = 0; i < n; ++i) res[i] = bits_of(acc[i]);
  }
  return res;
}

GoldenMac::GoldenMac(int lanes) : lanes_(lanes) { check_lanes(lanes); }

std::vector<MacResult> GoldenMac::run_batch(std::span<const MacOp> ops) {
  std::vector<MacResult> out;
  out.reserve(ops.size());
  for (const MacOp& op : ops) out.push_back(golden_mac(op, lanes_));
  return out;
}

}  // namespace pim
