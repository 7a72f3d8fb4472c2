// The Verilator set-up every harness shares (docs/design.md section 1): one VerilatedContext per
// model with X randomisation (randReset(2) and a seed, so that tests can vary the values
// uninitialised state takes), fatalOnError(false) so that an RTL $error is reported by
// got_error() instead of aborting the process, and an optional FST wave file (a file that cannot
// be opened is an error, never a silent run without waves).
//
// Time base of the waves (docs/design.md section 8): timescale 1 ps, one command-clock cycle is
// kTckPs = 769 ps (tCK = 0.769 ns). Cycle c starts at c x 769 ps with its inputs applied and the
// clock low; its rising edge is at c x 769 + 384 ps. A wave cursor at the start of cycle c reads
// c x 0.769 ns, the time the report gives for c cycles (`latency_ns_per_step`, the trace's cycle).
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <typeinfo>

#include <verilated.h>
#include <verilated_fst_c.h>

#include "contracts/dram_timing.hpp"
#include "sim/rtl_coverage.hpp"

namespace pim {

template <class Model>
class VerilatedModel {
 public:
  // `name` is the model's top scope in the waves (the GTKWave save files name it).
  VerilatedModel(std::uint32_t seed, const std::string& fst_path, const char* name)
      : ctx_(std::make_unique<VerilatedContext>()) {
    ctx_->randReset(2);
    ctx_->randSeed(static_cast<int>(seed & 0x7fffffff));
    ctx_->fatalOnError(false);
    if (!fst_path.empty()) ctx_->traceEverOn(true);
    top_ = std::make_unique<Model>(ctx_.get(), name);
    if (!fst_path.empty()) {
      if constexpr (requires(Model& m, VerilatedFstC* f) { m.trace(f, 99); }) {
        fst_ = std::make_unique<VerilatedFstC>();
        top_->trace(fst_.get(), 99);
        fst_->set_time_unit("1ps");
        fst_->set_time_resolution("1ps");
        fst_->open(fst_path.c_str());
        if (!fst_->isOpen()) throw std::runtime_error("cannot write wave file '" + fst_path + "'");
      } else {
        throw std::logic_error("this Verilated model was built without waves (TRACE_FST)");
      }
    }
  }
  VerilatedModel(const VerilatedModel&) = delete;
  VerilatedModel& operator=(const VerilatedModel&) = delete;
  ~VerilatedModel() {
    if (fst_) fst_->close();
    top_->final();
    write_rtl_coverage(ctx_.get(), typeid(Model).name());
  }

  Model& top() { return *top_; }
  Model* operator->() { return top_.get(); }

  // Evaluates the inputs of cycle `cycle` (clock low) and dumps them at its start.
  void eval_cycle_start(std::uint64_t cycle) { eval_and_dump_at(cycle * kTckPs); }
  // Evaluates the rising clock edge of cycle `cycle` and dumps it (half a period in).
  void eval_rising_edge(std::uint64_t cycle) { eval_and_dump_at(cycle * kTckPs + kTckPs / 2); }
  // Evaluates the falling edge at the end of cycle `cycle` and dumps it 1 ps before the next
  // cycle starts (for a model that is not clocked every cycle: its clock shows low when idle).
  void eval_falling_edge(std::uint64_t cycle) { eval_and_dump_at(cycle * kTckPs + kTckPs - 1); }
  // Evaluates without dumping (the falling edge: its values show from the next cycle's start).
  void eval() { top_->eval(); }
  // Evaluates, dumps at the context's time and advances it by half a clock period (two calls
  // per cycle: clock low, clock high; harnesses without a cycle counter of their own).
  void eval_and_dump() {
    const std::uint64_t t = ctx_->time();
    eval_and_dump_at(t);
    ctx_->time(t + (t % kTckPs == 0 ? kTckPs / 2 : kTckPs - t % kTckPs));
  }
  // Dumps the waves at `ps` picoseconds; a time not after the last dump is not dumped again
  // (the FST's times must increase).
  void dump(std::uint64_t ps) {
    if (!fst_ || (dumped_ && ps <= last_dump_)) return;
    fst_->dump(ps);
    last_dump_ = ps;
    dumped_ = true;
  }
  bool got_error() const { return ctx_->gotError(); }

 private:
  std::unique_ptr<VerilatedContext> ctx_;
  std::unique_ptr<Model> top_;
  std::unique_ptr<VerilatedFstC> fst_;
  std::uint64_t last_dump_ = 0;
  bool dumped_ = false;

  void eval_and_dump_at(std::uint64_t ps) {
    if (ps > ctx_->time()) ctx_->time(ps);
    top_->eval();
    dump(ps);
  }
};

}  // namespace pim
