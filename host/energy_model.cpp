#include "host/energy_model.hpp"

#include <stdexcept>

#include <fmt/format.h>

namespace pim {

EnergyModelKind parse_energy_model(std::string_view text) {
  if (text == "attacc") return EnergyModelKind::attacc;
  if (text == "act-aware") return EnergyModelKind::act_aware;
  if (text == "rtl") return EnergyModelKind::rtl;
  throw std::invalid_argument("unknown energy model '" + std::string(text) +
                              "' (expected attacc, act-aware or rtl)");
}

std::string_view energy_model_name(EnergyModelKind kind) {
  switch (kind) {
    case EnergyModelKind::attacc: return "attacc";
    case EnergyModelKind::act_aware: return "act-aware";
    case EnergyModelKind::rtl: return "rtl";
  }
  return "?";
}

double EnergyReport::total_pj() const {
  double total = 0;
  for (const auto& t : terms) total += t.pj;
  return total;
}

nlohmann::json EnergyReport::to_json() const {
  nlohmann::json j;
  j["model"] = std::string(energy_model_name(model));
  j["total_pj"] = total_pj();
  nlohmann::json comps = nlohmann::json::object();
  for (const auto& t : terms) {
    comps[t.component] = {{"count", t.count}, {"unit", t.unit}, {"pj_per_unit", t.pj_per_unit},
                          {"pj", t.pj}, {"source", t.source}};
  }
  j["components"] = comps;
  return j;
}

EnergyReport compute_energy(const EnergyEvents& ev, EnergyModelKind kind) {
  EnergyReport r;
  r.model = kind;
  auto term = [&](std::string comp, std::uint64_t count, std::string unit, double per,
                  std::string source) {
    r.terms.push_back({std::move(comp), count, std::move(unit), per,
                       static_cast<double>(count) * per, std::move(source)});
  };
  const std::string artifact = "STARC artifact / AttAcc energy model (docs/design.md section 9)";
  term("bank_access", ev.bank_bytes_read, "byte", EnergyConstants::kBankAccessPjPerByte,
       "(0.11 + 0.44) pJ/bit x 8, " + artifact);
  if (kind != EnergyModelKind::rtl)
    term("alu", ev.mac_ops, "mac", EnergyConstants::kAluPjPerMac, "0.32 pJ/MAC, " + artifact);
  term("buffer_die", ev.buffer_die_bytes, "byte", EnergyConstants::kBufferDiePjPerByte,
       "10.4 pJ/B, " + artifact);
  if (kind == EnergyModelKind::rtl) {
    using F = RtlEnergyFigures;
    const std::string ppa = "make ppa: OSU 0.18 um gate-level energy from a STARC step's activity (zero delay: "
                            "glitches not counted, about 3x the MAC figures with the cells' delays), "
                            "x 0.003649 to 14 nm HP 0.8 V (Stillmaker & Baas 2017); README \"Hardware cost "
                            "from the RTL\"";
    auto from = [](double pj180) { return fmt::format("{:.4g} pJ at 0.18 um", pj180); };
    term("dot_mac", ev.dot_mac_ops, "mac", F::kDotMacPj, from(F::kDotMacPj180) + " per lane (dot mode), " + ppa);
    term("axpy_mac", ev.axpy_mac_ops, "mac", F::kAxpyMacPj, from(F::kAxpyMacPj180) + " per lane (axpy), " + ppa);
    term("pim_cycle", ev.pim_unit_cycles, "bank-cycle", F::kPimCyclePj,
         from(F::kPimCyclePj180) + " per bank per cycle (clock without gating, idle control, leakage), " + ppa);
    term("centroid_match_busy", ev.cmatch_busy_cycles, "cycle", F::kCmatchBusyCyclePj,
         from(F::kCmatchBusyCyclePj180) + " per busy cycle above the unit's floor (one score per cycle), " + ppa);
    term("centroid_match_cycle", ev.cmatch_unit_cycles, "cycle", F::kCmatchCyclePj,
         from(F::kCmatchCyclePj180) + " per cycle (clock, leakage; synthesised with S = 128), " + ppa);
  }
  if (kind == EnergyModelKind::act_aware) {
    term("activation", ev.activations, "activation", EnergyConstants::kActivationPj,
         "VDD x (IDD0 x tRC - IDD3N x tRAS - IDD2N x tRP) x tCK with DRAMsim3 "
         "HBM2_8Gb_x128.ini currents (1.2 V; 65, 55, 40 mA; tRAS 34, tRP 14 cycles of 1 ns)");
  }
  return r;
}

}  // namespace pim
