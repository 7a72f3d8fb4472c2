#include "cli/progress.hpp"

#include <unistd.h>

#include <cmath>

#include <fmt/core.h>

namespace starc::cli {
namespace {

constexpr auto kRedraw = std::chrono::milliseconds(250);

std::string clock_text(double seconds) {
  const auto s = static_cast<long long>(std::llround(seconds));
  if (s >= 3600) return fmt::format("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60);
  return fmt::format("{}:{:02}", s / 60, s % 60);
}

}  // namespace

std::string progress_text(const std::string& unit, std::size_t finished, std::size_t total, std::size_t failed,
                          std::size_t running, double elapsed_seconds) {
  std::string s = fmt::format("{}/{} {}", finished, total, unit);
  if (failed != 0) s += fmt::format(", {} failed", failed);
  if (running != 0) s += fmt::format(", {} running", running);
  s += fmt::format(", {} elapsed", clock_text(elapsed_seconds));
  if (finished > 0 && finished < total)
    s += fmt::format(", ~{} left", clock_text(elapsed_seconds / static_cast<double>(finished) *
                                              static_cast<double>(total - finished)));
  return s;
}

Progress::Progress(std::string unit, std::size_t total, std::FILE* stream, bool force,
                   std::chrono::milliseconds show_after)
    : unit_(std::move(unit)), total_(total), stream_(stream), enabled_(force || isatty(fileno(stream)) == 1),
      show_after_(show_after), start_(std::chrono::steady_clock::now()) {
  if (enabled_) drawer_ = std::thread([this] { draw_loop(); });
}

Progress::~Progress() { finish(); }

void Progress::update(std::size_t finished, std::size_t failed, std::size_t running) {
  std::lock_guard lock(mu_);
  finished_ = finished;
  failed_ = failed;
  running_ = running;
}

void Progress::draw_loop() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    wake_.wait_for(lock, kRedraw);
    const auto elapsed = std::chrono::steady_clock::now() - start_;
    if (stop_ || elapsed < show_after_) continue;  // short runs draw nothing
    drawn_ = true;
    fmt::print(stream_, "\r\033[K{}",
               progress_text(unit_, finished_, total_, failed_, running_,
                             std::chrono::duration<double>(elapsed).count()));
    std::fflush(stream_);
  }
}

void Progress::finish() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (drawer_.joinable()) drawer_.join();
  if (drawn_) {  // the final state, then the end of the line
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    fmt::print(stream_, "\r\033[K{}\n", progress_text(unit_, finished_, total_, failed_, running_, elapsed));
    std::fflush(stream_);
    drawn_ = false;
  }
}

}  // namespace starc::cli
