// VerilatedCentroidMatchPins<VModel>: CentroidMatchPins over one Verilated centroid_match
// build. Included only by the per-build factory files (centroid_match_s16.cpp, _s256.cpp).
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>


#include "sim/centroid_match_harness.hpp"
#include "sim/verilated_model.hpp"

namespace pim {

template <class VModel, int MaxSel, int MaxClusters>
class VerilatedCentroidMatchPins final : public CentroidMatchPins {
 public:
  explicit VerilatedCentroidMatchPins(const CentroidMatchOptions& o)
      : model_(o.seed, o.fst_path, "centroid_match"), top_(&model_.top()) {
    top_->clk_i = 0;
    top_->rst_ni = 1;
    top_->start_i = 0;
    top_->resume_i = 0;
    top_->in_valid_i = 0;
    model_.eval();
  }

  int max_sel() const override { return MaxSel; }
  int max_clusters() const override { return MaxClusters; }
  void set_reset(bool active) override {
    top_->rst_ni = active ? 0 : 1;
    model_.eval();  // shows in the waves from the next cycle's start
  }
  void set_cycle(std::uint64_t cycle) override { cycle_ = std::max(cycle_, cycle); }
  CentroidMatchOut cycle(const CentroidMatchIn& in) override {
    top_->start_i = in.start;
    top_->budget_i = in.budget;
    top_->resume_i = in.resume;
    top_->in_valid_i = in.valid;
    top_->in_last_i = in.last;
    top_->in_id_i = in.id;
    top_->in_score_i = in.score;
    top_->in_size_i = in.size;
    model_.eval_cycle_start(cycle_);
    top_->clk_i = 1;
    model_.eval_rising_edge(cycle_);
    top_->clk_i = 0;
    model_.eval_falling_edge(cycle_);  // the unit idles between selections: show its clock low
    ++cycle_;
    CentroidMatchOut out;
    out.ready = top_->ready_o;
    out.valid = top_->out_valid_o;
    out.last = top_->out_last_o;
    out.id = static_cast<std::uint32_t>(top_->out_id_o);
    out.take = static_cast<std::uint8_t>(top_->out_take_o);
    out.done = top_->done_o;
    out.budget_met = top_->budget_met_o;
    out.s_limit = top_->s_limit_o;
    return out;
  }
  bool got_error() const override { return model_.got_error(); }

 private:
  VerilatedModel<VModel> model_;
  VModel* top_;
  std::uint64_t cycle_ = 0;  // of the next cycle(): its time in the waves (verilated_model.hpp)
};

}  // namespace pim
