#include "cli/sweep_flags.hpp"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include <fmt/core.h>

#include "cli/build_commit.hpp"

namespace starc::cli {

namespace {

std::string manifest_text(const SweepFlags& f) {
  if (f.manifest.empty()) throw std::invalid_argument("--manifest: required");
  if (!std::filesystem::is_regular_file(f.manifest))
    throw std::invalid_argument(fmt::format("--manifest: '{}' is not a file", f.manifest));
  std::ifstream in(f.manifest, std::ios::binary);
  if (!in) throw std::invalid_argument(fmt::format("--manifest: cannot read '{}'", f.manifest));
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

std::vector<sweep::SweepPoint> load_manifest(const SweepFlags& f) {
  const std::string text = manifest_text(f);
  try {
    return sweep::parse_manifest(text, f.manifest);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(fmt::format("--manifest: {}", e.what()));
  }
}

sweep::ManifestEntry load_manifest_point(const SweepFlags& f, const std::string& index_text,
                                         const std::string& index_source) {
  const std::string text = manifest_text(f);
  try {
    return sweep::parse_manifest_point(text, f.manifest, index_text, index_source);
  } catch (const std::invalid_argument& e) {
    const std::string msg = e.what();
    if (msg.rfind(index_source + ":", 0) == 0) throw;  // the index's own error names it
    throw std::invalid_argument(fmt::format("--manifest: {}", msg));
  }
}

std::string sweep_out_dir(const SweepFlags& f) {
  if (!f.out.empty()) return f.out;
  const auto dir = std::filesystem::path(f.manifest).parent_path();
  return dir.empty() ? "." : dir.string();
}

void check_commit(const std::vector<sweep::SweepPoint>& points, const SweepFlags& f) {
  if (f.any_commit || points.empty()) return;
  const std::string mine = build_commit();
  if (points.front().commit != mine)
    throw std::invalid_argument(fmt::format(
        "--manifest: '{}' was planned at commit {}, this starcsim was built from {} (build that commit, or "
        "--any-commit to run it anyway)",
        f.manifest, points.front().commit, mine));
}

}  // namespace starc::cli
