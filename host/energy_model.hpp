// Energy of one simulated run: event counts (from the command stream the RTL executed) times
// per-event energies (docs/design.md section 9). Both the counts and the constants are reported,
// each constant with its source, so a reader can redo the arithmetic. Three models: `attacc`
// (the STARC artifact's constants), `act-aware` (plus row activations) and `rtl` (bank access
// and buffer-die I/O as attacc, the compute from this project's RTL as `make ppa` measured it).
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
  // For the rtl model (not in the report's `events`; each is a component's `count`):
  std::uint64_t dot_mac_ops = 0;         // the part of mac_ops in dot mode (MACAB mode dot)
  std::uint64_t axpy_mac_ops = 0;        // the part of mac_ops in axpy mode
  std::uint64_t pim_unit_cycles = 0;     // banks x cycles: every bank's PIM unit is clocked every cycle
  std::uint64_t cmatch_busy_cycles = 0;  // centroid-match unit cycles of its selections (all passes)
  std::uint64_t cmatch_unit_cycles = 0;  // cycles of the run: the one unit of the channel is clocked
};

enum class EnergyModelKind { attacc, act_aware, rtl };

EnergyModelKind parse_energy_model(std::string_view text);
std::string_view energy_model_name(EnergyModelKind kind);

struct EnergyTerm {
  std::string component;  // "bank_access", "alu", "buffer_die", "activation", and the rtl model's
                          // "dot_mac", "axpy_mac", "pim_cycle", "centroid_match_busy",
                          // "centroid_match_cycle"
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

// Compute energies of this project's RTL, measured by `make ppa` (scripts/ppa.py, README "Hardware
// cost from the RTL", docs/design.md section 9) and scaled to the node of an HBM3-class logic die.
// Provenance: Yosys 0.23 + ABC onto the OSU 0.18 um library (qflow-tech-osu018), gate-level
// simulation (Icarus) of the netlists driven by bank 0's and the centroid-match unit's ports in
// `starcsim run --context 16384 --steps 1 --budget 1024 --policies starc --waves F`, energy from the
// liberty tables per net toggle (build/ppa/ppa.json; zero-delay simulation, a lower bound: with the
// cells' delays, PPA_SPECIFY=1, the MAC figures are 496 and 805 pJ, about 3x); 0.18 um / 1.8 V -> 14 nm HP / 0.8 V by
// Stillmaker & Baas 2017's energy equations (x 0.003649). Per one lane MAC: the energy above the
// idle floor of the cycles the operation keeps the datapath busy; per cycle: the clock (no clock
// gating in the RTL), idle control activity and leakage of one unit. The centroid-match figures
// are of the unit synthesised with S = 128 (the RTL default, 256, is twice its array: roughly
// twice these). Measured 2026-12-02 (README "Hardware cost from the RTL" has the table).
struct RtlEnergyFigures {
  static constexpr double kScaleFrom180nm = 0.003649;  // energy factor, 180 nm 1.8 V -> HP 14 nm 0.8 V
  static constexpr double kDotMacPj180 = 163.8;           // per lane, dot mode (0.18 um)
  static constexpr double kAxpyMacPj180 = 274.3;          // per lane, axpy mode (0.18 um)
  static constexpr double kPimCyclePj180 = 1176;         // one bank's PIM unit, one cycle (0.18 um)
  static constexpr double kCmatchBusyCyclePj180 = 1659;  // centroid-match unit, above its floor, per busy cycle
  static constexpr double kCmatchCyclePj180 = 1649;      // centroid-match unit, one cycle (clock, leakage)
  static constexpr double kDotMacPj = kDotMacPj180 * kScaleFrom180nm;
  static constexpr double kAxpyMacPj = kAxpyMacPj180 * kScaleFrom180nm;
  static constexpr double kPimCyclePj = kPimCyclePj180 * kScaleFrom180nm;
  static constexpr double kCmatchBusyCyclePj = kCmatchBusyCyclePj180 * kScaleFrom180nm;
  static constexpr double kCmatchCyclePj = kCmatchCyclePj180 * kScaleFrom180nm;
};

EnergyReport compute_energy(const EnergyEvents& events, EnergyModelKind kind);

}  // namespace pim
