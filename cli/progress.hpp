// A progress line on a terminal (docs/design.md section 15): units finished of a total,
// failures, units running, elapsed and estimated remaining time, redrawn in place four times a
// second by a thread of its own (so the clock moves while a long unit runs), first drawn once a
// run has taken two seconds; nothing at all when the stream is not a terminal (a log file, a
// pipe, a Slurm job), so captured output stays clean.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>

namespace starc::cli {

// "3/16 points, 1 failed, 2 running, 0:42 elapsed, ~1:30 left" (pure; tests call it).
// `finished` counts failures too; the time left is the mean time per finished unit so far
// times the units not finished.
std::string progress_text(const std::string& unit, std::size_t finished, std::size_t total, std::size_t failed,
                          std::size_t running, double elapsed_seconds);

class Progress {
 public:
  // Enabled when `stream` is a terminal (or `force`, for tests); draws from `show_after` on.
  Progress(std::string unit, std::size_t total, std::FILE* stream = stderr, bool force = false,
           std::chrono::milliseconds show_after = std::chrono::seconds(2));
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;
  void update(std::size_t finished, std::size_t failed, std::size_t running);
  void finish();  // stops redrawing and ends the line (if one was drawn); idempotent
  bool enabled() const { return enabled_; }

 private:
  void draw_loop();
  std::string unit_;
  std::size_t total_;
  std::FILE* stream_;
  bool enabled_;
  std::chrono::milliseconds show_after_;
  std::chrono::steady_clock::time_point start_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false, drawn_ = false;
  std::size_t finished_ = 0, failed_ = 0, running_ = 0;
  std::thread drawer_;
};

}  // namespace starc::cli
