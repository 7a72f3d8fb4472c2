// MAC test-vector files for `starcsim vectors` (docs/design.md section 8, "Vectors").
//
// One operation per line, fields separated by blanks, every value hexadecimal bits with or
// without a 0x prefix (16-bit inputs, 32-bit accumulators):
//   dot  FMT ACC A0..A15 B0..B15      -> one result: ACC + tree(mul(Ai, Bi))
//   axpy FMT P ACC0..ACC15 X0..X15    -> 16 results: ACCi + mul(P, Xi)
// FMT is fp16 or bf16 and may change from line to line. Blank lines and lines whose first
// non-blank character is '#' are skipped (and produce no output line).
#pragma once

#include <cstddef>
#include <istream>
#include <string>
#include <string_view>
#include <vector>

#include "host/mac_model.hpp"

namespace pim {

inline constexpr int kVectorLanes = 16;

struct MacVector {
  std::size_t line = 0;  // 1-based line number in the file
  MacOp op;
};

// Parses the whole stream; throws std::runtime_error "SOURCE:LINE: problem" at the first bad
// line (wrong field count, unknown operation or format, bad or too-wide hex).
std::vector<MacVector> parse_mac_vectors(std::istream& in, std::string_view source);

// Reads and parses a file; a missing or unreadable file is an error naming it.
std::vector<MacVector> read_mac_vectors(const std::string& path);

// The output line for one result: `%08x` values separated by one space (1 for dot, 16 for axpy).
std::string format_mac_result(const MacOp& op, const MacResult& res);

}  // namespace pim
