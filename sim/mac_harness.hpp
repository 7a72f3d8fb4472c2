// MacHarness: the Verilated pim_mac (rtl/pim_mac.sv) behind the MacModel interface.
//
// Owns its VerilatedContext (X randomisation: randReset(2) with a seed; fatalOnError(false),
// so an RTL assertion is reported by got_error() instead of ending the process), the clock
// and reset, and optional FST tracing. Operations are issued one per cycle; results come back
// in issue order after latency() cycles. pim_mac keeps its accumulators inside (as in a bank):
// each operation's accumulator operand is written through the unit's load port into one of its
// accumulators in the issue cycle, and the result is read from that accumulator when done_o
// names it. Two builds exist: 16 lanes (the bank unit) and 4 lanes (for tests).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "host/mac_model.hpp"

namespace pim {

struct MacHarnessOptions {
  int lanes = kMaxMacLanes;  // 16 or 4 (the Verilated builds)
  std::uint32_t seed = 1;    // X-randomisation seed (initial flop values, idle-cycle inputs)
  std::string fst_path;      // empty: no waves
};

class MacHarness final : public MacModel {
 public:
  explicit MacHarness(const MacHarnessOptions& options = {});
  ~MacHarness() override;
  MacHarness(const MacHarness&) = delete;
  MacHarness& operator=(const MacHarness&) = delete;

  std::string_view name() const override { return name_; }
  int lanes() const override { return lanes_; }
  // Pipeline latency in cycles: pim_pkg::mac_lat(lanes) = 2 + log2(lanes).
  int latency() const;

  // Holds rst_ni low for two cycles with valid_i low; the pipeline is then empty.
  void reset();
  // One clock cycle: drives `op` (nullptr: valid_i low and random data on the other inputs),
  // applies the rising edge and returns the result that valid_o presents after it, if any.
  std::optional<MacResult> cycle(const MacOp* op);
  // Issues `ops` back to back, one per cycle, drains the pipeline, returns results in order.
  std::vector<MacResult> run_batch(std::span<const MacOp> ops) override;
  // Same, with idle_before[k] idle cycles (valid_i low) before op k.
  std::vector<MacResult> run_batch(std::span<const MacOp> ops, std::span<const int> idle_before);

  std::uint64_t cycles() const { return cycles_; }
  // True once an RTL assertion ($error) fired.
  bool got_error() const;

  class Impl;

 private:
  std::unique_ptr<Impl> impl_;
  int lanes_;
  std::string name_;
  std::uint64_t cycles_ = 0;
};

}  // namespace pim
