// The seed of a random test: STARC_SEED from the environment if set, else the test's default;
// printed so that a failure can be reproduced (STARC_SEED=N ctest -R ...).
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace starc::test {

inline std::uint64_t test_seed(std::uint64_t fallback) {
  const char* s = std::getenv("STARC_SEED");
  const std::uint64_t seed = s ? std::strtoull(s, nullptr, 10) : fallback;
  std::printf("STARC_SEED=%llu\n", static_cast<unsigned long long>(seed));
  return seed;
}

}  // namespace starc::test
