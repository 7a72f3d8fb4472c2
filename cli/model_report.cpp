#include "cli/model_report.hpp"

#include <algorithm>
#include <set>
#include <stdexcept>

#include <fmt/format.h>

namespace starc::cli {
namespace {

constexpr double kTckUs = 0.769e-3;

// docs/design.md section 12 (paper: B = 1024 on its HBM-PIM system; artifact: LLaMA-7B).
struct Reference {
  const char* paper;
  const char* artifact;
};
Reference reference_for(const std::string& other, unsigned context) {
  if (other == "dense") {
    const char* energy = context == 16384 ? "energy 82.8%" : context == 24576 ? "energy 87.2%" : context == 32768 ? "energy 89.6%" : "energy 82.8-89.6% (16K-32K)";
    static std::string s;
    s = fmt::format("latency 85-92% (16K-32K), {} (batch 16)", energy);
    return {"latency 54-74%, energy 45-67%", s.c_str()};
  }
  if (other == "tokenwise") return {"latency 19-31%, energy 19-27%", "latency about 60% (SparQ)"};
  if (other == "quest") return {"-", "latency about -58% (STARC slower: ceil(B/16) rows, ~98 for STARC vs 64)"};
  return {"-", "-"};
}

std::string pct(const Spread& s, bool exact) {
  return exact ? fmt::format("{:.1f}%", 100 * s.mean)
               : fmt::format("{:.1f}% [{:.1f} .. {:.1f}]", 100 * s.mean, 100 * s.lo, 100 * s.hi);
}
std::string num(const Spread& s, bool exact, double scale = 1.0, int prec = 0) {
  return exact ? fmt::format("{:.{}f}", s.mean * scale, prec)
               : fmt::format("{:.{}f} [{:.{}f} .. {:.{}f}]", s.mean * scale, prec, s.lo * scale, prec, s.hi * scale, prec);
}

}  // namespace

ModelReport::ModelReport(nlohmann::json config, ModelPreset model, SystemPreset system, const HeadStepPlan& plan,
                         unsigned replicates, std::uint64_t seed)
    : config_(std::move(config)), model_(std::move(model)), system_(std::move(system)), plan_(plan),
      replicates_(replicates), seed_(seed) {
  policies_ = config_.at("policies").get<std::vector<std::string>>();
}

void ModelReport::add(unsigned context, const std::vector<std::size_t>& planned, const std::vector<HeadStepRecord>& recs,
                      const std::string& source) {
  Context& c = contexts_[context];
  const std::string from = source.empty() ? "" : source + ": ";
  if (c.planned.empty()) c.planned = planned;
  else if (c.planned != planned)
    throw std::invalid_argument(fmt::format("--merge: {}context {} planned other head-steps", from, context));
  std::set<std::size_t> have;
  for (const auto& r : c.records) have.insert(r.index);
  const std::set<std::size_t> plan(planned.begin(), planned.end());
  for (const auto& r : recs) {
    if (r.context != context || !plan.count(r.index))
      throw std::invalid_argument(fmt::format("--merge: {}head-step {} is not in the plan of context {}", from, r.index, context));
    if (!have.insert(r.index).second)
      throw std::invalid_argument(fmt::format("--merge: {}head-step {} of context {} given twice", from, r.index, context));
    c.records.push_back(r);
  }
}

void ModelReport::finish(const std::string& shard, double wall_s) {
  shard_ = shard;
  wall_s_ = wall_s;
  for (auto& [ctx, c] : contexts_) {
    // Index order, whatever order the shards came in (sums in one order: the same bits).
    std::sort(c.records.begin(), c.records.end(),
              [](const HeadStepRecord& x, const HeadStepRecord& y) { return x.index < y.index; });
    c.complete = c.records.size() == c.planned.size() && !c.records.empty();
    if (c.complete) c.est = estimate(plan_, c.records, policies_, replicates_, seed_ ^ ctx);
  }
}

std::uint64_t ModelReport::failures() const {
  std::uint64_t n = 0;
  for (const auto& [ctx, c] : contexts_)
    for (const auto& r : c.records) {
      n += r.rtl_mismatches + r.cmatch_mismatches + r.rtl_timing_errors + r.engine_mismatches;
      for (const auto& [p, f] : r.policies) n += f.trace_violations + f.timing_errors;
    }
  return n;
}

std::string ModelReport::table() const {
  std::string out;
  out += fmt::format("model {} ({} layers, {} query heads, {} KV heads, D = {}), system {} ({} stacks x {} channels = {} "
                     "channels, {} channel, mapping {}), batch {}, budget {}\n",
                     model_.name, model_.layers, model_.query_heads, model_.kv_heads, model_.head_dim, system_.name,
                     system_.stacks(), system_.channels_per_stack, system_.channels(), system_.channel, system_.mapping,
                     config_.at("batch").get<unsigned>(), config_.at("budget").get<unsigned>());
  out += fmt::format("head-steps per decode step: {} ({} per layer on {} busy channels, at most {} per channel); ",
                     plan_.size(), plan_.ops_per_layer(), plan_.busy_channels(), plan_.max_ops_per_channel());
  out += model_.group() > 1
             ? fmt::format("grouped-query attention: each KV head's {} query heads run one after another on the channel "
                           "holding that KV head (KV stored once, read once per query head)\n",
                           model_.group())
             : "multi-head attention: one query head per KV head\n";
  for (const auto& [ctx, c] : contexts_) {
    if (!c.complete) {
      out += fmt::format("\ncontext {}: {} of {} planned head-steps in this report (shard {}): no system table; combine the "
                         "shards with `starcsim model --merge`\n",
                         ctx, c.records.size(), c.planned.size(), shard_);
      continue;
    }
    const ContextEstimate& e = c.est;
    out += fmt::format("\ncontext {}: {} of {} head-steps simulated{}\n", ctx, e.simulated, e.total,
                       e.exact ? " (exact)"
                               : fmt::format(" (uniform sample; figures: mean [5% .. 95%] over {} replicates, each a "
                                             "resample of the simulated head-steps filling every head-step of the step)",
                                             e.replicates));
    out += fmt::format("  {:<10} {:<34} {:<26} {:<22} {:<22} {:<34} {:<28} {}\n", "policy", "attention latency/step (cycles)",
                       "(us)", "slowest channel", "mean channel", "energy/step (uJ, attacc)", "row activations", "recall");
    for (const auto& p : policies_) {
      const PolicyEstimate& pe = e.policies.at(p);
      out += fmt::format("  {:<10} {:<34} {:<26} {:<22} {:<22} {:<34} {:<28} {:.4f}\n", p, num(pe.latency, e.exact),
                         num(pe.latency, e.exact, kTckUs, 1), num(pe.slowest, e.exact), num(pe.mean, e.exact),
                         num(pe.energy_pj, e.exact, 1e-6, 1), num(pe.activations, e.exact), pe.recall);
    }
    for (const auto& [other, r] : e.latency_reduction) {
      const Reference ref = reference_for(other, ctx);
      out += fmt::format("  STARC vs {:<9}: latency {}, energy {} | paper: {} | artifact: {}\n", other, pct(r, e.exact),
                         pct(e.energy_reduction.at(other), e.exact), ref.paper, ref.artifact);
    }
    out += fmt::format("  checks: trace violations {}, fast-engine timing errors {}; RTL co-simulated head-steps {}: {} values "
                       "compared, {} mismatches, {} centroid-match mismatches, {} RTL timing errors; fast vs RTL: {} items "
                       "checked, {} mismatches\n",
                       e.trace_violations, e.timing_errors, e.rtl_head_steps, e.rtl_compared, e.rtl_mismatches,
                       e.cmatch_mismatches, e.rtl_timing_errors, e.engine_checked, e.engine_mismatches);
  }
  out += fmt::format("(wall {:.1f} s; reference figures: docs/design.md section 12)\n", wall_s_);
  return out;
}

nlohmann::json ModelReport::json() const {
  nlohmann::json j;
  j["command"] = "model";
  j["config"] = config_;
  j["shard"] = shard_;
  j["wall_s"] = wall_s_;
  j["engine"] = "fast (sim/fast_channel.hpp: golden channel + result timing + timing checker; sim/fast_centroid_match.hpp), "
                "a sample co-simulated on the Verilated RTL";
  j["gqa"] = model_.group() > 1 ? fmt::format("each KV head's {} query heads run one after another on its channel",
                                              model_.group())
                                : "multi-head attention";
  j["mapping"] = {{"head_steps", plan_.size()}, {"ops_per_layer", plan_.ops_per_layer()},
                  {"busy_channels", plan_.busy_channels()}, {"max_ops_per_channel", plan_.max_ops_per_channel()}};
  j["contexts"] = nlohmann::json::array();
  for (const auto& [ctx, c] : contexts_) {
    nlohmann::json cj = {{"context", ctx}, {"planned", c.planned}, {"complete", c.complete}};
    cj["head_steps"] = nlohmann::json::array();
    for (const auto& r : c.records) cj["head_steps"].push_back(to_json(r));
    if (c.complete) {
      cj["estimate"] = to_json(c.est);
      for (const auto& [other, r] : c.est.latency_reduction) {
        const Reference ref = reference_for(other, ctx);
        cj["estimate"]["starc_vs"][other]["paper"] = ref.paper;
        cj["estimate"]["starc_vs"][other]["artifact"] = ref.artifact;
      }
    }
    j["contexts"].push_back(cj);
  }
  return j;
}

std::string ModelReport::csv() const {
  std::string out =
      "context,policy,exact,simulated,total,latency_cycles,latency_lo,latency_hi,latency_us,slowest_channel_cycles,"
      "mean_channel_cycles,energy_attacc_pj,energy_lo,energy_hi,activations,recall,starc_latency_reduction,"
      "starc_latency_reduction_lo,starc_latency_reduction_hi,starc_energy_reduction\n";
  for (const auto& [ctx, c] : contexts_) {
    if (!c.complete) continue;
    const ContextEstimate& e = c.est;
    for (const auto& p : policies_) {
      const PolicyEstimate& pe = e.policies.at(p);
      const auto lr = e.latency_reduction.find(p);
      const bool has = lr != e.latency_reduction.end();
      out += fmt::format("{},{},{},{},{},{:.1f},{:.1f},{:.1f},{:.3f},{:.1f},{:.1f},{:.1f},{:.1f},{:.1f},{:.1f},{:.6f},{},{},{},{}\n", ctx,
                         p, e.exact ? 1 : 0, e.simulated, e.total, pe.latency.mean, pe.latency.lo, pe.latency.hi,
                         pe.latency.mean * kTckUs, pe.slowest.mean, pe.mean.mean, pe.energy_pj.mean, pe.energy_pj.lo,
                         pe.energy_pj.hi, pe.activations.mean, pe.recall, has ? fmt::format("{:.6f}", lr->second.mean) : "",
                         has ? fmt::format("{:.6f}", lr->second.lo) : "", has ? fmt::format("{:.6f}", lr->second.hi) : "",
                         has ? fmt::format("{:.6f}", e.energy_reduction.at(p).mean) : "");
    }
  }
  return out;
}

}  // namespace starc::cli
