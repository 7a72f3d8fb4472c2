#include "host/system_estimate.hpp"

#include <algorithm>
#include <random>
#include <stdexcept>

#include <fmt/format.h>

namespace starc {
namespace {

Spread spread_of(std::vector<double> v) {
  Spread s;
  if (v.empty()) return s;
  double sum = 0;
  for (double x : v) sum += x;
  s.mean = sum / static_cast<double>(v.size());
  std::sort(v.begin(), v.end());
  auto at = [&](double q) { return v[static_cast<std::size_t>(q * static_cast<double>(v.size() - 1) + 0.5)]; };
  s.lo = at(0.05);
  s.hi = at(0.95);
  return s;
}

nlohmann::json spread_json(const Spread& s) { return {{"mean", s.mean}, {"lo", s.lo}, {"hi", s.hi}}; }

// One decode step's figures for every policy from `pick(layer, op)` (the record of that op).
struct StepFigures {
  std::vector<double> latency, slowest, mean, energy, energy_act, acts;
};

template <class Pick>
StepFigures step_figures(const HeadStepPlan& plan, const std::vector<std::string>& policies, Pick pick) {
  const std::size_t np = policies.size();
  StepFigures f;
  for (auto* v : {&f.latency, &f.slowest, &f.mean, &f.energy, &f.energy_act, &f.acts}) v->assign(np, 0.0);
  std::vector<std::vector<double>> load(np, std::vector<double>(plan.channels(), 0.0));
  for (unsigned l = 0; l < plan.layers(); ++l) {
    for (auto& ld : load) std::fill(ld.begin(), ld.end(), 0.0);
    for (unsigned op = 0; op < plan.ops_per_layer(); ++op) {
      const std::vector<HeadStepFigures>& r = pick(l, op);  // in `policies` order
      for (std::size_t p = 0; p < np; ++p) {
        const HeadStepFigures& x = r[p];
        load[p][plan.channel_of_op(op)] += static_cast<double>(x.cycles);
        f.energy[p] += x.energy_pj;
        f.energy_act[p] += x.energy_act_pj;
        f.acts[p] += static_cast<double>(x.activations);
      }
    }
    for (std::size_t p = 0; p < np; ++p) {
      double mx = 0, sum = 0;
      for (double c : load[p]) {
        mx = std::max(mx, c);
        sum += c;
      }
      f.latency[p] += mx;
      f.slowest[p] += mx / plan.layers();
      f.mean[p] += sum / plan.busy_channels() / plan.layers();
    }
  }
  return f;
}

}  // namespace

nlohmann::json to_json(const HeadStepRecord& r) {
  nlohmann::json j = {{"index", r.index},
                      {"request", r.id.request},
                      {"layer", r.id.layer},
                      {"kv_head", r.id.kv_head},
                      {"context", r.context},
                      {"wall_s", r.wall_s}};
  for (const auto& [name, f] : r.policies)
    j["policies"][name] = {{"cycles", f.cycles},         {"energy_pj", f.energy_pj},
                           {"energy_act_pj", f.energy_act_pj}, {"activations", f.activations},
                           {"selected", f.selected},     {"recall", f.recall},
                           {"trace_violations", f.trace_violations}, {"timing_errors", f.timing_errors}};
  if (r.rtl)
    j["rtl"] = {{"compared", r.rtl_compared},           {"mismatches", r.rtl_mismatches},
                {"cmatch_mismatches", r.cmatch_mismatches}, {"timing_errors", r.rtl_timing_errors},
                {"engine_checked", r.engine_checked},   {"engine_mismatches", r.engine_mismatches},
                {"first_engine_mismatch", r.first_engine_mismatch}};
  return j;
}

HeadStepRecord record_from_json(const nlohmann::json& j) {
  try {
    HeadStepRecord r;
    r.index = j.at("index").get<std::size_t>();
    r.id = {j.at("request").get<unsigned>(), j.at("layer").get<unsigned>(), j.at("kv_head").get<unsigned>()};
    r.context = j.at("context").get<unsigned>();
    r.wall_s = j.at("wall_s").get<double>();
    for (const auto& [name, p] : j.at("policies").items()) {
      HeadStepFigures f;
      f.cycles = p.at("cycles").get<std::uint64_t>();
      f.energy_pj = p.at("energy_pj").get<double>();
      f.energy_act_pj = p.at("energy_act_pj").get<double>();
      f.activations = p.at("activations").get<std::uint64_t>();
      f.selected = p.at("selected").get<std::uint64_t>();
      f.recall = p.at("recall").get<double>();
      f.trace_violations = p.at("trace_violations").get<std::uint64_t>();
      f.timing_errors = p.at("timing_errors").get<std::uint64_t>();
      r.policies[name] = f;
    }
    if (j.contains("rtl")) {
      const auto& x = j.at("rtl");
      r.rtl = true;
      r.rtl_compared = x.at("compared").get<std::uint64_t>();
      r.rtl_mismatches = x.at("mismatches").get<std::uint64_t>();
      r.cmatch_mismatches = x.at("cmatch_mismatches").get<std::uint64_t>();
      r.rtl_timing_errors = x.at("timing_errors").get<std::uint64_t>();
      r.engine_checked = x.at("engine_checked").get<std::uint64_t>();
      r.engine_mismatches = x.at("engine_mismatches").get<std::uint64_t>();
      r.first_engine_mismatch = x.at("first_engine_mismatch").get<std::string>();
    }
    return r;
  } catch (const nlohmann::json::exception& e) {
    throw std::invalid_argument(fmt::format("head-step record: {}", e.what()));
  }
}

ContextEstimate estimate(const HeadStepPlan& plan, const std::vector<HeadStepRecord>& records,
                         const std::vector<std::string>& policies, unsigned replicates, std::uint64_t seed) {
  if (records.empty()) throw std::invalid_argument("system estimate: no head-step simulated");
  ContextEstimate e;
  e.context = records.front().context;
  e.simulated = records.size();
  e.total = plan.size();
  e.exact = records.size() == plan.size();
  for (const auto& r : records) {
    for (const auto& p : policies) {
      if (!r.policies.count(p))
        throw std::invalid_argument(fmt::format("system estimate: head-step {} has no figures of {}", r.index, p));
      e.trace_violations += r.policies.at(p).trace_violations;
      e.timing_errors += r.policies.at(p).timing_errors;
    }
    if (r.rtl) {
      ++e.rtl_head_steps;
      e.rtl_compared += r.rtl_compared;
      e.rtl_mismatches += r.rtl_mismatches;
      e.cmatch_mismatches += r.cmatch_mismatches;
      e.rtl_timing_errors += r.rtl_timing_errors;
      e.engine_checked += r.engine_checked;
      e.engine_mismatches += r.engine_mismatches;
    }
  }
  const std::size_t np = policies.size();
  std::vector<std::vector<HeadStepFigures>> flat;  // per record, the policies in order
  for (const auto& r : records) {
    flat.emplace_back();
    for (const auto& p : policies) flat.back().push_back(r.policies.at(p));
  }
  std::vector<std::vector<double>> lat(np), slow(np), mean(np), en(np), ena(np), acts(np);
  if (e.exact) {
    std::vector<const std::vector<HeadStepFigures>*> by_index(plan.size(), nullptr);
    for (std::size_t k = 0; k < records.size(); ++k) {
      const std::size_t i = records[k].index;
      if (i >= plan.size() || by_index[i])
        throw std::invalid_argument(fmt::format("system estimate: head-step {} out of the plan or twice", i));
      by_index[i] = &flat[k];
    }
    const StepFigures f = step_figures(plan, policies, [&](unsigned l, unsigned op) -> const std::vector<HeadStepFigures>& {
      return *by_index[static_cast<std::size_t>(l) * plan.ops_per_layer() + op];
    });
    for (std::size_t p = 0; p < np; ++p) {
      lat[p] = {f.latency[p]};
      slow[p] = {f.slowest[p]};
      mean[p] = {f.mean[p]};
      en[p] = {f.energy[p]};
      ena[p] = {f.energy_act[p]};
      acts[p] = {f.acts[p]};
    }
  } else {
    e.replicates = replicates;
    std::mt19937_64 rng(seed);
    std::vector<std::size_t> resample(records.size());
    for (unsigned b = 0; b < replicates; ++b) {
      for (auto& x : resample) x = static_cast<std::size_t>(rng() % records.size());
      const StepFigures f = step_figures(plan, policies, [&](unsigned, unsigned) -> const std::vector<HeadStepFigures>& {
        return flat[resample[static_cast<std::size_t>(rng() % resample.size())]];
      });
      for (std::size_t p = 0; p < np; ++p) {
        lat[p].push_back(f.latency[p]);
        slow[p].push_back(f.slowest[p]);
        mean[p].push_back(f.mean[p]);
        en[p].push_back(f.energy[p]);
        ena[p].push_back(f.energy_act[p]);
        acts[p].push_back(f.acts[p]);
      }
    }
  }
  for (std::size_t p = 0; p < np; ++p) {
    PolicyEstimate pe;
    pe.latency = spread_of(lat[p]);
    pe.slowest = spread_of(slow[p]);
    pe.mean = spread_of(mean[p]);
    pe.energy_pj = spread_of(en[p]);
    pe.energy_act_pj = spread_of(ena[p]);
    pe.activations = spread_of(acts[p]);
    for (const auto& r : records) pe.recall += r.policies.at(policies[p]).recall / static_cast<double>(records.size());
    e.policies[policies[p]] = pe;
  }
  const auto s = std::find(policies.begin(), policies.end(), "starc");
  if (s != policies.end()) {
    const auto si = static_cast<std::size_t>(s - policies.begin());
    for (std::size_t p = 0; p < np; ++p) {
      if (p == si) continue;
      std::vector<double> lr, er;
      for (std::size_t k = 0; k < lat[p].size(); ++k) {
        lr.push_back(lat[p][k] > 0 ? 1.0 - lat[si][k] / lat[p][k] : 0.0);
        er.push_back(en[p][k] > 0 ? 1.0 - en[si][k] / en[p][k] : 0.0);
      }
      e.latency_reduction[policies[p]] = spread_of(lr);
      e.energy_reduction[policies[p]] = spread_of(er);
    }
  }
  return e;
}

nlohmann::json to_json(const ContextEstimate& e) {
  nlohmann::json j = {{"context", e.context},
                      {"exact", e.exact},
                      {"head_steps_simulated", e.simulated},
                      {"head_steps_total", e.total},
                      {"replicates", e.replicates}};
  for (const auto& [name, p] : e.policies)
    j["policies"][name] = {{"latency_cycles", spread_json(p.latency)},
                           {"latency_us", spread_json({p.latency.mean * 0.769e-3, p.latency.lo * 0.769e-3,
                                                       p.latency.hi * 0.769e-3})},
                           {"slowest_channel_cycles", spread_json(p.slowest)},
                           {"mean_channel_cycles", spread_json(p.mean)},
                           {"energy_attacc_pj", spread_json(p.energy_pj)},
                           {"energy_act_aware_pj", spread_json(p.energy_act_pj)},
                           {"activations", spread_json(p.activations)},
                           {"recall", p.recall}};
  for (const auto& [name, r] : e.latency_reduction)
    j["starc_vs"][name] = {{"latency_reduction", spread_json(r)}, {"energy_reduction_attacc", spread_json(e.energy_reduction.at(name))}};
  j["checks"] = {{"trace_violations", e.trace_violations},
                 {"timing_errors", e.timing_errors},
                 {"rtl_head_steps", e.rtl_head_steps},
                 {"rtl_compared", e.rtl_compared},
                 {"rtl_mismatches", e.rtl_mismatches},
                 {"cmatch_mismatches", e.cmatch_mismatches},
                 {"rtl_timing_errors", e.rtl_timing_errors},
                 {"engine_checked", e.engine_checked},
                 {"engine_mismatches", e.engine_mismatches}};
  return j;
}

}  // namespace starc
