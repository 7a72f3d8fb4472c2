// starcsim sweep plan|run|local|merge|status through the binary (docs/design.md section 15):
// a point runs into OUT/point-I with a done marker, is skipped once done, is only described by
// --dry-run, takes its index from SLURM_ARRAY_TASK_ID, is refused when planned at another
// commit; a failing point leaves a `failed` marker that merge names; local runs every point.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "starcsim_process.hpp"

namespace {

namespace fs = std::filesystem;
using starc::test::run_starcsim;
using starc::test::slurp;
using starc::test::test_file;
using starc::test::write_file;

// Four quick points of `run` on the small channel.
const char* kSpec = R"({"command": "run",
  "args": ["--channel", "small", "--context", "{context}", "--steps", "1", "--budget", "64",
           "--policies", "dense,starc", "--seed", "{seed}"],
  "grid": {"context": [256, 512]}, "seeds": [1, 2]})";

class SweepCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test_file("sweep");
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    manifest_ = dir_ + "/m.jsonl";
    unsetenv("SLURM_ARRAY_TASK_ID");
  }
  void TearDown() override { unsetenv("SLURM_ARRAY_TASK_ID"); }
  void plan(const std::string& spec = kSpec) {
    const auto r = run_starcsim("sweep plan --spec '" + write_file("spec.json", spec) + "' --manifest '" + manifest_ + "'");
    ASSERT_EQ(r.status, 0) << r.err;
  }
  starc::test::RunResult sweep(const std::string& sub, const std::string& more = "") {
    return run_starcsim("sweep " + sub + " --manifest '" + manifest_ + "' " + more);
  }
  std::string point(int i) const { return dir_ + "/point-" + std::to_string(i); }
  std::string dir_, manifest_;
};

TEST_F(SweepCli, RunWritesPointDirectoryWithDoneMarker) {
  plan();
  const auto r = sweep("run", "--index 1");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("point 1: done"), std::string::npos) << r.out;
  for (const char* f : {"done", "result.json", "result.csv", "point.json", "stdout.txt", "stderr.txt"})
    EXPECT_TRUE(fs::is_regular_file(point(1) + "/" + f)) << f;
  const auto info = nlohmann::json::parse(slurp(point(1) + "/point.json"));
  EXPECT_EQ(info["exit_status"], 0);
  EXPECT_EQ(info["point"]["seed"], 2);
  EXPECT_GT(info["cpu_seconds"].get<double>(), 0.0);
  EXPECT_GE(info["wall_seconds"].get<double>(), 0.0);
  EXPECT_FALSE(fs::exists(point(0)));
  // Nothing left behind but the point directories (no staging directory).
  int entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir_)) ++entries;
  EXPECT_EQ(entries, 2);  // m.jsonl and point-1
}

TEST_F(SweepCli, SkipsCompletedPointsUnlessForced) {
  plan();
  ASSERT_EQ(sweep("run", "--index 0").status, 0);
  const std::string before = slurp(point(0) + "/point.json");
  const auto again = sweep("run", "--index 0");
  ASSERT_EQ(again.status, 0) << again.err;
  EXPECT_NE(again.out.find("done already, skipped"), std::string::npos) << again.out;
  EXPECT_EQ(slurp(point(0) + "/point.json"), before);  // not rerun
  const auto forced = sweep("run", "--index 0 --force");
  ASSERT_EQ(forced.status, 0) << forced.err;
  EXPECT_NE(forced.out.find("point 0: done in"), std::string::npos) << forced.out;
}

TEST_F(SweepCli, DryRunWritesNothing) {
  plan();
  const auto r = sweep("run", "--index 2 --dry-run");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("would run: starcsim run --channel small --context 512"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(point(2)));
  const auto l = sweep("local", "--dry-run");
  ASSERT_EQ(l.status, 0) << l.err;
  EXPECT_NE(l.out.find("4 of 4 points would run"), std::string::npos) << l.out;
  for (int i = 0; i < 4; ++i) EXPECT_FALSE(fs::exists(point(i)));
}

TEST_F(SweepCli, IndexFromSlurmArrayTaskId) {
  plan();
  EXPECT_NE(sweep("run").err.find("--index: not given and SLURM_ARRAY_TASK_ID is not set"), std::string::npos);
  setenv("SLURM_ARRAY_TASK_ID", "4", 1);
  const auto bad = sweep("run");
  EXPECT_NE(bad.status, 0);
  EXPECT_NE(bad.err.find("SLURM_ARRAY_TASK_ID: point 4 is not in the manifest"), std::string::npos) << bad.err;
  setenv("SLURM_ARRAY_TASK_ID", "3", 1);
  const auto r = sweep("run");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(fs::is_regular_file(point(3) + "/done"));
  EXPECT_EQ(nlohmann::json::parse(slurp(point(3) + "/point.json"))["slurm"]["SLURM_ARRAY_TASK_ID"], "3");
}

TEST_F(SweepCli, RefusesManifestOfAnotherCommit) {
  plan();
  std::string text = slurp(manifest_);
  for (auto at = text.find("\"commit\":\""); at != std::string::npos; at = text.find("\"commit\":\"", at + 1))
    text.insert(at + 10, "0ther");
  write_file("other.jsonl", text);
  const std::string other = test_file("other.jsonl");
  const auto r = run_starcsim("sweep run --index 0 --manifest '" + other + "' --out '" + dir_ + "'");
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.err.find("was planned at commit 0ther"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(point(0)));
  const auto any = run_starcsim("sweep run --index 0 --any-commit --manifest '" + other + "' --out '" + dir_ + "'");
  EXPECT_EQ(any.status, 0) << any.err;
}

TEST_F(SweepCli, FailedPointIsMarkedAndMergeNamesIt) {
  plan(R"({"command": "run", "args": ["--channel", "small", "--context", "256", "--steps", "1",
          "--budget", "{budget}", "--policies", "dense"], "grid": {"budget": [64, 0]}})");
  const auto r = sweep("local", "-j 2");
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.err.find("point 1: exit 1: starcsim: error: --budget: must be >= 1"), std::string::npos) << r.err;
  EXPECT_TRUE(fs::is_regular_file(point(0) + "/done"));
  EXPECT_TRUE(fs::is_regular_file(point(1) + "/failed"));
  EXPECT_FALSE(fs::exists(point(1) + "/done"));
  const auto m = sweep("merge");
  EXPECT_NE(m.status, 0);
  EXPECT_NE(m.err.find("1 of 2 points not done: failed 1 (point 1: exit 1:"), std::string::npos) << m.err;
  EXPECT_FALSE(fs::exists(dir_ + "/sweep.json"));
  EXPECT_FALSE(fs::exists(dir_ + "/sweep.csv"));
  EXPECT_NE(sweep("status").out.find("2 points: 1 done, 1 failed (1), 0 missing"), std::string::npos);
  // sweep run of the failing point: non-zero, its reason as the one error line.
  const auto one = sweep("run", "--index 1");
  EXPECT_NE(one.status, 0);
  EXPECT_NE(one.err.find("sweep run: point 1: failed after"), std::string::npos) << one.err;
  EXPECT_NE(one.err.find("--budget: must be >= 1"), std::string::npos) << one.err;
  EXPECT_EQ(std::count(one.err.begin(), one.err.end(), '\n'), 1);
}

TEST_F(SweepCli, LocalThenMergeGivesOneCsvAndOneJson) {
  plan();
  ASSERT_EQ(sweep("run", "--index 0").status, 0);
  const auto r = sweep("local", "-j 2");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("4 points: 3 run, 0 failed, 1 done already"), std::string::npos) << r.out;
  const auto m = sweep("merge");
  ASSERT_EQ(m.status, 0) << m.err;
  const std::string csv = slurp(dir_ + "/sweep.csv");
  EXPECT_EQ(csv.rfind("sweep_point,sweep_context,sweep_seed,policy,", 0), 0u) << csv.substr(0, 80);
  // 4 points x 2 policies x 1 step, plus the header.
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 9);
  EXPECT_NE(csv.find("\n3,512,2,starc,"), std::string::npos);
  const auto j = nlohmann::json::parse(slurp(dir_ + "/sweep.json"));
  ASSERT_EQ(j["points"].size(), 4u);
  EXPECT_EQ(j["points"][3]["result"]["run"]["context"], 512);
  EXPECT_NE(sweep("status").out.find("time per done point (4 timed)"), std::string::npos);
}

TEST_F(SweepCli, RefusesBadPlansAndMissingInputs) {
  const auto unknown = run_starcsim("sweep plan --spec '" +
                                    write_file("s.json", R"({"command": "runn", "args": []})") +
                                    "' --manifest '" + manifest_ + "'");
  EXPECT_NE(unknown.err.find("command 'runn' is not a subcommand"), std::string::npos) << unknown.err;
  const auto no_csv = run_starcsim("sweep plan --spec '" +
                                   write_file("s2.json", R"({"command": "dense", "args": []})") + "' --manifest '" +
                                   manifest_ + "'");
  EXPECT_NE(no_csv.err.find("'starcsim dense' has no --json"), std::string::npos) << no_csv.err;
  EXPECT_FALSE(fs::exists(manifest_));
  plan();
  const auto again = run_starcsim("sweep plan --spec '" + test_file("spec.json") + "' --manifest '" + manifest_ + "'");
  EXPECT_NE(again.err.find("exists (its points may have run; --force to overwrite)"), std::string::npos);
  const auto missing = run_starcsim("sweep status --manifest '" + dir_ + "/nope.jsonl'");
  EXPECT_NE(missing.err.find("--manifest: '" + dir_ + "/nope.jsonl' is not a file"), std::string::npos);
  const auto out = sweep("run", "--index 0 --out '" + dir_ + "/no/such/dir'");
  EXPECT_NE(out.err.find("--out: directory '" + dir_ + "/no/such' does not exist"), std::string::npos) << out.err;
  EXPECT_EQ(std::count(out.err.begin(), out.err.end(), '\n'), 1);
}

}  // namespace
