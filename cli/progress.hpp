// A progress line on a terminal (docs/design.md section 14): units done of a total, failures,
// elapsed and estimated remaining time, redrawn in place at most a few times a second and only
// once a run has taken a couple of seconds; nothing at all when the stream is not a terminal
// (a log file, a pipe, a Slurm job), so captured output stays clean.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdio>
#include <string>

namespace starc::cli {

// "3/16 points, 1 failed, 2 running, 0:42 elapsed, ~1:30 left" (pure; tests call it).
// `remaining` is estimated from the mean time per finished unit so far.
std::string progress_text(const std::string& unit, std::size_t done, std::size_t total, std::size_t failed,
                          std::size_t running, double elapsed_seconds);

class Progress {
 public:
  // Enabled when `stream` is a terminal (or `force`, for tests).
  Progress(std::string unit, std::size_t total, std::FILE* stream = stderr, bool force = false);
  ~Progress();
  void update(std::size_t done, std::size_t failed, std::size_t running);
  void finish();  // ends the line (if one was drawn)
  bool enabled() const { return enabled_; }

 private:
  std::string unit_;
  std::size_t total_;
  std::FILE* stream_;
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_, last_;
};

}  // namespace starc::cli
