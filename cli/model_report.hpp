// The report of `starcsim model` (docs/design.md section 14): per context the planned head-steps,
// the records simulated (this run's, or several shards' for --merge), and, once they cover the
// plan, the system table (host/system_estimate.hpp) next to the paper's and the artifact's
// figures (docs/design.md section 12). JSON (stable keys, README "Model-scale runs"), CSV (one row
// per context and policy) and a table on stdout.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "host/head_step_plan.hpp"
#include "host/model_preset.hpp"
#include "host/system_estimate.hpp"

namespace starc::cli {

class ModelReport {
 public:
  ModelReport(nlohmann::json config, ModelPreset model, SystemPreset system, const HeadStepPlan& plan,
              unsigned replicates, std::uint64_t seed);

  // Adds records of `context` (from `source`, a file name for --merge); the planned list must be
  // the same for every add of a context and the records distinct head-steps of it (throws
  // std::invalid_argument naming `source` otherwise).
  void add(unsigned context, const std::vector<std::size_t>& planned, const std::vector<HeadStepRecord>& recs,
           const std::string& source);
  // Computes the estimate of every context whose records cover its plan; `shard` ("I/N" or "merged"
  // or empty) and the wall time go into the report.
  void finish(const std::string& shard, double wall_s);

  std::string table() const;
  nlohmann::json json() const;
  std::string csv() const;
  // Mismatches, timing errors and trace violations over every record.
  std::uint64_t failures() const;

 private:
  struct Context {
    std::vector<std::size_t> planned;
    std::vector<HeadStepRecord> records;
    bool complete = false;
    ContextEstimate est;
  };
  nlohmann::json config_;
  ModelPreset model_;
  SystemPreset system_;
  const HeadStepPlan& plan_;
  unsigned replicates_;
  std::uint64_t seed_;
  std::map<unsigned, Context> contexts_;
  std::string shard_;
  double wall_s_ = 0;
  std::vector<std::string> policies_;
};

}  // namespace starc::cli
