// Sweep specs, manifests and merges (host/sweep_manifest.hpp, host/sweep_merge.hpp;
// docs/design.md section 15): expansion order and substitution, every malformed input refused
// with a message naming the file and line, and a merge that refuses missing or failed points.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <cstdio>
#include <string>
#include <thread>

#include "host/sweep_manifest.hpp"
#include "host/sweep_merge.hpp"
#include "cli/progress.hpp"

namespace {

namespace fs = std::filesystem;
using namespace starc::sweep;

const char* kSpec = R"({"command": "run", "args": ["--context", "{context}", "--shard", "{shard}/4", "--seed", "{seed}"],
  "grid": {"context": [512, 1024], "shard": {"range": [0, 4, 2]}}, "seeds": [7, 9]})";

// The message of the std::invalid_argument `f` throws ("" when it throws none).
template <class F>
std::string error_of(F f) {
  try {
    f();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

std::string spec_error(const std::string& text) {
  return error_of([&] { parse_spec(text, "spec.json"); });
}

std::string manifest_error(const std::string& text) {
  return error_of([&] { parse_manifest(text, "m.jsonl"); });
}

TEST(SweepSpec, ExpandsGridInKeyOrderWithSeedsInnermost) {
  const auto spec = parse_spec(kSpec, "spec.json");
  EXPECT_EQ(count_points(spec), 8u);
  const auto points = expand(spec, "abc");
  ASSERT_EQ(points.size(), 8u);
  // index = ((context * 2) + shard) * 2 + seed
  EXPECT_EQ(points[0].args, (std::vector<std::string>{"--context", "512", "--shard", "0/4", "--seed", "7"}));
  EXPECT_EQ(points[1].args[5], "9");
  EXPECT_EQ(points[2].args[3], "2/4");
  EXPECT_EQ(points[5].args, (std::vector<std::string>{"--context", "1024", "--shard", "0/4", "--seed", "9"}));
  EXPECT_EQ(points[7].params.dump(), R"({"context":1024,"shard":2})");
  EXPECT_EQ(points[7].seed, 9u);
  EXPECT_EQ(points[7].commit, "abc");
  EXPECT_EQ(points[7].outputs, (std::vector<std::string>{"json", "csv"}));
}

TEST(SweepSpec, ManifestRoundTrips) {
  const auto points = expand(parse_spec(kSpec, "spec.json"), "abc");
  const auto back = parse_manifest(manifest_text(points), "m.jsonl");
  ASSERT_EQ(back.size(), points.size());
  for (std::size_t i = 0; i < points.size(); ++i) EXPECT_EQ(manifest_line(back[i]), manifest_line(points[i]));
}

TEST(SweepSpec, RefusesMalformedSpecs) {
  EXPECT_NE(spec_error("not json").find("spec.json: not JSON"), std::string::npos);
  EXPECT_NE(spec_error(R"({"command": "run", "args": [], "gird": {}})").find("unknown key 'gird'"), std::string::npos);
  EXPECT_NE(spec_error(R"({"command": "run", "args": ["--context", "1"], "grid": {"context": [1, 2]}})")
                .find("grid.context: not used in args"),
            std::string::npos);
  EXPECT_NE(spec_error(R"({"command": "run", "args": ["{contxt}"], "grid": {"context": [1]}})")
                .find("placeholder {contxt} is not a grid key"),
            std::string::npos);
  EXPECT_NE(spec_error(R"({"command": "run", "args": ["--json", "x"]})").find("added by the sweep runner"),
            std::string::npos);
  EXPECT_NE(spec_error(R"({"command": "run", "args": ["{a}"], "grid": {"a": {"range": [4, 4]}}})").find("empty"),
            std::string::npos);
  EXPECT_NE(spec_error(R"({"command": "run", "args": ["{a}"], "grid": {"a": [1, 1]}})").find("given twice"),
            std::string::npos);
  EXPECT_NE(spec_error(R"({"command": "run", "args": [], "seeds": [1, 2]})").find("no {seed}"), std::string::npos);
  EXPECT_NE(spec_error(R"({"command": "run", "args": ["{seed}"], "seeds": [-1]})").find("non-negative"),
            std::string::npos);
  EXPECT_NE(spec_error(R"({"command": "sweep", "args": []})").find("cannot be a sweep"), std::string::npos);
  EXPECT_NE(spec_error(R"({"command": "run", "args": ["{a"], "grid": {"a": [1]}})").find("placeholder"),
            std::string::npos);
  EXPECT_NE(spec_error(R"({"command": "run", "args": [], "outputs": ["xml"]})").find("outputs: 'xml'"),
            std::string::npos);
  EXPECT_NE(spec_error(R"({"command": "run", "args": ["{a}{b}"], "grid": {"a": {"range": [0, 10000]},
            "b": {"range": [0, 10000]}}})").find("more than"),
            std::string::npos);
}

TEST(SweepManifest, RefusesMalformedLines) {
  const auto points = expand(parse_spec(kSpec, "spec.json"), "abc");
  const std::string l0 = manifest_line(points[0]), l1 = manifest_line(points[1]);
  EXPECT_NE(manifest_error("").find("no points"), std::string::npos);
  EXPECT_NE(manifest_error(l0 + "\n{\"index\": 1,\n").find("m.jsonl:2: not JSON"), std::string::npos);
  EXPECT_NE(manifest_error(l0 + "\n\n" + l1 + "\n").find("m.jsonl:2: empty line"), std::string::npos);
  EXPECT_NE(manifest_error(l1 + "\n").find("m.jsonl:1: index 1 (expected 0"), std::string::npos);
  EXPECT_NE(manifest_error(l0 + "\n" + l0 + "\n").find("m.jsonl:2: index 0 (expected 1"), std::string::npos);
  auto edit = [](std::string s, const std::string& from, const std::string& to) {
    return s.replace(s.find(from), from.size(), to);
  };
  EXPECT_NE(manifest_error(edit(l0, "\"seed\":7,", "")).find("missing key 'seed'"), std::string::npos);
  EXPECT_NE(manifest_error(edit(l0, "\"seed\":7,", "\"seed\":7,\"x\":1,")).find("unknown key 'x'"),
            std::string::npos);
  EXPECT_NE(manifest_error(edit(l0, "\"seed\":7", "\"seed\":-7")).find("seed: -7"), std::string::npos);
  EXPECT_NE(manifest_error(l0 + "\n" + edit(l1, "\"abc\"", "\"abd\"")).find("m.jsonl:2: commit abd differs"),
            std::string::npos);
  EXPECT_NE(manifest_error(edit(l0, "\"512\"", "\"{context}\"")).find("left unsubstituted"), std::string::npos);
  EXPECT_NE(manifest_error(edit(l0, "\"512\"", "\"--csv\"")).find("added by the sweep runner"), std::string::npos);
  EXPECT_NE(manifest_error(l0 + "\n" + edit(l1, "\"shard\":0", "\"shards\":0")).find("params: names differ"),
            std::string::npos);
  EXPECT_NE(manifest_error("[1, 2]\n").find("not a JSON object"), std::string::npos);
}

// sweep run reads its own line and line 1 only, with the same checks.
TEST(SweepManifest, OnePointIsParsedAndCheckedAgainstLineOne) {
  const auto points = expand(parse_spec(kSpec, "spec.json"), "abc");
  const std::string text = manifest_text(points);
  const auto e = parse_manifest_point(text, "m.jsonl", "5", "SLURM_ARRAY_TASK_ID");
  EXPECT_EQ(e.points, 8u);
  EXPECT_EQ(manifest_line(e.point), manifest_line(points[5]));
  auto point_error = [](const std::string& t, const char* index) {
    return error_of([&] { parse_manifest_point(t, "m.jsonl", index, "--index"); });
  };
  EXPECT_NE(point_error(text, "8").find("--index: point 8 is not in the manifest (points 0-7)"), std::string::npos);
  std::string moved = text;  // line 6 holds point 6's object: wrong index for line 6 (point 5)
  const auto l5 = manifest_line(points[5]) + "\n";
  moved.replace(moved.find(l5), l5.size(), manifest_line(points[6]) + "\n");
  EXPECT_NE(point_error(moved, "5").find("m.jsonl:6: index 6 (expected 5"), std::string::npos);
  std::string other = text;
  const auto at = other.find("\"abc\"", other.find(l5));
  other.replace(at, 5, "\"abd\"");
  EXPECT_NE(point_error(other, "5").find("m.jsonl:6: commit abd differs from line 1's abc"), std::string::npos);
  EXPECT_NE(point_error("", "0").find("no points"), std::string::npos);
}

TEST(SweepManifest, IndexFromFlagOrEnvironmentIsChecked) {
  EXPECT_EQ(parse_index("3", 4, "--index"), 3u);
  EXPECT_NE(error_of([] { parse_index("4", 4, "SLURM_ARRAY_TASK_ID"); })
                .find("SLURM_ARRAY_TASK_ID: point 4 is not in the manifest (points 0-3)"),
            std::string::npos);
  for (const char* bad : {"", "-1", "1x", "0x1", " 1", "99999999999999999999"})
    EXPECT_NE(error_of([&] { parse_index(bad, 4, "--index"); }).find("--index"), std::string::npos) << bad;
  EXPECT_EQ(index_ranges({0, 2, 3, 4, 7, 8}), "0,2-4,7-8");
}

TEST(SweepMerge, CsvRecordsKeepQuotedLineBreaks) {
  const auto r = csv_records("a,b\r\n\"x\ny\",\"q\"\"\"\n1,2", "f.csv");
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[1], "\"x\ny\",\"q\"\"\"");
  EXPECT_EQ(r[2], "1,2");
  EXPECT_THROW(csv_records("\"open\n", "f.csv"), std::runtime_error);
  EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
}

// Point directories written by hand as the runner writes them.
class SweepMergeDirs : public ::testing::Test {
 protected:
  void SetUp() override {
    out_ = fs::path(::testing::TempDir()) /
           (std::string("sweep_merge_") + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(out_);
    fs::create_directories(out_);
    points_ = expand(parse_spec(R"({"command": "run", "args": ["{name}"], "grid": {"name": ["a,b", "c"]}})", "s"),
                     "abc");
  }
  void write(std::size_t i, const std::string& file, const std::string& text) {
    fs::create_directories(point_dir(out_, i));
    std::ofstream(fs::path(point_dir(out_, i)) / file) << text;
  }
  void finish(std::size_t i, const std::string& csv) {
    write(i, kResultJson, "{\"v\": " + std::to_string(i) + "}");
    write(i, kResultCsv, csv);
    write(i, kDoneMarker, "done\n");
  }
  std::string merge_error() {
    try {
      merge_sweep(points_, out_);
    } catch (const std::runtime_error& e) {
      return e.what();
    }
    return "";
  }
  fs::path out_;
  std::vector<SweepPoint> points_;
};

TEST_F(SweepMergeDirs, PrependsParametersToEveryRow) {
  finish(0, "x,y\n1,2\n3,\"4\n5\"\n");
  finish(1, "x,y\n6,7\n");
  const auto m = merge_sweep(points_, out_);
  EXPECT_EQ(m.csv, "sweep_point,sweep_name,x,y\n0,\"a,b\",1,2\n0,\"a,b\",3,\"4\n5\"\n1,c,6,7\n");
  const auto j = nlohmann::json::parse(m.json);
  EXPECT_EQ(j["sweep"]["points"], 2);
  EXPECT_EQ(j["points"][1]["params"]["name"], "c");
  EXPECT_EQ(j["points"][1]["result"]["v"], 1);
}

TEST_F(SweepMergeDirs, RefusesMissingAndFailedPoints) {
  finish(0, "x\n1\n");
  EXPECT_EQ(merge_error(), "1 of 2 points not done: missing 1");
  // A directory without the done marker (a failed point) is not merged either.
  write(1, kResultCsv, "x\n2\n");
  write(1, kFailedMarker, "exit 1: starcsim: error: --context: bad\n");
  EXPECT_EQ(merge_error(), "1 of 2 points not done: failed 1 (point 1: exit 1: starcsim: error: --context: bad)");
  EXPECT_EQ(sweep_status(points_, out_).summary(2), "2 points: 1 done, 1 failed (1), 0 missing");
}

TEST_F(SweepMergeDirs, RefusesPointsWithOtherColumns) {
  finish(0, "x,y\n1,2\n");
  finish(1, "x,z\n1,2\n");
  EXPECT_NE(merge_error().find("point 1:"), std::string::npos);
  EXPECT_NE(merge_error().find("columns other than point 0's"), std::string::npos);
}

}  // namespace

namespace {

// The progress line (cli/progress.hpp): its text, and silence on a stream that is not a terminal.
TEST(SweepProgress, TextAndSilenceOffTerminal) {
  EXPECT_EQ(starc::cli::progress_text("points", 3, 16, 1, 2, 42.0),
            "3/16 points, 1 failed, 2 running, 0:42 elapsed, ~3:02 left");
  EXPECT_EQ(starc::cli::progress_text("points", 16, 16, 0, 0, 3725.0), "16/16 points, 1:02:05 elapsed");
  // The same updates drawn on a stream forced on (so the test can see drawing), then on a file.
  for (const bool force : {true, false}) {
    std::FILE* f = std::tmpfile();
    ASSERT_NE(f, nullptr);
    {
      starc::cli::Progress p("points", 4, f, force, std::chrono::milliseconds(0));
      EXPECT_EQ(p.enabled(), force);
      p.update(1, 0, 1);
      std::this_thread::sleep_for(std::chrono::milliseconds(600));
    }
    std::fflush(f);
    const long written = std::ftell(f);
    if (force)
      EXPECT_GT(written, 0L);
    else
      EXPECT_EQ(written, 0L);
    std::fclose(f);
  }
}

}  // namespace
