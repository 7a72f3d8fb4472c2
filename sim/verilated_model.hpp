// The Verilator set-up every harness shares (docs/design.md section 1): one VerilatedContext per
// model with X randomisation (randReset(2) and a seed, so that tests can vary the values
// uninitialised state takes), fatalOnError(false) so that an RTL $error is reported by
// got_error() instead of aborting the process, and an optional FST wave file (a file that cannot
// be opened is an error, never a silent run without waves).
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <typeinfo>

#include <verilated.h>
#include <verilated_fst_c.h>

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

  // Evaluates, dumps at the context's time and advances it by one (one half clock period).
  void eval_and_dump() {
    top_->eval();
    dump(ctx_->time());
    ctx_->timeInc(1);
  }
  // Dumps the waves at an explicit time.
  void dump(std::uint64_t time) {
    if (fst_) fst_->dump(time);
  }
  bool got_error() const { return ctx_->gotError(); }

 private:
  std::unique_ptr<VerilatedContext> ctx_;
  std::unique_ptr<Model> top_;
  std::unique_ptr<VerilatedFstC> fst_;
};

}  // namespace pim
