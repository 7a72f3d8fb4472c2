// Sweep points on disk and their merge (docs/design.md section 15). A point's directory
// `OUT/point-I/` holds what its run wrote: result.json and result.csv (the outputs it asked
// for), stdout.txt, stderr.txt, point.json (its manifest line, exit status, wall time, host,
// Slurm ids) and one marker: `done` after success, `failed` (one line: why) otherwise. The
// runner builds it in a staging directory and renames it into place, so a point directory is
// never half-written.
#pragma once

#include <string>
#include <vector>

#include "host/sweep_manifest.hpp"

namespace starc::sweep {

inline constexpr const char* kResultJson = "result.json";
inline constexpr const char* kResultCsv = "result.csv";
inline constexpr const char* kDoneMarker = "done";
inline constexpr const char* kFailedMarker = "failed";

std::string point_dir(const std::string& out, std::size_t index);

enum class PointState { missing, failed, done };

struct PointStatus {
  PointState state = PointState::missing;
  std::string detail;  // failed: the marker's line
};

PointStatus point_status(const std::string& out, std::size_t index);

struct SweepStatus {
  std::vector<std::size_t> done, failed, missing;
  std::string summary(std::size_t total) const;  // "4 points: 3 done, 1 failed (2), 0 missing"
};
SweepStatus sweep_status(const std::vector<SweepPoint>& points, const std::string& out);

// The records of an RFC 4180 CSV text (quoted fields may hold commas, quotes, newlines); each
// record is returned as its raw text without the line break. Throws on an unterminated quote.
std::vector<std::string> csv_records(const std::string& text, const std::string& source);
std::string csv_field(const std::string& s);

struct MergedSweep {
  std::string csv;   // empty when the points write no CSV
  std::string json;  // always
};

// Merges every point of the manifest: all must be done (else std::runtime_error naming the
// missing and failed points and the first failure's reason). CSV: columns sweep_point,
// sweep_<param>..., sweep_seed (when the points carry seeds), then the points' own columns
// (every point's header must be the same); one row per row of every point, in point order.
// JSON: {"sweep": {commit, command, points, params}, "points": [{index, params, seed, args,
// result}]}, result being the point's JSON report.
MergedSweep merge_sweep(const std::vector<SweepPoint>& points, const std::string& out);

}  // namespace starc::sweep
