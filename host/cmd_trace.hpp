// Command trace of docs/design.md section 8: one command per line,
//   cycle CMD pch rank bg bank row col mask
// with `-` for unused fields; mask (MACAB only) is hexadecimal, bit i = global bank group i.
// Header: `# org pch=P rank=R bg=G bank=B`, `# timing nRCD=.. nRP=.. nRAS=.. nRC=.. nRTPL=..
// nCCDAB=.. nRRDS=.. nRRDL=.. nFAW=.. nBL=..`, then a third comment line
// `# timing-extra nCCDS=.. nCCDL=.. nROW=..` with the table values the second line does not
// carry, so that every rule of section 2 can be checked from the file alone. parse_trace needs
// all three header lines (a missing one is an error naming it; there are no defaults).
#pragma once

#include <iosfwd>
#include <span>
#include <string>
#include <vector>

#include "contracts/dram_timing.hpp"
#include "contracts/pim_command.hpp"
#include "contracts/pim_org.hpp"

namespace pim {

void write_trace_header(std::ostream& os, const Org& org, const Timing& timing);
void write_trace_line(std::ostream& os, const Command& cmd);
// Comment lines interleaved with the trace: before command `index`, write "# text".
struct TraceMark {
  std::size_t index = 0;
  std::string text;
};
void write_trace(std::ostream& os, const Org& org, const Timing& timing,
                 std::span<const Command> cmds, std::span<const TraceMark> marks = {});
// Writes to a file; throws std::runtime_error naming the path if it cannot be written.
void write_trace_file(const std::string& path, const Org& org, const Timing& timing,
                      const std::vector<Command>& cmds);

struct ParsedTrace {
  Org org;
  Timing timing;
  std::vector<Command> cmds;  // data/mode are not in the trace and stay empty/default
  std::vector<unsigned> lines;  // source line of each command
};
// Parses a trace; throws std::invalid_argument naming the line on malformed input.
ParsedTrace parse_trace(std::istream& is);

}  // namespace pim
