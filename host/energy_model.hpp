// Energy of one simulated run: event counts (from the command stream the RTL executed) times
// per-event energies (docs/design.md section 9). Both the counts and the constants are reported,
// each constant with its source, so a reader can redo the arithmetic.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace pim {

// What happened in the channel, counted from the executed command stream.
struct EnergyEvents {
  std::uint64_t activations = 0;       // single-bank row activations (an ACTAB counts every bank)
  std::uint64_t bank_bytes_read = 0;   // bytes read out of the cell arrays into PIM units
  std::uint64_t mac_ops = 0;           // lane multiply-accumulates (one per lane per bank per MACAB)
  std::uint64_t buffer_die_bytes = 0;  // bytes moved between banks and the buffer die
                                       // (WRGB, MVGB, MVSB payloads)
};

enum class EnergyModelKind { attacc, act_aware };

EnergyModelKind parse_energy_model(std::string_view text);
std::string_view energy_model_name(EnergyModelKind kind);

struct EnergyTerm {
  std::string component;  // "bank_access", "alu", "buffer_die", "activation"
  std::uint64_t count = 0;
  std::string unit;       // what `count` counts ("byte", "mac", "activation")
  double pj_per_unit = 0;
  double pj = 0;
  std::string source;     // where the constant comes from
};

struct EnergyReport {
  EnergyModelKind model = EnergyModelKind::attacc;
  std::vector<EnergyTerm> terms;
  double total_pj() const;
  nlohmann::json to_json() const;
};

// Energy constants (pJ). attacc: per byte / per MAC as in the STARC artifact (AttAcc model);
// act_aware adds the energy of one 1 KB-row activation derived from DRAM currents.
struct EnergyConstants {
  static constexpr double kBankAccessPjPerByte = (0.11 + 0.44) * 8;  // 4.4 pJ/B
  static constexpr double kAluPjPerMac = 0.32;
  static constexpr double kBufferDiePjPerByte = 10.4;
  // DRAMsim3 HBM2_8Gb_x128.ini: VDD 1.2 V, IDD0 65 mA, IDD3N 55 mA, IDD2N 40 mA, tRAS 34,
  // tRP 14 cycles at tCK 1 ns, 1 KB rows (64 columns x 128 bits). DRAMsim3's activation
  // energy: VDD x (IDD0 x tRC - IDD3N x tRAS - IDD2N x tRP) x tCK
  //       = 1.2 x (65 x 48 - 55 x 34 - 40 x 14) pJ = 828 pJ per activation.
  static constexpr double kActivationPj = 1.2 * (65.0 * 48 - 55.0 * 34 - 40.0 * 14);
};

EnergyReport compute_energy(const EnergyEvents& events, EnergyModelKind kind);

}  // namespace pim
