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

namespace {

// The path as a comparable file identity (symlinks and `..` resolved as far as the path exists).
std::filesystem::path identity(const std::string& path) {
  std::error_code ec;
  auto p = std::filesystem::weakly_canonical(std::filesystem::absolute(path), ec);
  return ec ? std::filesystem::absolute(path).lexically_normal() : p;
}

bool same_file(const std::string& a, const std::string& b) {
  std::error_code ec;
  if (std::filesystem::equivalent(a, b, ec) && !ec) return true;
  return identity(a) == identity(b);
}

// Whether a file can be created next to `path` (where write_atomically puts PATH.tmp).
bool can_write(const std::string& path) {
  std::filesystem::path probe(path);
  probe += ".tmp";
  std::error_code ec;
  const bool existed = std::filesystem::exists(probe, ec);
  bool ok = false;
  {
    std::ofstream f(probe, std::ios::binary | std::ios::app);
    ok = static_cast<bool>(f);
  }
  if (!existed) std::filesystem::remove(probe, ec);
  if (ok && std::filesystem::exists(path, ec)) {
    std::ofstream f(path, std::ios::binary | std::ios::app);  // opens, writes nothing
    ok = static_cast<bool>(f);
  }
  return ok;
}

}  // namespace

void check_outputs(const std::vector<FlagPath>& outputs, const std::vector<FlagPath>& inputs) {
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    const FlagPath& o = outputs[i];
    if (o.path.empty()) continue;
    check_output_dir(o.flag, o.path);
    for (const FlagPath& in : inputs)
      if (!in.path.empty() && same_file(o.path, in.path))
        throw std::invalid_argument(fmt::format("{}: '{}' is the input {} (it would be overwritten)", o.flag,
                                                o.path, in.flag));
    for (std::size_t k = 0; k < i; ++k)
      if (!outputs[k].path.empty() && same_file(o.path, outputs[k].path))
        throw std::invalid_argument(fmt::format("{}: '{}' is also the output of {}", o.flag, o.path,
                                                outputs[k].flag));
    if (!can_write(o.path)) throw std::invalid_argument(fmt::format("{}: cannot write '{}'", o.flag, o.path));
  }
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
