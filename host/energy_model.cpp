#include "host/energy_model.hpp"

#include <stdexcept>

namespace pim {

EnergyModelKind parse_energy_model(std::string_view text) {
  if (text == "attacc") return EnergyModelKind::attacc;
  if (text == "act-aware") return EnergyModelKind::act_aware;
  throw std::invalid_argument("unknown energy model '" + std::string(text) +
                              "' (expected attacc or act-aware)");
}

std::string_view energy_model_name(EnergyModelKind kind) {
  return kind == EnergyModelKind::attacc ? "attacc" : "act-aware";
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
  term("alu", ev.mac_ops, "mac", EnergyConstants::kAluPjPerMac, "0.32 pJ/MAC, " + artifact);
  term("buffer_die", ev.buffer_die_bytes, "byte", EnergyConstants::kBufferDiePjPerByte,
       "10.4 pJ/B, " + artifact);
  if (kind == EnergyModelKind::act_aware) {
    term("activation", ev.activations, "activation", EnergyConstants::kActivationPj,
         "VDD x (IDD0 x tRC - IDD3N x tRAS - IDD2N x tRP) x tCK with DRAMsim3 "
         "HBM2_8Gb_x128.ini currents (1.2 V; 65, 55, 40 mA; tRAS 34, tRP 14 cycles of 1 ns)");
  }
  return r;
}

}  // namespace pim
