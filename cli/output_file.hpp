// Output files of the starcsim subcommands (docs/design.md section 10: nothing half-written).
// Every error names the flag that gave the path.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace starc::cli {

// Checks, before a (long) run starts, that the directory of `path` exists and that `path` is
// not something other than a regular file; an empty path (flag not given) passes. Throws
// std::invalid_argument.
void check_output_dir(std::string_view flag, const std::string& path);

// Checks, before a run, that `path` can become a directory: its parent exists and `path` is
// either absent or a directory; an empty path passes. Throws std::invalid_argument.
void check_output_new_dir(std::string_view flag, const std::string& path);

// A path a flag gives (an output file, or an input file it must not overwrite).
struct FlagPath {
  std::string flag;
  std::string path;  // empty: the flag was not given
};

// Checks every output of a command before any work (docs/design.md section 10): its directory
// exists, it is not something other than a regular file, it can be written (a probe file
// `PATH.tmp` is created in its directory and removed), no two outputs are the same file, and no
// output is one of the `inputs`. Empty paths are skipped. Throws std::invalid_argument naming
// the flag(s).
void check_outputs(const std::vector<FlagPath>& outputs, const std::vector<FlagPath>& inputs);

// Removes the files of a failed run (empty paths are skipped, errors ignored); the caller closes
// them first.
void remove_outputs(std::initializer_list<std::string> paths);

// Writes `text` to `path` through `path`.tmp and a rename, so that a failure never leaves a
// half-written file; refuses a `path` that exists and is not a regular file. Throws
// std::runtime_error.
void write_atomically(std::string_view flag, const std::string& path, const std::string& text);

}  // namespace starc::cli
