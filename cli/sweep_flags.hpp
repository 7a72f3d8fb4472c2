// What the `starcsim sweep` subcommands share (docs/design.md section 15): reading the manifest
// named by --manifest, the output directory (--out, default the manifest's directory) and the
// commit check.
#pragma once

#include <string>
#include <vector>

#include "host/sweep_manifest.hpp"

namespace starc::cli {

struct SweepFlags {
  std::string manifest;
  std::string out;          // empty: the manifest's directory
  bool any_commit = false;  // run a manifest planned by another commit
};

// The manifest's points; errors name --manifest.
std::vector<sweep::SweepPoint> load_manifest(const SweepFlags& f);

// One point (sweep run): the index from `index_text`, named `index_source` in errors
// (--index or SLURM_ARRAY_TASK_ID); only that line and line 1 are parsed.
sweep::ManifestEntry load_manifest_point(const SweepFlags& f, const std::string& index_text,
                                         const std::string& index_source);

// --out, or the manifest's directory.
std::string sweep_out_dir(const SweepFlags& f);

// Refuses points planned by a commit other than this binary's, unless --any-commit.
void check_commit(const std::vector<sweep::SweepPoint>& points, const SweepFlags& f);

}  // namespace starc::cli
