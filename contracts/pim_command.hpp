// One PIM channel command (docs/design.md section 2), as the controller issues it, the RTL decodes
// it, the golden model executes it and the trace (section 8) records it.
//
// Field use per command (others are unused, written `-` in the trace):
//   ACTAB row                     all banks of the channel open `row`
//   ACT   pch rank bg bank row    one bank opens `row`
//   MACAB col mask                every bank of the global bank groups in `mask` feeds column
//                                 `col` of its open row to its PIM unit (mode: dot or axpy)
//   PREA                          all open banks close
//   PRE   pch rank bg bank        one bank closes
//   WRGB  bank col                host -> global buffer: `lanes` query elements, chunk `col`
//                                 of the D/banks share of bank `bank`, in every bank group
//   MVGB  pch rank bg col         host -> per-slot scalars of every bank of that bank group:
//                                 slots col*lanes .. col*lanes+lanes-1
//   MVSB  pch rank bg             PIM results of that bank group -> buffer die (dot: the
//                                 scores tree(P0..P3) of each slot; axpy: the bank group's
//                                 partial context vector); clears the accumulators it reads
//   REFAB pch rank                all-bank refresh of that rank (its banks closed; none may be
//                                 activated for nRFC)
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pim {

// Encodings identical to pim_pkg::OP_* in the RTL.
enum class Op : std::uint8_t {
  NOP = 0, ACTAB = 1, ACT = 2, MACAB = 3, PREA = 4, PRE = 5, WRGB = 6, MVGB = 7, MVSB = 8, REFAB = 9
};

enum class Mode : std::uint8_t { dot = 0, axpy = 1 };

inline std::string_view op_name(Op op) {
  switch (op) {
    case Op::ACTAB: return "ACTAB";
    case Op::ACT: return "ACT";
    case Op::MACAB: return "MACAB";
    case Op::PREA: return "PREA";
    case Op::PRE: return "PRE";
    case Op::WRGB: return "WRGB";
    case Op::MVGB: return "MVGB";
    case Op::MVSB: return "MVSB";
    case Op::REFAB: return "REFAB";
    case Op::NOP: return "NOP";
  }
  return "?";
}

inline std::optional<Op> parse_op(std::string_view s) {
  for (Op op : {Op::ACTAB, Op::ACT, Op::MACAB, Op::PREA, Op::PRE, Op::WRGB, Op::MVGB, Op::MVSB, Op::REFAB}) {
    if (s == op_name(op)) return op;
  }
  return std::nullopt;
}

inline bool is_row_command(Op op) {
  return op == Op::ACT || op == Op::ACTAB || op == Op::PRE || op == Op::PREA || op == Op::REFAB;
}
inline bool is_data_command(Op op) { return op == Op::WRGB || op == Op::MVGB || op == Op::MVSB; }

struct Command {
  std::uint64_t cycle = 0;  // issue cycle, from 0 at the start of the run
  Op op = Op::NOP;
  unsigned pch = 0, rank = 0, bg = 0, bank = 0;
  unsigned row = 0, col = 0;
  std::uint64_t mask = 0;   // MACAB: bit i = global bank group i
  Mode mode = Mode::dot;    // MACAB / MVSB: which datapath (not in the trace)
  std::vector<std::uint16_t> data;  // WRGB / MVGB payload: `lanes` 16-bit elements
  // Every field equal (the fast engine's commands against the RTL engine's).
  bool operator==(const Command&) const = default;
};

}  // namespace pim
