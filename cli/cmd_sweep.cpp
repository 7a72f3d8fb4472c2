// starcsim sweep plan|run|merge|status (and local, cmd_sweep_local.cpp): many runs of one
// subcommand from a manifest, one point per line, run by index here, in a local process pool or
// as a Slurm job array (scripts/slurm/), then merged into one CSV and one JSON
// (docs/design.md section 15).
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <stdexcept>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "cli/build_commit.hpp"
#include "cli/commands.hpp"
#include "cli/output_file.hpp"
#include "cli/sweep_flags.hpp"
#include "cli/sweep_runner.hpp"
#include "host/sweep_merge.hpp"

namespace starc::cli {
namespace {

namespace fs = std::filesystem;

struct PlanArgs {
  std::string spec, manifest;
  bool force = false, dry_run = false;
};

// The spec's command must be a subcommand of this binary with the outputs the spec asks for.
void check_spec_command(CLI::App& app, const sweep::SweepSpec& s, const std::string& spec_file) {
  CLI::App* sub = nullptr;
  try {
    sub = app.get_subcommand(s.command);
  } catch (const CLI::OptionNotFound&) {
  }
  if (sub == nullptr || s.command == "sweep")
    throw std::invalid_argument(
        fmt::format("--spec: {}: command '{}' is not a subcommand of this starcsim", spec_file, s.command));
  for (const auto& o : s.outputs)
    if (sub->get_option_no_throw("--" + o) == nullptr)
      throw std::invalid_argument(fmt::format("--spec: {}: 'starcsim {}' has no --{} (set \"outputs\")", spec_file,
                                              s.command, o));
}

void plan(CLI::App& app, const PlanArgs& a) {
  if (a.manifest.empty() && !a.dry_run) throw std::invalid_argument("--manifest: required (or --dry-run)");
  if (!fs::is_regular_file(a.spec)) throw std::invalid_argument(fmt::format("--spec: '{}' is not a file", a.spec));
  std::ifstream in(a.spec, std::ios::binary);
  const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  sweep::SweepSpec spec;
  try {
    spec = sweep::parse_spec(text, a.spec);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(fmt::format("--spec: {}", e.what()));
  }
  check_spec_command(app, spec, a.spec);
  const std::uint64_t n = sweep::count_points(spec);
  if (a.dry_run) {
    // Large sweeps are counted, not expanded: the first point shows the shape.
    sweep::SweepSpec one = spec;
    for (auto& [name, values] : one.grid) values.erase(values.begin() + 1, values.end());
    if (!one.seeds.empty()) one.seeds.erase(one.seeds.begin() + 1, one.seeds.end());
    const auto first = sweep::expand(one, build_commit());
    fmt::print("sweep plan: {} points of 'starcsim {}' (commit {}); point 0: {}\n", n, spec.command, build_commit(),
               point_command_line(first.front(), "point-0"));
    return;
  }
  if (!a.force && fs::exists(a.manifest))
    throw std::invalid_argument(
        fmt::format("--manifest: '{}' exists (its points may have run; --force to overwrite)", a.manifest));
  check_outputs({{"--manifest", a.manifest}}, {{"--spec", a.spec}});
  const auto points = sweep::expand(spec, build_commit());
  write_atomically("--manifest", a.manifest, sweep::manifest_text(points));
  fmt::print("sweep plan: {} points of 'starcsim {}' (commit {}) -> {}\n", points.size(), spec.command,
             build_commit(), a.manifest);
}

struct RunArgs {
  SweepFlags sweep;
  std::string index;
  bool force = false, dry_run = false;
};

void run(const RunArgs& a) {
  std::string index_text, index_source = "--index";
  if (!a.index.empty()) {
    index_text = a.index;
  } else if (const char* task = std::getenv("SLURM_ARRAY_TASK_ID")) {
    index_text = task;
    index_source = "SLURM_ARRAY_TASK_ID";
  } else {
    throw std::invalid_argument("--index: not given and SLURM_ARRAY_TASK_ID is not set");
  }
  // Only this point's line (and line 1) is parsed: a task of a large array need not read all.
  const auto entry = load_manifest_point(a.sweep, index_text, index_source);
  check_commit({entry.point}, a.sweep);
  const std::string out = sweep_out_dir(a.sweep);
  check_output_new_dir("--out", out);
  if (!a.dry_run) fs::create_directories(out);
  const auto r = run_point(entry.point, {out, a.force, a.dry_run});
  // A failed point is the command's one error line (and its exit status, for Slurm).
  if (r.kind == PointOutcome::Kind::failed) throw std::runtime_error(fmt::format("sweep run: {}", r.message));
  fmt::print("sweep run: {}\n", r.message);
}

struct MergeArgs {
  SweepFlags sweep;
  std::string csv, json;
};

void merge(const MergeArgs& a) {
  const auto points = load_manifest(a.sweep);
  const std::string out = sweep_out_dir(a.sweep);
  if (!fs::is_directory(out)) throw std::invalid_argument(fmt::format("--out: '{}' is not a directory", out));
  const bool want_csv = points.front().wants("csv");
  const std::string csv = !a.csv.empty() ? a.csv : want_csv ? (fs::path(out) / "sweep.csv").string() : "";
  const std::string json = !a.json.empty() ? a.json : (fs::path(out) / "sweep.json").string();
  if (!a.csv.empty() && !want_csv) throw std::invalid_argument("--csv: the points write no CSV (outputs)");
  check_outputs({{"--csv", csv}, {"--json", json}}, {{"--manifest", a.sweep.manifest}});
  sweep::MergedSweep m;
  try {
    m = sweep::merge_sweep(points, out);
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(fmt::format("sweep merge: {}", e.what()));
  }
  write_atomically("--json", json, m.json);
  try {
    if (!csv.empty()) write_atomically("--csv", csv, m.csv);
  } catch (...) {
    remove_outputs({json});
    throw;
  }
  fmt::print("sweep merge: {} points -> {}{}\n", points.size(), json, csv.empty() ? "" : ", " + csv);
}

void status(const SweepFlags& f) {
  const auto points = load_manifest(f);
  const std::string out = sweep_out_dir(f);
  const auto s = sweep::sweep_status(points, out);
  fmt::print("sweep status: {} (in {})\n", s.summary(points.size()), out);
  // The measured time per point (point.json of every point done): what a sweep's size costs.
  double wall = 0, cpu = 0, wall_max = 0;
  std::size_t timed = 0;
  for (auto i : s.done) {
    std::ifstream in(fs::path(sweep::point_dir(out, i)) / "point.json");
    const auto j = nlohmann::json::parse(in, nullptr, false);
    if (j.is_discarded() || !j.contains("wall_seconds") || !j.contains("cpu_seconds")) continue;
    wall += j["wall_seconds"].get<double>();
    cpu += j["cpu_seconds"].get<double>();
    wall_max = std::max(wall_max, j["wall_seconds"].get<double>());
    ++timed;
  }
  if (timed != 0)
    fmt::print("  time per done point ({} timed): wall {:.2f} s mean, {:.2f} s max; CPU {:.2f} s mean; all {} points at that "
               "mean CPU time: {:.1f} CPU-hours\n",
               timed, wall / timed, wall_max, cpu / timed, points.size(), cpu / timed * points.size() / 3600.0);
  for (std::size_t k = 0; k < s.failed.size() && k < 10; ++k)
    fmt::print("  point {}: {}\n", s.failed[k], sweep::point_status(out, s.failed[k]).detail);
}

void add_manifest_flags(CLI::App& cmd, SweepFlags& f, bool commit_flag) {
  cmd.add_option("--manifest", f.manifest, "the sweep's manifest (JSON lines, `sweep plan` writes it)")->required();
  cmd.add_option("--out", f.out, "directory of the point directories point-I (default: the manifest's)");
  if (commit_flag)
    cmd.add_flag("--any-commit", f.any_commit, "run a manifest planned at another git commit than this binary's");
}

}  // namespace

void add_sweep_command(CLI::App& app) {
  CLI::App* sw = app.add_subcommand(
      "sweep", "many runs of one subcommand: plan a manifest from a grid spec, run its points by index (Slurm "
               "array) or on all cores, merge them into one CSV and one JSON (docs/design.md section 15)");
  sw->require_subcommand(1);

  auto pa = std::make_shared<PlanArgs>();
  CLI::App* p = sw->add_subcommand("plan", "expand a grid spec (JSON) into a manifest, one point per line");
  p->add_option("--spec", pa->spec, "grid spec: command, args with {name} placeholders, grid, seeds, outputs")
      ->required();
  p->add_option("--manifest", pa->manifest, "manifest to write (refused if it exists, unless --force)");
  p->add_flag("--force", pa->force, "overwrite an existing manifest");
  p->add_flag("--dry-run", pa->dry_run, "count the points and show point 0, write nothing");
  p->callback([&app, pa] { plan(app, *pa); });

  auto ra = std::make_shared<RunArgs>();
  CLI::App* r = sw->add_subcommand("run", "run one point into OUT/point-I (index from --index or "
                                          "SLURM_ARRAY_TASK_ID); a point that is done is skipped");
  add_manifest_flags(*r, ra->sweep, true);
  r->add_option("--index", ra->index, "the point (0-based); default: $SLURM_ARRAY_TASK_ID");
  r->add_flag("--force", ra->force, "run the point even if it is done");
  r->add_flag("--dry-run", ra->dry_run, "print the command the point would run, write nothing");
  r->callback([ra] { run(*ra); });

  add_sweep_local_command(*sw);

  auto ma = std::make_shared<MergeArgs>();
  CLI::App* m = sw->add_subcommand("merge", "merge every point into one CSV (parameters prepended to each row) "
                                            "and one JSON; fails naming points not done");
  add_manifest_flags(*m, ma->sweep, false);
  m->add_option("--csv", ma->csv, "merged CSV (default OUT/sweep.csv)");
  m->add_option("--json", ma->json, "merged JSON (default OUT/sweep.json)");
  m->callback([ma] { merge(*ma); });

  auto sa = std::make_shared<SweepFlags>();
  CLI::App* s = sw->add_subcommand("status", "count the points done, failed and missing");
  add_manifest_flags(*s, *sa, false);
  s->callback([sa] { status(*sa); });
}

}  // namespace starc::cli
