// Sweeps (docs/design.md section 15): a grid spec expands into a manifest, one point per line,
// each point one run of a starcsim subcommand. This file holds the spec and the manifest: their
// formats, validation and expansion; nothing here runs a process or knows a flag of the sweep
// command itself (cli/cmd_sweep.cpp does).
//
// Spec (a JSON object; unknown keys refused):
//   {"command": "run",
//    "args": ["--channel", "small", "--context", "{context}", "--seed", "{seed}"],
//    "grid": {"context": [1024, 2048]},            // or {"shard": {"range": [0, 64]}}
//    "seeds": [1, 2],                                // optional (or a range); default: no seed
//    "outputs": ["json", "csv"]}                     // optional, default both
// Points enumerate the grid in the spec's key order (first key outermost), seeds innermost.
// `{name}` in an argument is replaced by the grid value, `{seed}` by the seed; `{dir}` is left
// for the runner (the point's directory). Every grid key and (with several seeds) the seed must
// appear in some argument, or two points would be the same run.
//
// Manifest (JSON lines, one object per point, keys in this order):
//   {"index": 0, "command": "run", "args": [...], "params": {"context": 1024}, "seed": 1,
//    "outputs": ["json", "csv"], "commit": "<git commit of the binary that planned it>"}
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace starc::sweep {

using ordered_json = nlohmann::ordered_json;

// Upper bound on the points of one manifest (a typo in a range should not write gigabytes).
inline constexpr std::size_t kMaxPoints = 10'000'000;

struct SweepSpec {
  std::string command;
  std::vector<std::string> args;                        // with {name} placeholders
  std::vector<std::pair<std::string, std::vector<ordered_json>>> grid;  // key order kept
  std::vector<std::uint64_t> seeds;                     // empty: the points carry no seed
  std::vector<std::string> outputs{"json", "csv"};      // files the runner asks for
};

struct SweepPoint {
  std::size_t index = 0;
  std::string command;
  std::vector<std::string> args;  // placeholders substituted except {dir}
  ordered_json params = ordered_json::object();  // grid key -> value (scalar)
  std::optional<std::uint64_t> seed;
  std::vector<std::string> outputs;
  std::string commit;

  bool wants(const std::string& output) const;
};

// Parses a spec; `source` names it in errors ("FILE: detail"). Throws std::invalid_argument.
SweepSpec parse_spec(const std::string& text, const std::string& source);

// The number of points a spec expands into (grid sizes x seeds), without expanding it.
std::uint64_t count_points(const SweepSpec& spec);

// Every point of the spec, stamped with `commit`. Throws std::invalid_argument above kMaxPoints.
std::vector<SweepPoint> expand(const SweepSpec& spec, const std::string& commit);

// One manifest line (no newline) and its parse. parse_manifest checks every line: a JSON object
// with exactly the keys above and their types, index equal to its line number (0-based), one
// commit, one command and one set of parameter names for all lines, no --json/--csv in the
// arguments (the runner adds them), no empty lines. Errors: "SOURCE:LINE: detail".
std::string manifest_line(const SweepPoint& p);
std::string manifest_text(const std::vector<SweepPoint>& points);
std::vector<SweepPoint> parse_manifest(const std::string& text, const std::string& source);

// One point of a manifest (`sweep run`: a task of a large array reads its own line, not all of
// them): the number of lines, the index (parse_index of `index_text`, named `index_source`)
// checked against it, and that line parsed and checked as parse_manifest checks it, against
// line 1. The other lines are not parsed (plan, local, merge and status check them all).
struct ManifestEntry {
  std::size_t points = 0;
  SweepPoint point;
};
ManifestEntry parse_manifest_point(const std::string& text, const std::string& source, const std::string& index_text,
                                   const std::string& index_source);

// Substitutes `{dir}` in the point's arguments.
std::vector<std::string> args_with_dir(const SweepPoint& p, const std::string& dir);

// "3,5-7,9": indices as ranges, for error messages and status.
std::string index_ranges(const std::vector<std::size_t>& sorted_indices);

// A manifest point index given by the user or by SLURM_ARRAY_TASK_ID (`source` names which):
// a decimal integer in [0, points). Throws std::invalid_argument.
std::size_t parse_index(const std::string& text, std::size_t points, const std::string& source);

}  // namespace starc::sweep
