// starcsim sweep local: every point of a manifest that is not done, N at a time on this
// machine (a pool of threads, each running one point's process, cli/sweep_runner.hpp), with a
// progress line on a terminal (docs/design.md section 15). The same point runner as `sweep run`
// and the Slurm array, so a local sweep and an array sweep write the same point directories.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>

#include <fmt/core.h>

#include "cli/commands.hpp"
#include "cli/output_file.hpp"
#include "cli/progress.hpp"
#include "cli/sweep_flags.hpp"
#include "cli/sweep_runner.hpp"
#include "host/sweep_merge.hpp"

namespace starc::cli {
namespace {

struct LocalArgs {
  SweepFlags sweep;
  unsigned jobs = 0;  // 0: every core
  bool force = false, dry_run = false;
};

void local(const LocalArgs& a) {
  const auto points = load_manifest(a.sweep);
  check_commit(points, a.sweep);
  if (a.jobs > 256) throw std::invalid_argument(fmt::format("--jobs: {} is above 256", a.jobs));
  const unsigned jobs = a.jobs != 0 ? a.jobs : std::max(1u, std::thread::hardware_concurrency());
  const std::string out = sweep_out_dir(a.sweep);
  check_output_new_dir("--out", out);
  if (!a.dry_run) std::filesystem::create_directories(out);
  const PointRunOptions opts{out, a.force, a.dry_run};

  std::vector<std::size_t> todo;
  std::size_t skipped = 0;
  for (const auto& p : points) {
    if (!a.force && sweep::point_status(out, p.index).state == sweep::PointState::done) {
      ++skipped;
      continue;
    }
    todo.push_back(p.index);
  }
  if (a.dry_run) {
    for (auto i : todo) fmt::print("sweep local: {}\n", run_point(points[i], opts).message);
    fmt::print("sweep local: dry run, {} of {} points would run ({} done), -j {}\n", todo.size(), points.size(),
               skipped, jobs);
    return;
  }

  std::mutex mu;
  std::condition_variable changed;
  std::size_t next = 0, finished = 0, running = 0;
  std::vector<std::size_t> failed;
  std::string error;  // an error of the sweep itself (not of a point) stops the pool
  auto worker = [&] {
    for (;;) {
      std::size_t i;
      {
        std::lock_guard lock(mu);
        if (next == todo.size() || !error.empty()) return;
        i = todo[next++];
        ++running;
      }
      PointOutcome r;
      std::string err;
      try {
        r = run_point(points[i], opts);
      } catch (const std::exception& e) {
        err = e.what();
      }
      std::lock_guard lock(mu);
      --running;
      ++finished;
      if (!err.empty() && error.empty()) error = err;
      if (err.empty() && r.kind == PointOutcome::Kind::failed) failed.push_back(i);
      changed.notify_all();
    }
  };
  Progress progress("points", todo.size());
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < std::min<std::size_t>(jobs, todo.size()); ++t) pool.emplace_back(worker);
  {
    std::unique_lock lock(mu);
    while (finished < todo.size() && (error.empty() || running > 0)) {
      changed.wait_for(lock, std::chrono::milliseconds(250));
      progress.update(finished, failed.size(), running);
    }
  }
  for (auto& t : pool) t.join();
  progress.finish();
  if (!error.empty()) throw std::runtime_error(error);
  std::sort(failed.begin(), failed.end());
  fmt::print("sweep local: {} points: {} run, {} failed{}, {} done already (-j {}, {})\n", points.size(),
             todo.size(), failed.size(), failed.empty() ? "" : " (" + sweep::index_ranges(failed) + ")", skipped,
             jobs, out);
  if (!failed.empty())
    throw std::runtime_error(fmt::format("sweep local: {} points failed, first: point {}: {}", failed.size(),
                                         failed.front(), sweep::point_status(out, failed.front()).detail));
}

}  // namespace

void add_sweep_local_command(CLI::App& sweep_cmd) {
  auto a = std::make_shared<LocalArgs>();
  CLI::App* c = sweep_cmd.add_subcommand("local", "run every point not done on this machine, --jobs at a time "
                                                  "(progress on a terminal)");
  c->add_option("--manifest", a->sweep.manifest, "the sweep's manifest (JSON lines, `sweep plan` writes it)")
      ->required();
  c->add_option("--out", a->sweep.out, "directory of the point directories point-I (default: the manifest's)");
  c->add_flag("--any-commit", a->sweep.any_commit, "run a manifest planned at another git commit than this binary's");
  c->add_option("-j,--jobs", a->jobs, "points at once (default: every core)");
  c->add_flag("--force", a->force, "rerun points that are done");
  c->add_flag("--dry-run", a->dry_run, "print what would run, write nothing");
  c->callback([a] { local(*a); });
}

}  // namespace starc::cli
