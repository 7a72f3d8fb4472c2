// The git commit starcsim was built from (cmake/build_commit.cmake writes it at every build):
// 40 hex digits, with "-dirty" when tracked files differed from it, or "unknown" outside git.
// Sweep manifests carry it (docs/design.md section 15).
#pragma once

namespace starc::cli {

const char* build_commit();

}  // namespace starc::cli
