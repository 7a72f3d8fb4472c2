#include "sim/head_step_runner.hpp"

#include <algorithm>
#include <chrono>

#include <fmt/format.h>

#include "host/energy_model.hpp"
#include "host/synthetic_kv.hpp"
#include "sim/fast_centroid_match.hpp"
#include "sim/fast_channel.hpp"

namespace pim {
namespace {

EngineRun run_engine(ChannelSim& ch, CentroidMatcher& cm, const starc::KvSource& kv, const HeadStepSpec& spec,
                     const std::vector<std::string>& order) {
  DecodeCosim cosim(ch, &cm, kv, spec.cfg);
  EngineRun r;
  for (const auto& p : order) r.stats.push_back(cosim.run_policy(p));
  r.cmds = cosim.commands();
  return r;
}

}  // namespace

void compare_engine_runs(const EngineRun& rtl, const EngineRun& fast, starc::HeadStepRecord& rec) {
  // `what` formats the difference, only for the first one (not once per item compared).
  auto diff = [&](bool same, auto&& what) {
    ++rec.engine_checked;
    if (same) return;
    ++rec.engine_mismatches;
    if (rec.first_engine_mismatch.empty()) rec.first_engine_mismatch = what();
  };
  diff(rtl.cmds.size() == fast.cmds.size(),
       [&] { return fmt::format("{} RTL commands, {} fast", rtl.cmds.size(), fast.cmds.size()); });
  for (std::size_t i = 0; i < std::min(rtl.cmds.size(), fast.cmds.size()); ++i) {
    const Command &a = rtl.cmds[i], &b = fast.cmds[i];
    diff(a == b, [&] {
      return fmt::format("command {}: RTL {} at {}, fast {} at {}", i, op_name(a.op), a.cycle, op_name(b.op), b.cycle);
    });
  }
  for (std::size_t p = 0; p < rtl.stats.size(); ++p) {
    const PolicyStats &a = rtl.stats[p], &b = fast.stats[p];
    for (std::size_t s = 0; s < std::min(a.steps.size(), b.steps.size()); ++s) {
      const StepStats &x = a.steps[s], &y = b.steps[s];
      diff(x.cycles.total == y.cycles.total && x.cycles.selection == y.cycles.selection &&
               x.cycles.keys == y.cycles.keys && x.cycles.values == y.cycles.values,
           [&] { return fmt::format("{}: RTL {} cycles, fast {}", a.policy, x.cycles.total, y.cycles.total); });
      diff(x.tokens == y.tokens, [&] { return fmt::format("{}: selected tokens differ", a.policy); });
      bool bits = x.output.size() == y.output.size();
      for (std::size_t d = 0; bits && d < x.output.size(); ++d) bits = bits_of(x.output[d]) == bits_of(y.output[d]);
      diff(bits, [&] { return fmt::format("{}: output vectors differ", a.policy); });
    }
    // The policy's totals: its step count, the whole run's cycles, the centroid-match unit's work.
    diff(a.steps.size() == b.steps.size() && a.cycles.total == b.cycles.total && a.cmatch_cycles == b.cmatch_cycles &&
             a.cmatch_passes == b.cmatch_passes,
         [&] {
           return fmt::format("{}: RTL {} steps, {} cycles, centroid match {} cycles; fast {}, {}, {}", a.policy,
                              a.steps.size(), a.cycles.total, a.cmatch_cycles, b.steps.size(), b.cycles.total,
                              b.cmatch_cycles);
         });
  }
}

starc::HeadStepRecord run_head_step(const HeadStepSpec& spec, const RtlEngine* rtl) {
  const auto t0 = std::chrono::steady_clock::now();
  starc::SyntheticParams p;
  p.context = static_cast<int>(spec.context);
  p.steps = static_cast<int>(spec.group);  // one query per query head of the group
  p.head_dim = static_cast<int>(spec.head_dim);
  p.seed = spec.seed;
  const starc::KvSource all = starc::generate_synthetic(p, spec.cfg.params.fmt);
  std::vector<std::string> order;
  if (std::find(spec.policies.begin(), spec.policies.end(), "quest") != spec.policies.end()) order.push_back("quest");
  for (const auto& x : spec.policies)
    if (x != "quest") order.push_back(x);

  starc::HeadStepRecord rec;
  rec.index = spec.index;
  rec.id = spec.id;
  rec.context = spec.context;
  rec.rtl = rtl != nullptr;
  for (unsigned g = 0; g < spec.group; ++g) {
    // Query head g of the group: the whole context (the generator's query g, at position
    // L - group + g, attends to all L tokens here).
    starc::KvSource one;
    one.fmt = all.fmt;
    one.description = all.description;
    const starc::KvHead& h = all.heads.at(0);
    one.heads.push_back({h.keys, h.values, h.queries.row(g), h.kind});
    ChannelSimOptions opt{one.fmt, 1, ""};
    opt.head_dim = spec.head_dim;
    auto ch = make_fast_channel(spec.org, spec.timing, opt);
    FastCentroidMatch cm;
    const EngineRun fast = run_engine(*ch, cm, one, spec, order);
    for (const auto& st : fast.stats) {
      starc::HeadStepFigures& f = rec.policies[st.policy];
      f.cycles += st.cycles.total;
      f.energy_pj += compute_energy(st.events, EnergyModelKind::attacc).total_pj();
      f.energy_act_pj += compute_energy(st.events, EnergyModelKind::act_aware).total_pj();
      f.activations += st.events.activations;
      f.selected += st.selected_tokens;
      for (const auto& s : st.steps) f.recall += s.fidelity.recall / spec.group;
      f.trace_violations += st.trace_violations;
      f.timing_errors += st.rtl_timing_errors;
    }
    if (rtl) {
      auto rch = rtl->channel(one.fmt);
      auto rcm = rtl->cmatch();
      const EngineRun r = run_engine(*rch, *rcm, one, spec, order);
      for (const auto& st : r.stats) {
        rec.rtl_compared += st.compared;
        rec.rtl_mismatches += st.mismatches;
        rec.cmatch_mismatches += st.cmatch_mismatches;
        rec.rtl_timing_errors += st.rtl_timing_errors;
      }
      compare_engine_runs(r, fast, rec);
    }
  }
  rec.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return rec;
}

}  // namespace pim
