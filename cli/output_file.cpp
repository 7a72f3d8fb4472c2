#include "cli/output_file.hpp"

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <system_error>

#include <fmt/core.h>

namespace starc::cli {

void check_output_dir(std::string_view flag, const std::string& path) {
  if (path.empty()) return;
  const std::filesystem::path p(path);
  const auto dir = p.parent_path();
  if (!dir.empty() && !std::filesystem::is_directory(dir))
    throw std::invalid_argument(fmt::format("{}: directory '{}' does not exist", flag, dir.string()));
  std::error_code ec;
  const auto st = std::filesystem::symlink_status(p, ec);
  if (!ec && std::filesystem::exists(st) && !std::filesystem::is_regular_file(st))
    throw std::invalid_argument(fmt::format("{}: '{}' exists and is not a regular file", flag, path));
}

void check_output_new_dir(std::string_view flag, const std::string& path) {
  if (path.empty()) return;
  const std::filesystem::path d(path);
  if (!d.parent_path().empty() && !std::filesystem::is_directory(d.parent_path()))
    throw std::invalid_argument(fmt::format("{}: directory '{}' does not exist", flag, d.parent_path().string()));
  if (std::filesystem::exists(d) && !std::filesystem::is_directory(d))
    throw std::invalid_argument(fmt::format("{}: '{}' exists and is not a directory", flag, path));
}

void remove_outputs(std::initializer_list<std::string> paths) {
  std::error_code ec;
  for (const auto& p : paths)
    if (!p.empty()) std::filesystem::remove(p, ec);
}

void write_atomically(std::string_view flag, const std::string& path, const std::string& text) {
  const std::filesystem::path target(path);
  std::filesystem::path tmp = target;
  tmp += ".tmp";
  std::error_code ec;
  // Replace only regular files (never a device, a directory or what a symlink points at).
  const auto st = std::filesystem::symlink_status(target, ec);
  if (!ec && std::filesystem::exists(st) && !std::filesystem::is_regular_file(st))
    throw std::runtime_error(fmt::format("{}: '{}' exists and is not a regular file", flag, path));
  ec.clear();
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) throw std::runtime_error(fmt::format("{}: cannot write '{}'", flag, path));
    f << text;
    f.flush();
    if (!f) {
      std::filesystem::remove(tmp, ec);
      throw std::runtime_error(fmt::format("{}: write to '{}' failed", flag, path));
    }
  }
  std::filesystem::rename(tmp, target, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    throw std::runtime_error(fmt::format("{}: cannot rename into '{}'", flag, path));
  }
}

}  // namespace starc::cli
