// The seed of a random test, the one reader of STARC_SEED for every test: STARC_SEED from the
// environment if set, else the test's default; printed so that a failure can be reproduced
// (STARC_SEED=N ctest -R ...). The value is read with base 0 (decimal, 0x hex, 0 octal) and must
// be a whole unsigned number: anything else (`abc`, `12x`, `-1`, out of range, empty) throws
// std::invalid_argument naming STARC_SEED, so a mistyped seed fails the test instead of silently
// becoming 0 or a truncated number.
#pragma once

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>

namespace starc::test {

inline std::uint64_t parse_seed(const char* text) {
  const std::string s = text ? text : "";
  if (s.empty() || s.find_first_not_of("0123456789abcdefABCDEFxX") != std::string::npos)
    throw std::invalid_argument("STARC_SEED='" + s + "' is not an unsigned number (decimal or 0x hex)");
  errno = 0;
  char* end = nullptr;
  const unsigned long long v = std::strtoull(s.c_str(), &end, 0);
  if (errno != 0 || end == s.c_str() || *end != '\0')
    throw std::invalid_argument("STARC_SEED='" + s + "' is not an unsigned 64-bit number (decimal or 0x hex)");
  return v;
}

inline std::uint64_t test_seed(std::uint64_t fallback) {
  const char* s = std::getenv("STARC_SEED");
  const std::uint64_t seed = s ? parse_seed(s) : fallback;
  std::printf("STARC_SEED=%llu (set it to reproduce)\n", static_cast<unsigned long long>(seed));
  return seed;
}

}  // namespace starc::test
