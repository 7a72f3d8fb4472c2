#include "cli/progress.hpp"

#include <unistd.h>

#include <cmath>

#include <fmt/core.h>

namespace starc::cli {
namespace {

constexpr double kShowAfterSeconds = 2.0;   // short runs draw nothing
constexpr double kRedrawSeconds = 0.25;

std::string clock_text(double seconds) {
  const auto s = static_cast<long long>(std::llround(seconds));
  if (s >= 3600) return fmt::format("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60);
  return fmt::format("{}:{:02}", s / 60, s % 60);
}

}  // namespace

std::string progress_text(const std::string& unit, std::size_t done, std::size_t total, std::size_t failed,
                          std::size_t running, double elapsed_seconds) {
  std::string s = fmt::format("{}/{} {}", done, total, unit);
  if (failed != 0) s += fmt::format(", {} failed", failed);
  if (running != 0) s += fmt::format(", {} running", running);
  s += fmt::format(", {} elapsed", clock_text(elapsed_seconds));
  if (done > 0 && done < total)
    s += fmt::format(", ~{} left", clock_text(elapsed_seconds / static_cast<double>(done) *
                                              static_cast<double>(total - done)));
  return s;
}

Progress::Progress(std::string unit, std::size_t total, std::FILE* stream, bool force)
    : unit_(std::move(unit)), total_(total), stream_(stream), enabled_(force || isatty(fileno(stream)) == 1),
      start_(std::chrono::steady_clock::now()), last_(start_) {}

Progress::~Progress() { finish(); }

void Progress::update(std::size_t done, std::size_t failed, std::size_t running) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  if (elapsed < kShowAfterSeconds || (drawn_ && std::chrono::duration<double>(now - last_).count() < kRedrawSeconds))
    return;
  last_ = now;
  drawn_ = true;
  fmt::print(stream_, "\r\033[K{}", progress_text(unit_, done, total_, failed, running, elapsed));
  std::fflush(stream_);
}

void Progress::finish() {
  if (drawn_) {
    fmt::print(stream_, "\n");
    std::fflush(stream_);
  }
  drawn_ = false;
}

}  // namespace starc::cli
