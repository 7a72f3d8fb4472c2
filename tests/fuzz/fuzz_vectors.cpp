// libFuzzer target (issue 15, `make fuzz`): the MAC vector-file parser of `starcsim vectors`
// (host/mac_vectors.hpp) on arbitrary text. Contract: a bad line is a std::exception naming the
// line, never a crash, a hang or a leak; every accepted operation formats as a result line.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <sstream>
#include <string>

#include "host/mac_vectors.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  try {
    const auto v = pim::parse_mac_vectors(in, "fuzz.vec");
    for (const auto& x : v) {
      if (x.line == 0) std::abort();
      const pim::MacResult zero{};
      (void)pim::format_mac_result(x.op, zero);
    }
  } catch (const std::exception&) {
  }
  return 0;
}
