// Output files of the starcsim subcommands (docs/design.md section 10: nothing half-written).
// Every error names the flag that gave the path.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

namespace starc::cli {

// Checks, before a (long) run starts, that the directory of `path` exists and that `path` is
// not something other than a regular file; an empty path (flag not given) passes. Throws
// std::invalid_argument.
void check_output_dir(std::string_view flag, const std::string& path);

// Checks, before a run, that `path` can become a directory: its parent exists and `path` is
// either absent or a directory; an empty path passes. Throws std::invalid_argument.
void check_output_new_dir(std::string_view flag, const std::string& path);

// Removes the files of a failed run (empty paths are skipped, errors ignored); the caller closes
// them first.
void remove_outputs(std::initializer_list<std::string> paths);

// Writes `text` to `path` through `path`.tmp and a rename, so that a failure never leaves a
// half-written file; refuses a `path` that exists and is not a regular file. Throws
// std::runtime_error.
void write_atomically(std::string_view flag, const std::string& path, const std::string& text);

}  // namespace starc::cli
