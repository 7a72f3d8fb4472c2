#include "cli/sweep_runner.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <thread>

#include <fmt/core.h>

#include "cli/build_commit.hpp"
#include "cli/output_file.hpp"
#include "host/sweep_merge.hpp"

extern char** environ;

namespace starc::cli {
namespace {

namespace fs = std::filesystem;

std::string self_exe() {
  std::error_code ec;
  const auto p = fs::read_symlink("/proc/self/exe", ec);
  if (ec) throw std::runtime_error("sweep: cannot find the starcsim binary (/proc/self/exe)");
  return p.string();
}

std::string shell_quote(const std::string& s) {
  if (!s.empty() && s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=,:@+") ==
                        std::string::npos)
    return s;
  std::string q = "'";
  for (char c : s) {
    if (c == '\'')
      q += "'\\''";
    else
      q += c;
  }
  return q + "'";
}

std::vector<std::string> point_argv(const sweep::SweepPoint& p, const std::string& dir) {
  std::vector<std::string> argv{p.command};
  for (auto& a : sweep::args_with_dir(p, dir)) argv.push_back(std::move(a));
  if (p.wants("json")) argv.insert(argv.end(), {"--json", (fs::path(dir) / sweep::kResultJson).string()});
  if (p.wants("csv")) argv.insert(argv.end(), {"--csv", (fs::path(dir) / sweep::kResultCsv).string()});
  return argv;
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string last_line(const std::string& s) {
  auto end = s.find_last_not_of("\r\n \t");
  if (end == std::string::npos) return "";
  const auto start = s.rfind('\n', end);
  return s.substr(start == std::string::npos ? 0 : start + 1, end + 1 - (start == std::string::npos ? 0 : start + 1));
}

// Runs `exe argv...` with stdout and stderr into files; returns the wait status and sets
// `cpu_seconds` to the child's user + system time.
int spawn_and_wait(const std::string& exe, const std::vector<std::string>& args, const fs::path& out_file,
                   const fs::path& err_file, double& cpu_seconds) {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&fa, 2, err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::vector<std::string> all{exe};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, exe.c_str(), &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) throw std::runtime_error(fmt::format("sweep: cannot start '{}' (error {})", exe, rc));
  int status = 0;
  rusage ru{};
  while (wait4(pid, &status, 0, &ru) < 0)
    if (errno != EINTR) throw std::runtime_error("sweep: wait4 failed");
  cpu_seconds = static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
                static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e-6;
  return status;
}

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string host_name() {
  char buf[256] = {};
  gethostname(buf, sizeof buf - 1);
  return buf;
}

// Replaces `dir` by `staging` with two renames (the old directory is removed after).
void install(const fs::path& staging, const fs::path& dir) {
  std::error_code ec;
  fs::path old = dir;
  old += fmt::format(".old-{}", static_cast<long>(getpid()));
  if (fs::exists(dir)) {
    fs::rename(dir, old, ec);
    if (ec) throw std::runtime_error(fmt::format("sweep: cannot replace '{}' ({})", dir.string(), ec.message()));
  }
  fs::rename(staging, dir, ec);
  if (ec) throw std::runtime_error(fmt::format("sweep: cannot rename into '{}' ({})", dir.string(), ec.message()));
  fs::remove_all(old, ec);
}

}  // namespace

std::string point_command_line(const sweep::SweepPoint& p, const std::string& dir) {
  std::string s = "starcsim";
  for (const auto& a : point_argv(p, dir)) {
    s += ' ';
    s += shell_quote(a);
  }
  return s;
}

PointOutcome run_point(const sweep::SweepPoint& p, const PointRunOptions& o) {
  const fs::path dir = sweep::point_dir(o.out, p.index);
  const auto status = sweep::point_status(o.out, p.index);
  PointOutcome r;
  if (status.state == sweep::PointState::done && !o.force) {
    r.kind = PointOutcome::Kind::skipped;
    r.message = fmt::format("point {}: done already, skipped ({})", p.index, dir.string());
    return r;
  }
  if (o.dry_run) {
    r.kind = PointOutcome::Kind::would_run;
    r.message = fmt::format("point {}: would run{}: {}", p.index,
                            status.state == sweep::PointState::done     ? " (done, forced)"
                            : status.state == sweep::PointState::failed ? " (failed before)"
                                                                        : "",
                            point_command_line(p, dir.string()));
    return r;
  }
  fs::path staging = dir.parent_path() / fmt::format(".point-{}.staging-{}", p.index, static_cast<long>(getpid()));
  std::error_code ec;
  fs::remove_all(staging, ec);
  if (!fs::create_directory(staging, ec) || ec)
    throw std::runtime_error(fmt::format("sweep: cannot create '{}' ({})", staging.string(), ec.message()));
  // The point runs in the staging directory; {dir} names the final one only after the rename,
  // so the arguments get the staging path and point.json records both.
  const auto argv = point_argv(p, staging.string());
  const auto t0 = std::chrono::steady_clock::now();
  const std::string started = utc_now();
  int wstatus = 0;
  double cpu_seconds = 0;
  try {
    wstatus = spawn_and_wait(self_exe(), argv, staging / "stdout.txt", staging / "stderr.txt", cpu_seconds);
  } catch (...) {
    fs::remove_all(staging, ec);
    throw;
  }
  r.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::string failure;
  if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) != 0) {
    failure = fmt::format("exit {}: {}", WEXITSTATUS(wstatus), last_line(read_text(staging / "stderr.txt")));
  } else if (WIFSIGNALED(wstatus)) {
    failure = fmt::format("killed by signal {}", WTERMSIG(wstatus));
  } else {
    for (const auto& [output, file] : {std::pair{"json", sweep::kResultJson}, std::pair{"csv", sweep::kResultCsv}})
      if (p.wants(output) && !fs::is_regular_file(staging / file))
        failure = fmt::format("exit 0 but no {} written", file);
  }
  sweep::ordered_json info;
  info["point"] = sweep::ordered_json::parse(sweep::manifest_line(p));
  info["argv"] = argv;
  info["exit_status"] = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1;
  info["failure"] = failure;
  info["started_utc"] = started;
  info["wall_seconds"] = r.wall_seconds;
  info["cpu_seconds"] = cpu_seconds;
  info["host"] = host_name();
  info["binary_commit"] = build_commit();
  for (const char* var : {"SLURM_JOB_ID", "SLURM_ARRAY_JOB_ID", "SLURM_ARRAY_TASK_ID"})
    if (const char* v = std::getenv(var)) info["slurm"][var] = v;
  try {
    write_atomically("sweep", (staging / "point.json").string(), info.dump(2) + "\n");
    write_atomically("sweep", (staging / (failure.empty() ? sweep::kDoneMarker : sweep::kFailedMarker)).string(),
                     (failure.empty() ? std::string("done") : failure) + "\n");
    install(staging, dir);
  } catch (...) {
    fs::remove_all(staging, ec);
    throw;
  }
  r.kind = failure.empty() ? PointOutcome::Kind::done : PointOutcome::Kind::failed;
  r.message = failure.empty()
                  ? fmt::format("point {}: done in {:.1f} s ({})", p.index, r.wall_seconds, dir.string())
                  : fmt::format("point {}: failed after {:.1f} s, {} (see {}/stderr.txt)", p.index, r.wall_seconds,
                                failure, dir.string());
  return r;
}

}  // namespace starc::cli
