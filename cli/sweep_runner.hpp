// Runs one sweep point (docs/design.md section 15): the point's starcsim subcommand, as a child
// process of this binary, with --json/--csv into a staging directory next to OUT/point-I; the
// staging directory gets the `done` (or `failed`) marker and is then renamed into place, so
// OUT/point-I is either absent, a finished failure or a finished success, never half-written.
#pragma once

#include <string>
#include <vector>

#include "host/sweep_manifest.hpp"

namespace starc::cli {

struct PointRunOptions {
  std::string out;        // the sweep's output directory (exists)
  bool force = false;     // rerun a point that is done
  bool dry_run = false;   // say what would happen, write nothing
};

struct PointOutcome {
  enum class Kind { skipped, would_run, done, failed } kind = Kind::failed;
  double wall_seconds = 0;
  std::string message;  // one line
};

// The command line of a point as it runs (its args, --json/--csv in `dir`), shell-quoted.
std::string point_command_line(const sweep::SweepPoint& p, const std::string& dir);

// Runs (or skips, or describes) one point; thread-safe for distinct points. Throws only on
// errors of the sweep itself (the output directory cannot be written); a failing point is an
// outcome, not an exception.
PointOutcome run_point(const sweep::SweepPoint& p, const PointRunOptions& o);

}  // namespace starc::cli
