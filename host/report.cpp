#include "host/report.hpp"

#include "host/attention.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

namespace pim {

PhaseCycles& PhaseCycles::operator+=(const PhaseCycles& o) {
  total += o.total;
  selection += o.selection;
  keys += o.keys;
  softmax += o.softmax;
  values += o.values;
  refresh += o.refresh;
  gaps += o.gaps;
  idle += o.idle;
  return *this;
}

WallTime& WallTime::operator+=(const WallTime& o) {
  verilator += o.verilator;
  golden += o.golden;
  host += o.host;
  return *this;
}

void count_energy_events(const Org& org, unsigned head_dim, const Command& c, EnergyEvents& ev) {
  switch (c.op) {
    case Op::ACT:
    case Op::ACTAB: ev.activations += bank_activations(org, c); break;
    case Op::MACAB: {
      const std::uint64_t banks = static_cast<std::uint64_t>(std::popcount(c.mask)) * org.banks;
      ev.bank_bytes_read += banks * org.column_bytes();
      ev.mac_ops += banks * org.lanes;
      (c.mode == Mode::dot ? ev.dot_mac_ops : ev.axpy_mac_ops) += banks * org.lanes;
      break;
    }
    case Op::WRGB:
    case Op::MVGB: ev.buffer_die_bytes += org.column_bytes(); break;
    case Op::MVSB:
      ev.buffer_die_bytes += 4ull * (c.mode == Mode::dot ? org.slots_per_row(head_dim) : head_dim);
      break;
    default: break;
  }
}

double limit_cycles(const Org& org, const Timing& t, unsigned head_dim, std::uint64_t tokens) {
  const double bytes = 2.0 * static_cast<double>(tokens) * head_dim * 2.0;  // keys + values, 16 bit
  const double per_cycle = static_cast<double>(org.total_banks()) * org.column_bytes() / t.nCCDAB;
  return bytes / per_cycle;
}

const std::vector<std::string>& not_modelled() {
  static const std::vector<std::string> list = {
      "refresh energy (REFAB commands and their nRFC blocking are modelled and counted; "
      "their energy is not charged)",
      "softmax latency: the host/buffer-die softmax takes 0 cycles (the value phase starts the "
      "cycle after the last score leaves the channel)",
      "decode-time appends: writing the new token's key/value (and re-placing a completed "
      "64-token block in cluster order, or into its bucket rows in the striped layout: 64 token "
      "moves per completed block, earlier tokens never move) costs no cycles and no energy",
      "k-means clustering of a completed block: host work, no cycles, no energy",
      "token-wise and Quest ranking: the selection reads run on the RTL (dot mode, checked bit for "
      "bit), the top-B ranking is the policy's double-precision host computation, 0 cycles",
      "oracle selection: 0 cycles (accuracy upper bound)",
      "buffer-die reduction of the bank groups' partial context vectors: 0 cycles",
      "centroid-match passes after the first (a budget needing more than MaxSel clusters): the "
      "scores replayed from a buffer-die score buffer (C x 59 bits, not in the RTL) cost one "
      "cycle per entry, no energy",
      "the I/O to the host and other channels: one channel runs one head",
  };
  return list;
}

namespace {

double mean_util(const PolicyStats& p, const Timing& t, std::vector<double>* out = nullptr) {
  std::vector<double> u;
  for (auto n : p.macab_per_bg)
    u.push_back(p.cycles.total ? static_cast<double>(n) * t.nCCDAB / p.cycles.total : 0.0);
  if (out) *out = u;
  return u.empty() ? 0.0 : std::accumulate(u.begin(), u.end(), 0.0) / u.size();
}

StepFidelity mean_fidelity(const PolicyStats& p) {
  StepFidelity f;
  for (const auto& s : p.steps) {
    f.recall += s.fidelity.recall;
    f.hit_rate += s.fidelity.hit_rate;
    f.rel_err += s.fidelity.rel_err;
    f.cosine += s.fidelity.cosine;
    f.rtl_rel_err += s.fidelity.rtl_rel_err;
    f.rtl_cosine += s.fidelity.rtl_cosine;
  }
  const double n = p.steps.empty() ? 1.0 : static_cast<double>(p.steps.size());
  f.recall /= n, f.hit_rate /= n, f.rel_err /= n, f.cosine /= n, f.rtl_rel_err /= n, f.rtl_cosine /= n;
  return f;
}

nlohmann::json cycles_json(const PhaseCycles& c) {
  return {{"total", c.total}, {"selection", c.selection}, {"keys", c.keys},
          {"softmax", c.softmax}, {"values", c.values}, {"refresh", c.refresh}, {"gaps", c.gaps},
          {"idle", c.idle}};
}

const PolicyStats* find(const std::vector<PolicyStats>& ps, const std::string& name) {
  for (const auto& p : ps)
    if (p.policy == name) return &p;
  return nullptr;
}

}  // namespace

nlohmann::json report_json(const RunInfo& info, const std::vector<PolicyStats>& policies) {
  nlohmann::json j;
  j["run"] = {{"source", info.source}, {"channel", info.channel}, {"centroid_match", info.cmatch},
              {"org", {{"pseudo_channels", info.org.pseudo_channels}, {"ranks", info.org.ranks},
                       {"bank_groups", info.org.bank_groups}, {"banks", info.org.banks},
                       {"lanes", info.org.lanes}, {"columns", info.org.columns}, {"rows", info.org.rows}}},
              {"timing", {{"preset", info.timing.name}, {"nRCD", info.timing.nRCD}, {"nRP", info.timing.nRP},
                          {"nRAS", info.timing.nRAS}, {"nRC", info.timing.nRC}, {"nRTPL", info.timing.nRTPL},
                          {"nCCDAB", info.timing.nCCDAB}, {"nCCDS", info.timing.nCCDS},
                          {"nCCDL", info.timing.nCCDL}, {"nRRDS", info.timing.nRRDS},
                          {"nRRDL", info.timing.nRRDL}, {"nFAW", info.timing.nFAW},
                          {"nBL", info.timing.nBL}, {"nROW", info.timing.nROW}, {"nRFC", info.timing.nRFC},
                          {"nREFI", info.timing.nREFI}, {"refresh", info.timing.refresh}}},
              {"tck_ns", info.tck_ns}, {"fmt", info.fmt}, {"head_dim", info.head_dim},
              {"context", info.context}, {"steps", info.steps}, {"budget", info.budget},
              {"head", info.head}, {"head_kind", info.head_kind}};
  j["not_modelled"] = not_modelled();
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& p : policies) {
    nlohmann::json pj;
    pj["policy"] = p.policy;
    pj["layout"] = p.layout;
    pj["mode"] = p.mode;
    pj["cycles"] = cycles_json(p.cycles);
    const double nsteps = std::max<std::size_t>(1, p.steps.size());
    pj["cycles_per_step"] = p.cycles.total / nsteps;
    pj["latency_ns_per_step"] = p.cycles.total / nsteps * info.tck_ns;
    pj["centroid_match_cycles"] = p.cmatch_cycles;
    pj["centroid_match_passes"] = p.cmatch_passes;
    pj["selection_skipped_steps"] = p.selection_skipped_steps;
    pj["non_finite_outputs"] = p.non_finite_outputs;
    pj["commands"] = p.commands;
    pj["row_activations"] = p.events.activations;
    std::vector<double> util;
    pj["mac_utilisation_mean"] = mean_util(p, info.timing, &util);
    pj["mac_utilisation_per_bg"] = util;
    pj["macab_per_bg"] = p.macab_per_bg;
    pj["events"] = {{"activations", p.events.activations}, {"bank_bytes_read", p.events.bank_bytes_read},
                    {"mac_ops", p.events.mac_ops}, {"buffer_die_bytes", p.events.buffer_die_bytes}};
    pj["energy"] = {{"attacc", compute_energy(p.events, EnergyModelKind::attacc).to_json()},
                    {"act-aware", compute_energy(p.events, EnergyModelKind::act_aware).to_json()},
                    {"rtl", compute_energy(p.events, EnergyModelKind::rtl).to_json()}};
    const double lim = limit_cycles(info.org, info.timing, info.head_dim, p.selected_tokens);
    pj["limit"] = {{"selected_tokens", p.selected_tokens}, {"limit_cycles", lim},
                   {"actual_over_limit", lim > 0 ? p.cycles.total / lim : 0.0},
                   {"formula", "tokens x 2 (K,V) x D x 2 B / (banks x column bytes / nCCDAB)"}};
    const StepFidelity f = mean_fidelity(p);
    pj["fidelity"] = {{"recall", f.recall}, {"hit_rate", f.hit_rate}, {"rel_err", f.rel_err},
                      {"cosine", f.cosine}, {"rtl_output_rel_err", f.rtl_rel_err},
                      {"rtl_output_cosine", f.rtl_cosine}};
    pj["bitexact"] = {{"compared", p.compared}, {"mismatches", p.mismatches},
                      {"first_mismatch", p.first_mismatch},
                      {"centroid_match_compared", p.cmatch_compared},
                      {"centroid_match_mismatches", p.cmatch_mismatches},
                      {"centroid_match_first_mismatch", p.cmatch_first_mismatch}};
    pj["timing_errors"] = {{"rtl_checker", p.rtl_timing_errors}, {"trace_checker", p.trace_violations}};
    pj["wall_seconds"] = {{"verilator", p.wall.verilator}, {"golden", p.wall.golden}, {"host", p.wall.host}};
    nlohmann::json steps = nlohmann::json::array();
    for (const auto& s : p.steps) {
      steps.push_back({{"context", s.context}, {"selected", s.selected},
                       {"selection_skipped", s.selection_skipped}, {"non_finite_output", s.non_finite_output},
                       {"cycles", cycles_json(s.cycles)},
                       {"activations", s.activations},
                       {"recall", s.fidelity.recall}, {"hit_rate", s.fidelity.hit_rate},
                       {"rel_err", s.fidelity.rel_err}, {"rtl_output_rel_err", s.fidelity.rtl_rel_err}});
    }
    pj["steps"] = steps;
    arr.push_back(pj);
  }
  j["policies"] = arr;
  // STARC against each other policy: 1 - starc / other, for latency and both energy models.
  if (const PolicyStats* s = find(policies, "starc")) {
    nlohmann::json cmp = nlohmann::json::object();
    for (const auto& p : policies) {
      if (p.policy == "starc" || p.cycles.total == 0) continue;
      cmp[p.policy] = {
          {"latency_reduction", 1.0 - double(s->cycles.total) / double(p.cycles.total)},
          {"energy_reduction_attacc",
           1.0 - compute_energy(s->events, EnergyModelKind::attacc).total_pj() /
                     compute_energy(p.events, EnergyModelKind::attacc).total_pj()},
          {"energy_reduction_act_aware",
           1.0 - compute_energy(s->events, EnergyModelKind::act_aware).total_pj() /
                     compute_energy(p.events, EnergyModelKind::act_aware).total_pj()},
          {"energy_reduction_rtl",
           1.0 - compute_energy(s->events, EnergyModelKind::rtl).total_pj() /
                     compute_energy(p.events, EnergyModelKind::rtl).total_pj()}};
    }
    j["starc_vs"] = cmp;
  }
  return j;
}

std::string report_table(const RunInfo& info, const std::vector<PolicyStats>& policies) {
  std::string o;
  auto line = [&o](const std::string& s) { o += s + "\n"; };
  line(fmt::format("starcsim run: {} | channel {} | {} D={} | context {} (+{} decode steps) | "
                   "budget {} | head {} ({})",
                   info.source, info.channel, info.fmt, info.head_dim, info.context - info.steps,
                   info.steps, info.budget, info.head, info.head_kind.empty() ? "-" : info.head_kind));
  line(fmt::format("timing {}: nRCD {} nRP {} nRAS {} nRC {} nRTPL {} nCCDAB {} nCCDS/L {}/{} "
                   "nRRDS/L {}/{} nFAW {} nBL {}, tCK {} ns",
                   info.timing.name, info.timing.nRCD, info.timing.nRP, info.timing.nRAS,
                   info.timing.nRC, info.timing.nRTPL, info.timing.nCCDAB, info.timing.nCCDS,
                   info.timing.nCCDL, info.timing.nRRDS, info.timing.nRRDL, info.timing.nFAW,
                   info.timing.nBL, info.tck_ns));
  line(info.timing.refresh
           ? fmt::format("refresh on: REFAB per rank every nREFI {} cycles (at most {} postponed), nRFC {}; "
                         "steps start mid-interval (docs/design.md section 5)",
                         info.timing.nREFI, kRefreshPostpone, info.timing.nRFC)
           : std::string("refresh off (--refresh off): no REFAB, every cycle available"));
  line("");
  line("Per decode step (mean over steps), cycles of the RTL clock:");
  line(fmt::format("{:<10} {:<12} {:<9} {:>9} {:>8} {:>8} {:>8} {:>7} {:>6} {:>6} {:>9} {:>8} {:>8} {:>6} {:>6}",
                   "policy", "layout", "mode", "cycles", "select", "keys", "values", "refresh", "gaps", "idle",
                   "ns", "ACTs", "MACABs", "util", "x lim"));
  for (const auto& p : policies) {
    const double n = std::max<std::size_t>(1, p.steps.size());
    auto get = [&](const char* k) { auto it = p.commands.find(k); return it == p.commands.end() ? 0ull : (unsigned long long)it->second; };
    const double lim = limit_cycles(info.org, info.timing, info.head_dim, p.selected_tokens);
    line(fmt::format("{:<10} {:<12} {:<9} {:>9.0f} {:>8.0f} {:>8.0f} {:>8.0f} {:>7.0f} {:>6.0f} {:>6.0f} {:>9.0f} {:>8.0f} {:>8.0f} {:>5.1f}% {:>6.2f}",
                     p.policy, p.layout, p.mode, p.cycles.total / n, p.cycles.selection / n,
                     p.cycles.keys / n, p.cycles.values / n, p.cycles.refresh / n, p.cycles.gaps / n,
                     p.cycles.idle / n, p.cycles.total / n * info.tck_ns,
                     p.events.activations / n, get("MACAB") / n, 100 * mean_util(p, info.timing),
                     lim > 0 ? p.cycles.total / lim : 0.0));
  }
  for (const auto& p : policies)
    if (p.selection_skipped_steps > 0)
      line(fmt::format("  {}: selection skipped in {} of {} steps (budget {} covers the context: every token "
                       "attended, no selection cost)",
                       p.policy, p.selection_skipped_steps, p.steps.size(), info.budget));
  line("");
  line("Energy per step (nJ), fidelity (mean over steps), checks:");
  line(fmt::format("{:<10} {:>9} {:>9} {:>9} {:>8} {:>7} {:>8} {:>8} {:>10} {:>14} {:>9} {:>7}",
                   "policy", "attacc", "act-aw", "rtl", "tokens", "recall", "hit", "rel err", "RTL err",
                   "bit-exact", "cm-match", "timing"));
  for (const auto& p : policies) {
    const double n = std::max<std::size_t>(1, p.steps.size());
    const StepFidelity f = mean_fidelity(p);
    line(fmt::format("{:<10} {:>9.1f} {:>9.1f} {:>9.1f} {:>8.0f} {:>7.4f} {:>8.4f} {:>8.4f} {:>10} {:>14} {:>9} {:>7}",
                     p.policy, compute_energy(p.events, EnergyModelKind::attacc).total_pj() / n / 1e3,
                     compute_energy(p.events, EnergyModelKind::act_aware).total_pj() / n / 1e3,
                     compute_energy(p.events, EnergyModelKind::rtl).total_pj() / n / 1e3,
                     p.selected_tokens / n, f.recall, f.hit_rate, f.rel_err,
                     p.non_finite_outputs ? std::string("non-finite") : fmt::format("{:.2e}", f.rtl_rel_err),
                     fmt::format("{}/{}", p.mismatches, p.compared),
                     p.cmatch_compared ? fmt::format("{}/{}", p.cmatch_mismatches, p.cmatch_compared) : "-",
                     p.rtl_timing_errors + p.trace_violations));
  }
  line("  (bit-exact and cm-match: mismatches/compared; timing: RTL checker + trace checker errors)");
  for (const auto& p : policies)
    if (p.non_finite_outputs > 0)
      line(fmt::format("  {}: the RTL output vector is not finite (an infinity or NaN) in {} of {} steps", p.policy,
                       p.non_finite_outputs, p.steps.size()));
  if (const PolicyStats* s = find(policies, "starc")) {
    line("");
    line("STARC against (1 - starc/other):   latency   energy attacc   energy act-aware   energy rtl");
    for (const auto& p : policies) {
      if (p.policy == "starc" || p.cycles.total == 0) continue;
      line(fmt::format("  {:<10} {:>24.1f}% {:>14.1f}% {:>17.1f}% {:>12.1f}%", p.policy,
                       100 * (1 - double(s->cycles.total) / p.cycles.total),
                       100 * (1 - compute_energy(s->events, EnergyModelKind::attacc).total_pj() /
                                      compute_energy(p.events, EnergyModelKind::attacc).total_pj()),
                       100 * (1 - compute_energy(s->events, EnergyModelKind::act_aware).total_pj() /
                                      compute_energy(p.events, EnergyModelKind::act_aware).total_pj()),
                       100 * (1 - compute_energy(s->events, EnergyModelKind::rtl).total_pj() /
                                      compute_energy(p.events, EnergyModelKind::rtl).total_pj())));
    }
  }
  line("");
  line("Energy constants:");
  const EnergyReport e = compute_energy(EnergyEvents{}, EnergyModelKind::act_aware);
  for (const auto& t : e.terms)
    line(fmt::format("  {:<12} {:>8.3f} pJ/{:<10} {}", t.component, t.pj_per_unit, t.unit, t.source));
  line("  rtl model (bank_access and buffer_die as above, no activation term; compute from the RTL):");
  for (const auto& t : compute_energy(EnergyEvents{}, EnergyModelKind::rtl).terms)
    if (t.component != "bank_access" && t.component != "buffer_die")
      line(fmt::format("  {:<20} {:>8.4f} pJ/{:<10} {}", t.component, t.pj_per_unit, t.unit, t.source));
  line(fmt::format("  the RTL's lane MAC costs {:.3f} pJ (dot) and {:.3f} pJ (axpy): {:.2f}x and {:.2f}x AttAcc's {:.2f} "
                   "pJ/MAC, before the RTL's per-cycle clock floor (pim_cycle), which neither figure includes",
                   RtlEnergyFigures::kDotMacPj, RtlEnergyFigures::kAxpyMacPj,
                   RtlEnergyFigures::kDotMacPj / EnergyConstants::kAluPjPerMac,
                   RtlEnergyFigures::kAxpyMacPj / EnergyConstants::kAluPjPerMac, EnergyConstants::kAluPjPerMac));
  line(fmt::format("Physical limit: x lim = cycles / (selected tokens x 2 x D x 2 B / ({} banks x {} B / "
                   "nCCDAB {} cycles))", info.org.total_banks(), info.org.column_bytes(), info.timing.nCCDAB));
  line("Not modelled:");
  for (const auto& s : not_modelled()) line("  - " + s);
  return o;
}

}  // namespace pim
