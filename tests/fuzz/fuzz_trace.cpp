// libFuzzer target (issue 15, `make fuzz`): the command-trace parser (host/cmd_trace.hpp
// parse_trace) on arbitrary text, and the independent trace checker (host/trace_checker.hpp) on
// every trace it accepts. Contract: malformed input is a std::exception naming the line, never a
// crash, a hang or a leak.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <sstream>
#include <string>

#include "host/cmd_trace.hpp"
#include "host/trace_checker.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  try {
    const pim::ParsedTrace t = pim::parse_trace(in);
    if (t.lines.size() != t.cmds.size()) std::abort();
    (void)pim::check_trace(t);
  } catch (const std::exception&) {
  }
  return 0;
}
