// One PIM MAC operation and the models that execute it (docs/design.md section 3).
//
// MacModel is the interface shared by the bit-exact golden model (GoldenMac, here) and the
// Verilated RTL (MacHarness, sim/mac_harness.hpp), so the same test or command can run on
// either and compare them bit for bit.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "contracts/pim_arith.hpp"

namespace pim {

inline constexpr int kMaxMacLanes = 16;

enum class MacMode : std::uint8_t { dot = 0, axpy = 1 };  // pim_pkg::MODE_DOT / MODE_AXPY

// Operands of one MAC operation; only the first lanes() entries of the arrays are used.
struct MacOp {
  MacMode mode = MacMode::dot;
  Fmt fmt = Fmt::fp16;
  std::uint16_t p = 0;                             // axpy scalar (input format)
  std::array<std::uint16_t, kMaxMacLanes> a{};     // bank data: key or value elements
  std::array<std::uint16_t, kMaxMacLanes> b{};     // dot: query elements (unused in axpy)
  std::array<std::uint32_t, kMaxMacLanes> acc{};   // accumulator bits (dot uses acc[0])
};

// Result bits: dot -> [0] = acc + tree(mul(a_i, b_i)), other lanes 0;
// axpy -> [i] = acc[i] + mul(p, a[i]). Lanes past lanes() are 0.
using MacResult = std::array<std::uint32_t, kMaxMacLanes>;

class MacModel {
 public:
  virtual ~MacModel() = default;
  virtual std::string_view name() const = 0;
  virtual int lanes() const = 0;
  // Executes `ops` back to back (one per cycle for a cycle-level model) and returns their
  // results in issue order.
  virtual std::vector<MacResult> run_batch(std::span<const MacOp> ops) = 0;
};

// The bit-exact golden result of one operation on a `lanes`-lane unit (power of two <= 16).
MacResult golden_mac(const MacOp& op, int lanes);

class GoldenMac final : public MacModel {
 public:
  explicit GoldenMac(int lanes = kMaxMacLanes);
  std::string_view name() const override { return "golden"; }
  int lanes() const override { return lanes_; }
  std::vector<MacResult> run_batch(std::span<const MacOp> ops) override;

 private:
  int lanes_;
};

}  // namespace pim
