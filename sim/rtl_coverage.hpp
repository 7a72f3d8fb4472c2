// RTL coverage (issue 15, `make coverage`, scripts/coverage.sh): in a Verilated build with
// coverage (cmake -DSTARC_RTL_COVERAGE=ON: --coverage-line --coverage-toggle, which defines
// VM_COVERAGE for the model's library), every VerilatedContext writes its coverage counts to a
// file of its own in $STARC_COVERAGE_DIR when it is destroyed; the script merges them. In every
// other build (VM_COVERAGE 0 or undefined) this does nothing.
#pragma once

#include <verilated.h>

#if VM_COVERAGE
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <string>

#include <verilated_cov.h>
#endif

namespace pim {

// Internal linkage: the body depends on VM_COVERAGE, which differs between libraries.
[[maybe_unused]] static void write_rtl_coverage([[maybe_unused]] VerilatedContext* ctx,
                                                [[maybe_unused]] const char* model) {
#if VM_COVERAGE
  static unsigned count = 0;
  const char* dir = std::getenv("STARC_COVERAGE_DIR");
  if (dir == nullptr || *dir == '\0') return;
  const std::string path = std::string(dir) + "/" + model + "_" + std::to_string(::getpid()) + "_" +
                           std::to_string(reinterpret_cast<std::uintptr_t>(ctx)) + "_" +
                           std::to_string(count++) + ".dat";
  ctx->coveragep()->write(path.c_str());
#endif
}

}  // namespace pim
