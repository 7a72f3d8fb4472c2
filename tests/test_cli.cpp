// starcsim run / dense / fidelity / kv-stats / vectors on bad input (docs/design.md section 10), end to end:
// each case exits non-zero with exactly one error line on stderr that names the input, prints
// nothing on stdout, and leaves no output file behind. Plus one small good run (the 8-bank
// test channel) whose JSON report and command trace must appear and be clean.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <cmath>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "starcsim_process.hpp"

namespace {

using starc::test::run_starcsim;
using starc::test::test_file;

struct BadCase {
  std::string args;    // after "starcsim"
  std::string expect;  // must appear in the error line
};

void expect_one_line_error(const BadCase& c, const std::vector<std::string>& must_not_exist) {
  SCOPED_TRACE(c.args);
  const auto r = run_starcsim(c.args);
  EXPECT_NE(r.status, 0);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_NE(r.err.find(c.expect), std::string::npos) << r.err;
  for (const auto& f : must_not_exist) EXPECT_FALSE(std::filesystem::exists(f)) << f;
}

TEST(StarcsimCli, BadInputGivesOneLineNamingItAndWritesNothing) {
  const std::string json = test_file("out.json"), trace = test_file("out.trace");
  // A crashed earlier run may have left them: the check is that this run writes nothing.
  std::filesystem::remove(json);
  std::filesystem::remove(trace);
  const std::string outs = " --json '" + json + "' --cmd-trace '" + trace + "'";
  const std::vector<BadCase> cases = {
      {"run --channel small --context 300 --steps 1 --budget 0" + outs, "--budget"},
      {"run --channel small --context 300 --steps 1 --policies dense,foo" + outs, "--policies"},
      {"run --channel small --context 300 --steps 1 --mode sideways" + outs, "--mode"},
      {"run --channel nowhere --context 300 --steps 1" + outs, "--channel"},
      {"run --channel small --kv /nonexistent/trace" + outs, "/nonexistent/trace"},
      {"run --channel small --context 300 --steps 1 --kv-dtype fp8" + outs, "--kv-dtype"},
      {"run --channel small --context 300 --steps 1 --clusters 0" + outs, "--clusters"},
      {"run --channel small --context 300 --steps 1 --layout token --policies starc" + outs, "--layout"},
      {"run --channel small --context 300 --steps 1 --waves /nonexistent/dir/w.fst" + outs, "--waves"},
      {"dense --small --tokens 0", "--tokens"},
      {"dense --small --mode sideways", "--mode"},
      {"dense --small --refresh sometimes", "--refresh"},
      {"run --channel small --context 300 --steps 1 --refresh 1" + outs, "--refresh"},
      {"dense --small --fmt fp8", "--fmt"},
      {"dense --timing ddr9", "--timing"},
      {"fidelity --budgets 0,512", "--budgets"},
      {"kv-stats --kv /nonexistent/trace", "/nonexistent/trace"},
      // Sizes that would allocate gigabytes or overflow are refused before any work.
      {"run --channel small --context 99999999 --steps 1" + outs, "--context"},
      {"run --channel small --context 300 --steps 1 --heads 2000000000" + outs, "--heads"},
      {"dense --small --tokens 4294967295", "--tokens"},
      {"run --channel small --context 300 --steps 1 --sparq-r 999" + outs, "--sparq-r"},
      // A layout beyond the channel's rows (issue 12): the small channel's 256 rows hold 4096
      // tokens in token order, not 4097; refused before the KV is generated.
      {"run --channel small --context 4097 --steps 1 --policies dense" + outs, "--context"},
      {"run --channel small --context 4096 --steps 1 --policies quest" + outs, "--page"},
      {"run --context 1048576 --steps 1 --policies starc --stripe-buckets 6000" + outs, "--stripe-buckets"},
      // Parse errors are one line too; an existing non-file output path is refused.
      {"run --channel small --context 300 --budget abc" + outs, "--budget"},
      {"run --channel small --context 300 --steps 1 --json '" + std::filesystem::temp_directory_path().string() + "'", "not a regular file"},
      {"kv-stats --save-kv /nonexistent/dir/kv", "--save-kv"},
      {"vectors /dev/null --waves /nonexistent/dir/w.fst", "--waves"},
      {"run --channel small --context 300 --steps 1 --threads 0" + outs, "--threads"},
      // STARC's clustering flags (issue 19).
      {"run --channel small --context 300 --steps 1 --clustering blocks" + outs, "--clustering"},
      {"run --channel small --context 300 --steps 1 --window 100" + outs, "--window"},
      {"run --channel small --context 300 --steps 1 --window 8192" + outs, "--window"},
      {"run --channel small --context 300 --steps 1 --kmeans-seeding random" + outs, "--kmeans-seeding"},
      {"run --channel small --context 300 --steps 1 --max-cluster 128" + outs, "--max-cluster"},
      {"run --channel small --context 300 --steps 1 --max-cluster 0" + outs, "--max-cluster"},
      {"run --channel small --context 300 --steps 1 --max-cluster 8" + outs, "--max-cluster"},
      {"run --channel small --context 300 --steps 1 --kmeans-centre maybe" + outs, "--kmeans-centre"},
      {"run --channel small --context 300 --steps 1 --member-order score" + outs, "--member-order"},
      {"fidelity --preset dense", "--preset"},
  };
  for (const auto& c : cases) expect_one_line_error(c, {json, trace});
}

// A small synthetic trace directory (300 tokens, 1 step) written by `kv-stats --save-kv`.
std::string small_trace(const std::string& name) {
  const std::string dir = test_file(name);
  std::filesystem::remove_all(dir);
  const auto r = run_starcsim("kv-stats --context 300 --steps 1 --save-kv '" + dir + "'");
  EXPECT_EQ(r.status, 0) << r.err;
  return dir;
}


// Former defect (issue 14, item 6): outputs were checked only for their directory; the same file
// twice, an output that is an input (`--json tr/k.npy` overwrote k.npy) and an unwritable output
// (found after the whole run, leaving the JSON and the FST behind) were accepted. All are
// refused before any work, and nothing is left behind.
TEST(StarcsimCli, OutputsAreCheckedBeforeAnyWork) {
  const std::string tr = small_trace("kv"), json = test_file("o.json"), trace = test_file("o.trace"),
                    waves = test_file("o.fst");
  const std::string k_before = starc::test::slurp(tr + "/k.npy");
  const std::string small = "run --channel small --context 300 --steps 1 --policies dense ";
  const std::vector<std::string> none = {json, trace, waves, waves + ".cmatch.fst"};
  for (const auto& f : none) std::filesystem::remove(f);
  const std::vector<BadCase> cases = {
      {small + "--json '" + json + "' --cmd-trace '" + json + "'", "--cmd-trace"},
      {small + "--waves '" + json + "' --json '" + json + "'", "--waves"},
      {small + "--waves '" + waves + "' --json '" + waves + ".cmatch.fst'", "cmatch"},
      {"run --channel small --policies dense --kv '" + tr + "' --json '" + tr + "/k.npy'", "--kv"},
      {"run --channel small --policies dense --kv '" + tr + "' --cmd-trace '" + tr + "/./q.npy'", "--kv"},
      {small + "--json '" + json + "' --waves '" + waves + "' --cmd-trace /proc/starcsim_test.trace", "--cmd-trace"},
      {"dense --small --tokens 64 --cmd-trace '" + waves + "' --waves '" + waves + "'", "--waves"},
      {"fidelity --kv '" + tr + "' --budgets 64 --json '" + tr + "/v.npy'", "--kv"},
      {"kv-stats --kv '" + tr + "' --save-kv '" + tr + "'", "--kv"},
  };
  for (const auto& c : cases) expect_one_line_error(c, none);
  EXPECT_EQ(starc::test::slurp(tr + "/k.npy"), k_before);
  std::string line = "dot fp16 00000000";
  for (int i = 0; i < 32; ++i) line += " 3c00";
  const std::string vec = starc::test::write_file("v.vec", line + "\n");
  expect_one_line_error({"vectors '" + vec + "' --waves '" + vec + "'", "--waves"}, {});
}

// Former defects (issue 14, items 7-9): errors that named the wrong thing or nothing, and input
// that was accepted silently. Each is now one error line naming the input.
TEST(StarcsimCli, BadInputNamesWhatIsWrong) {
  const std::string tr = small_trace("kv");
  const std::string dirk = test_file("kv_dir_k");
  std::filesystem::remove_all(dirk);
  std::filesystem::create_directories(dirk + "/k.npy");
  std::filesystem::copy_file(tr + "/v.npy", dirk + "/v.npy");
  std::filesystem::copy_file(tr + "/q.npy", dirk + "/q.npy");
  const std::string json = test_file("bad.json");
  std::filesystem::remove(json);
  const std::string outs = " --json '" + json + "'";
  const std::string empty = starc::test::write_file("empty.vec", "# only a comment\n\n");
  const std::vector<BadCase> cases = {
      // item 7: memory estimated before allocating, naming the flags
      {"kv-stats --heads 1024 --context 1048576", "--heads 1024 --context 1048576"},
      // item 8
      {"run --channel small --kv '" + dirk + "'" + outs, dirk + "/k.npy"},
      {"run --channel small --context 2 --steps 1" + outs, "--context"},
      // item 9
      {"vectors '" + empty + "'", empty},
      {"run --channel small --context 300 --steps 1 --x-seed -1" + outs, "--x-seed"},
      {"run --channel small --context 300 --steps 1 --seed -1" + outs, "--seed"},
      {"run --channel small --kv '" + tr + "' --seed 5" + outs, "--seed"},
      {"run --channel small --kv '" + tr + "' --head-kinds local" + outs, "--head-kinds"},
      {"run --channel small --context 0 --steps 1" + outs, "--context"},
      {"run --channel small --context 300 --steps 0" + outs, "--steps"},
      {"fidelity --context 0 --budgets 64", "--context"},
  };
  for (const auto& c : cases) expect_one_line_error(c, {json});
}

// Former defect (issue 14, items 7 and 8): `run --heads 1024 --context 65536` generated every
// head before simulating one (and ended in std::bad_alloc); `--budget 4294967295` failed with an
// internal value. One head is generated; a budget above the context selects every token.
TEST(StarcsimCli, OneHeadOfManyAndAHugeBudgetRun) {
  const std::string json = test_file("huge.json");
  std::filesystem::remove(json);
  const auto r = run_starcsim("run --channel small --heads 1024 --head 1000 --context 300 --steps 1 "
                              "--policies dense,starc --budget 4294967295 --json '" + json + "'");
  ASSERT_EQ(r.status, 0) << r.err;
  const auto j = nlohmann::json::parse(starc::test::slurp(json));
  EXPECT_EQ(j.at("run").at("head").get<long>(), 1000);
  EXPECT_EQ(j.at("run").at("budget").get<long>(), 4294967295L);
  for (const auto& p : j.at("policies")) EXPECT_EQ(p.at("steps").at(0).at("selected").get<long>(), 300);
}

// Former defect (issue 12): a budget needing more clusters than the unit's MaxSel (256) exited
// with a centroid-match mismatch. One-token clusters (--block 4 --clusters 4): B = 600 needs 600
// clusters (3 passes), B = 999 every token of the context but one (4 passes; B = 1000 covers the
// context, and the selection is then skipped, issue 14 item 4).
TEST(StarcsimCli, BudgetNeedingMoreClustersThanMaxSelRunsBitExact) {
  const std::string json = test_file("passes.json");
  for (const unsigned budget : {600u, 999u}) {
    SCOPED_TRACE(budget);
    std::filesystem::remove(json);
    const auto r = run_starcsim(fmt::format("run --channel small --context 1000 --steps 1 --budget {} "
                                            "--policies starc --selection flat --clustering paper --block 4 --clusters 4 --json '{}'",
                                            budget, json));
    ASSERT_EQ(r.status, 0) << r.err;
    const auto j = nlohmann::json::parse(starc::test::slurp(json));
    const auto& p = j.at("policies").at(0);
    EXPECT_EQ(p.at("bitexact").at("centroid_match_mismatches").get<long>(), 0);
    EXPECT_EQ(p.at("bitexact").at("mismatches").get<long>(), 0);
    EXPECT_EQ(p.at("centroid_match_passes").get<long>(), budget == 600u ? 3 : 4);
    EXPECT_EQ(p.at("limit").at("selected_tokens").get<long>(), static_cast<long>(budget));
  }
}

// A bf16 .npy file ([rows, 128], '<u2' bit patterns) from a generator of element i.
template <class Gen>
void write_bf16_npy(const std::string& path, std::size_t rows, Gen gen) {
  std::string header = fmt::format("{{'descr': '<u2', 'fortran_order': False, 'shape': ({}, 128), }}", rows);
  header.append(63 - (10 + header.size()) % 64, ' ');
  header += '\n';
  std::ofstream f(path, std::ios::binary);
  f.write("\x93NUMPY\x01\x00", 8);
  const std::uint16_t len = static_cast<std::uint16_t>(header.size());
  f.write(reinterpret_cast<const char*>(&len), 2);
  f << header;
  for (std::size_t i = 0; i < rows * 128; ++i) {
    const std::uint16_t b = gen(i);
    f.write(reinterpret_cast<const char*>(&b), 2);
  }
}

// Former defect (issue 14, item 5): alternating +-bf16 max gives infinite/NaN outputs; the run
// printed `RTL err nan`, wrote JSON null and exited 0. The report now says "non-finite", the
// JSON counts the steps, and the run exits non-zero with one error line.
TEST(StarcsimCli, NonFiniteOutputIsReportedAndFailsTheRun) {
  const std::string dir = test_file("kv_max"), json = test_file("max.json");
  std::filesystem::create_directories(dir);
  std::filesystem::remove(json);
  auto alternating = [](std::size_t i) -> std::uint16_t { return i % 2 ? 0xFF7F : 0x7F7F; };
  write_bf16_npy(dir + "/k.npy", 600, alternating);
  write_bf16_npy(dir + "/v.npy", 600, alternating);
  write_bf16_npy(dir + "/q.npy", 1, alternating);
  const auto r = run_starcsim("run --channel small --kv '" + dir + "' --kv-dtype bf16 --budget 100 "
                              "--policies dense,starc --json '" + json + "'");
  EXPECT_NE(r.status, 0);
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_NE(r.err.find("non-finite"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("non-finite"), std::string::npos);
  const auto j = nlohmann::json::parse(starc::test::slurp(json));
  for (const auto& p : j.at("policies")) {
    EXPECT_EQ(p.at("non_finite_outputs").get<long>(), 1);
    EXPECT_TRUE(p.at("steps").at(0).at("non_finite_output").get<bool>());
    EXPECT_EQ(p.at("bitexact").at("mismatches").get<long>(), 0);
  }
}

// Former defect (issue 14, item 5): bf16 keys and queries near 1e19 overflow the binary32
// centroid scores to infinities and NaNs; the host ranking and the centroid-match unit ordered
// them differently and the run failed as a "mismatch". One order now: bit-exact, exit 0.
TEST(StarcsimCli, InfiniteAndNaNScoresRankAlikeInTheUnitAndOnTheHost) {
  const std::string dir = test_file("kv_big"), json = test_file("big.json");
  std::filesystem::create_directories(dir);
  std::filesystem::remove(json);
  std::uint32_t state = 12345;
  auto big = [&state](std::size_t) -> std::uint16_t {
    state = state * 1664525u + 1013904223u;
    // bf16 exponent of 2^63 .. 2^64 (about 1e19), random sign and mantissa
    return static_cast<std::uint16_t>((state >> 31) << 15 | 0x5F00u | (state >> 8 & 0x7Fu));
  };
  write_bf16_npy(dir + "/k.npy", 1000, big);
  write_bf16_npy(dir + "/v.npy", 1000, [](std::size_t i) -> std::uint16_t { return i % 3 ? 0x3F80 : 0xBF80; });
  write_bf16_npy(dir + "/q.npy", 2, big);
  const auto r = run_starcsim("run --channel small --kv '" + dir + "' --kv-dtype bf16 --budget 200 "
                              "--policies starc --selection flat --json '" + json + "'");
  const auto j = nlohmann::json::parse(starc::test::slurp(json));
  const auto& p = j.at("policies").at(0);
  EXPECT_EQ(p.at("bitexact").at("centroid_match_mismatches").get<long>(), 0)
      << p.at("bitexact").at("centroid_match_first_mismatch");
  EXPECT_EQ(p.at("bitexact").at("mismatches").get<long>(), 0);
  EXPECT_GT(p.at("bitexact").at("centroid_match_compared").get<long>(), 0);
}

// Every key of a JSON value, at any depth; the keys of `commands` (command types) and
// `starc_vs` (policy names) are data, not documented keys (their values' keys are).
void collect_keys(const nlohmann::json& j, std::set<std::string>& out) {
  if (j.is_array()) {
    for (const auto& e : j) collect_keys(e, out);
  } else if (j.is_object()) {
    for (const auto& [k, v] : j.items()) {
      if (k == "commands" || k == "starc_vs") {
        out.insert(k);
        if (v.is_object())
          for (const auto& [name, inner] : v.items()) collect_keys(inner, out);
        continue;
      }
      out.insert(k);
      collect_keys(v, out);
    }
  }
}

// Former defect (issue 14, item 11): README's JSON key list named `terms[]` where the report
// writes `components`. Every key README names in backquotes in its key list must be in a real
// report (all five policies, so that `starc_vs` is there), and every key written must be named.
TEST(StarcsimCli, ReadmeJsonKeysMatchARealReport) {
  const std::string readme = starc::test::slurp(STARC_README_PATH);
  const auto begin = readme.find("JSON keys (stable");
  ASSERT_NE(begin, std::string::npos);
  const auto end = readme.find("\n### ", begin);
  ASSERT_NE(end, std::string::npos);
  std::string list = readme.substr(begin, end - begin);
  list = list.substr(list.find(":\n") + 2);  // past the heading line(s)
  std::set<std::string> documented;
  for (std::size_t a = list.find('`'); a != std::string::npos; a = list.find('`', a + 1)) {
    const std::size_t b = list.find('`', a + 1);
    ASSERT_NE(b, std::string::npos);
    std::string key = list.substr(a + 1, b - a - 1);
    if (key.size() > 2 && key.ends_with("[]")) key.resize(key.size() - 2);
    documented.insert(key);
    a = b;
  }
  const std::string json = test_file("keys.json");
  std::filesystem::remove(json);
  const auto r = run_starcsim("run --channel small --context 300 --steps 1 --budget 64 --json '" + json + "'");
  ASSERT_EQ(r.status, 0) << r.err;
  std::set<std::string> written;
  collect_keys(nlohmann::json::parse(starc::test::slurp(json)), written);
  for (const auto& k : documented) EXPECT_TRUE(written.count(k)) << "README names `" << k << "`, the report has no such key";
  for (const auto& k : written) EXPECT_TRUE(documented.count(k)) << "the report writes `" << k << "`, README does not name it";
}

TEST(StarcsimCli, SmallRunWritesACleanReportAndTrace) {
  const std::string json = test_file("run.json"), trace = test_file("run.trace");
  std::filesystem::remove(json);
  std::filesystem::remove(trace);
  const auto r = run_starcsim("run --channel small --context 300 --steps 1 --budget 64 "
                              "--policies dense,quest,starc --json '" + json + "' --cmd-trace '" +
                              trace + "'");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "");
  const auto j = nlohmann::json::parse(starc::test::slurp(json));
  ASSERT_EQ(j.at("policies").size(), 3u);
  for (const auto& p : j.at("policies")) {
    SCOPED_TRACE(p.at("policy").get<std::string>());
    EXPECT_GT(p.at("bitexact").at("compared").get<long>(), 0);
    EXPECT_EQ(p.at("bitexact").at("mismatches").get<long>(), 0);
    EXPECT_EQ(p.at("timing_errors").at("rtl_checker").get<long>(), 0);
    EXPECT_EQ(p.at("timing_errors").at("trace_checker").get<long>(), 0);
    EXPECT_GT(p.at("cycles").at("total").get<long>(), 0);
  }
  EXPECT_EQ(j.at("trace").at("violations").get<long>(), 0);
  const std::string t = starc::test::slurp(trace);
  EXPECT_EQ(t.rfind("# org pch=1 rank=1 bg=2 bank=4\n# timing nRCD=19 ", 0), 0u) << t.substr(0, 120);
}

// Gap 7 of issue 20: the error paths the bad-input list above did not cover. Each: non-zero exit,
// one error line naming the flag, nothing on stdout, no output file. Catches (planted) a
// validation removed (`--kmeans-iters 0` then runs k-means with no iteration, `--page 0`
// divides by zero) or an error that names another flag (the former `--block 0` message named
// only --clusters; `dense --small --timing hbm3-pim-npc` named only --small).
TEST(StarcsimCli, MoreBadFlagsGiveOneLineNamingTheFlag) {
  const std::string json = test_file("more.json"), trace = test_file("more.trace");
  std::filesystem::remove(json);
  std::filesystem::remove(trace);
  const std::string outs = " --json '" + json + "' --cmd-trace '" + trace + "'";
  const std::string run = "run --channel small --context 300 --steps 1";
  const std::vector<BadCase> cases = {
      {run + " --block 0" + outs, "--block"},
      {run + " --block 100" + outs, "--block"},
      {run + " --kmeans-iters 0" + outs, "--kmeans-iters"},
      {run + " --page 0" + outs, "--page"},
      {run + " --heads 2 --head 2" + outs, "--head"},
      {run + " --head 1" + outs, "--head"},
      {"dense --small --timing hbm3-pim-npc --cmd-trace '" + trace + "'", "--timing"},
      {"dense --small --tokens 5000 --cmd-trace '" + trace + "'", "--tokens"},
      {"fidelity --context 300 --steps 1 --budgets 64 --json ''", "--json"},
      {"fidelity --context 300 --steps 1 --budgets 64 --block 0 --json '" + json + "'", "--block"},
      {"fidelity --context 300 --steps 1 --budgets 64 --kmeans-iters 0 --json '" + json + "'", "--kmeans-iters"},
      {"fidelity --context 300 --steps 1 --budgets 64 --page 0 --json '" + json + "'", "--page"},
  };
  for (const auto& c : cases) expect_one_line_error(c, {json, trace});
}

// Gap 7 of issue 20: `run` exits non-zero when the scoreboard finds a mismatch. --inject
// rtl-result:N flips one bit of the N-th RTL MVSB result (sim/fault_plan.hpp), as a broken
// datapath would; without it the same run exits 0. Catches a run that reports the
// mismatch but exits 0 (planted: the `bad` count ignoring s.mismatches). The report is kept (it
// says what differed), the error is one line.
TEST(StarcsimCli, RunExitsNonZeroOnAMismatch) {
  const std::string json = test_file("flip.json");
  const std::string args = "run --channel small --context 300 --steps 1 --budget 64 --policies dense --json '" + json + "'";
  std::filesystem::remove(json);
  const auto good = run_starcsim(args);
  EXPECT_EQ(good.status, 0) << good.err;
  std::filesystem::remove(json);
  const auto bad = run_starcsim(args + " --inject rtl-result:3");
  EXPECT_NE(bad.status, 0);
  EXPECT_EQ(std::count(bad.err.begin(), bad.err.end(), '\n'), 1) << bad.err;
  EXPECT_NE(bad.err.find("mismatch"), std::string::npos) << bad.err;
  const auto j = nlohmann::json::parse(starc::test::slurp(json));
  EXPECT_EQ(j.at("policies").at(0).at("bitexact").at("mismatches").get<long>(), 1);
  EXPECT_NE(j.at("policies").at(0).at("bitexact").at("first_mismatch").get<std::string>().find("word 0"),
            std::string::npos);
}

// Gap 7 of issue 20: the success path of `dense` (fp16 lockstep, and bf16 per-bg with a trace):
// exit 0, the report's bit-exact and timing lines clean with the expected result count (16
// BG-rows x 16 scores of 256 tokens + 2 groups x D = 512 words), the output error against double
// within the format's bound, and a trace with its three header lines. Catches a dense command
// that exits 0 without running the checks, or writes no trace.
TEST(StarcsimCli, DenseRunsCleanAndWritesItsTrace) {
  const std::string trace = test_file("dense.trace");
  std::filesystem::remove(trace);
  for (const std::string extra : {std::string(""), " --fmt bf16 --mode per-bg --cmd-trace '" + trace + "'"}) {
    SCOPED_TRACE(extra);
    const auto r = run_starcsim("dense --small --tokens 256" + extra);
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.err, "");
    EXPECT_NE(r.out.find("bitexact: compared 512 mismatches 0"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("RTL errors 0 (ok), trace checker violations 0"), std::string::npos) << r.out;
    const auto at = r.out.find("output relative ");
    ASSERT_NE(at, std::string::npos) << r.out;
    const double rel = std::stod(r.out.substr(at + 16));
    EXPECT_GT(rel, 0.0);
    EXPECT_LT(rel, extra.empty() ? 1e-3 : 8e-3);  // about 2^-11 (fp16) / 2^-8 (bf16) of the output
  }
  const std::string t = starc::test::slurp(trace);
  EXPECT_EQ(t.rfind("# org pch=1 rank=1 bg=2 bank=4\n# timing nRCD=19 ", 0), 0u) << t.substr(0, 120);
  EXPECT_NE(t.find("# timing-extra nCCDS=2 nCCDL=4 nROW=2\n"), std::string::npos);
  EXPECT_NE(t.find(" ACT "), std::string::npos);  // per-bg: single-bank activations
}

// Gap 7 of issue 20: the success path of `fidelity`: exit 0, a JSON report with every policy and
// both budgets; dense attends all 300 tokens with recall 1; every sparse policy attends
// min(B, 300) tokens; the oracle's recall bounds every other policy's. Catches a fidelity
// command that writes the wrong budgets or selections.
TEST(StarcsimCli, FidelityWritesEveryPolicyAndBudget) {
  const std::string json = test_file("fid.json");
  std::filesystem::remove(json);
  const auto r = run_starcsim("fidelity --context 300 --steps 2 --budgets 64,128 --json '" + json + "'");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("policy starc"), std::string::npos);
  const auto j = nlohmann::json::parse(starc::test::slurp(json));
  const auto& ps = j.at("policies");
  EXPECT_EQ(ps.size(), 5u);
  for (const char* name : {"dense", "oracle", "tokenwise", "quest", "starc"}) {
    SCOPED_TRACE(name);
    const auto& rows = ps.at(name);
    ASSERT_EQ(rows.size(), 2u);
    for (std::size_t i = 0; i < 2; ++i) {
      const unsigned b = i == 0 ? 64 : 128;
      EXPECT_EQ(rows.at(i).at("budget").get<unsigned>(), b);
      const double sel = rows.at(i).at("selected_tokens").get<double>(), rec = rows.at(i).at("recall").get<double>();
      if (std::string(name) == "dense") {
        EXPECT_DOUBLE_EQ(sel, 299.5);  // steps see 299 and 300 tokens
        EXPECT_NEAR(rec, 1.0, 1e-12);
      } else {
        EXPECT_DOUBLE_EQ(sel, b);
        EXPECT_LE(rec, ps.at("oracle").at(i).at("recall").get<double>() + 1e-12);
        EXPECT_GT(rec, 0.0);
      }
    }
  }
}

// Gap 7 of issue 20: the success path of `kv-stats`: exit 0, the source line and one row per
// head, with statistics that must hold for any attention: 0 < normalised entropy < 1 and top 1%
// <= top 5% <= top 1024 = 1 (300 tokens). Catches a kv-stats that prints the wrong head or
// context, or masses that are not cumulative.
TEST(StarcsimCli, KvStatsPrintsEveryHead) {
  const auto r = run_starcsim("kv-stats --context 300 --steps 1 --head-kinds retrieval,local");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("L=300 S=1 D=128 kinds=retrieval,local"), std::string::npos) << r.out.substr(0, 200);
  for (const char* head : {"   0 retrieval      300  128    1 ", "   1 local          300  128    1 "}) {
    const auto at = r.out.find(head);
    ASSERT_NE(at, std::string::npos) << head << "\n" << r.out;
    std::istringstream row(r.out.substr(at + std::string(head).size()));
    double entropy, norm, top1, top5, top1024;
    row >> entropy >> norm >> top1 >> top5 >> top1024;
    EXPECT_GT(norm, 0.0);
    EXPECT_LT(norm, 1.0);
    EXPECT_NEAR(entropy / std::log(300.0), norm, 1e-3);
    EXPECT_LE(top1, top5);
    EXPECT_LE(top5, top1024);
    EXPECT_DOUBLE_EQ(top1024, 1.0);
  }
}

// Gap 4 of issue 20: bf16 end to end through `starcsim run --kv` with a bf16 trace ('<u2' bit
// patterns written by kv-stats --save-kv --kv-dtype bf16): exit 0, the report says bf16, every
// result bit-exact, and the dense output within the bf16 error (2^-8 relative per probability;
// an fp16 reading of the bf16 bits gives garbage or non-finite values and fails).
TEST(StarcsimCli, Bf16TraceRunsEndToEnd) {
  const std::string dir = test_file("kv_bf16"), json = test_file("bf16.json");
  std::filesystem::remove_all(dir);
  std::filesystem::remove(json);
  const auto saved = run_starcsim("kv-stats --context 300 --steps 2 --kv-dtype bf16 --save-kv '" + dir + "'");
  ASSERT_EQ(saved.status, 0) << saved.err;
  EXPECT_NE(starc::test::slurp(dir + "/k.npy").find("'descr': '<u2'"), std::string::npos);
  const auto r = run_starcsim("run --channel small --kv '" + dir + "' --kv-dtype bf16 --budget 64 "
                              "--policies dense,starc --json '" + json + "'");
  ASSERT_EQ(r.status, 0) << r.err;
  const auto j = nlohmann::json::parse(starc::test::slurp(json));
  EXPECT_EQ(j.at("run").at("fmt").get<std::string>(), "bf16");
  EXPECT_EQ(j.at("run").at("steps").get<long>(), 2);
  for (const auto& p : j.at("policies")) {
    SCOPED_TRACE(p.at("policy").get<std::string>());
    EXPECT_GT(p.at("bitexact").at("compared").get<long>(), 0);
    EXPECT_EQ(p.at("bitexact").at("mismatches").get<long>(), 0);
    EXPECT_EQ(p.at("bitexact").at("centroid_match_mismatches").get<long>(), 0);
    EXPECT_EQ(p.at("non_finite_outputs").get<long>(), 0);
  }
  const double dense_err = j.at("policies").at(0).at("fidelity").at("rtl_output_rel_err").get<double>();
  EXPECT_GT(dense_err, 0.0);
  EXPECT_LT(dense_err, 4e-3);
}

}  // namespace

// The rtl energy model (issue 18) on a tiny real run: its counts are the run's own (every bank's
// PIM unit every cycle, the MACABs' lane MACs split by mode, the centroid-match unit's cycles),
// each term is count x constant, and the model is attacc without the ALU term plus the RTL's
// compute terms, so its total can be recomputed by hand from the report.
TEST(StarcsimCli, RtlEnergyModelAddsUpOnATinyRun) {
  const std::string json = test_file("rtl_energy.json");
  std::filesystem::remove(json);
  const auto r = run_starcsim("run --channel small --context 300 --steps 1 --budget 64 --policies dense,starc "
                              "--json '" + json + "'");
  ASSERT_EQ(r.status, 0) << r.err;
  const auto j = nlohmann::json::parse(starc::test::slurp(json));
  const auto& org = j.at("run").at("org");
  const long banks = org.at("pseudo_channels").get<long>() * org.at("ranks").get<long>() *
                     org.at("bank_groups").get<long>() * org.at("banks").get<long>();
  for (const auto& p : j.at("policies")) {
    SCOPED_TRACE(p.at("policy").get<std::string>());
    const auto& rtl = p.at("energy").at("rtl");
    const auto& att = p.at("energy").at("attacc");
    const auto& c = rtl.at("components");
    EXPECT_EQ(rtl.at("model"), "rtl");
    EXPECT_FALSE(c.contains("alu"));
    EXPECT_EQ(c.at("pim_cycle").at("count").get<long>(), banks * p.at("cycles").at("total").get<long>());
    EXPECT_EQ(c.at("centroid_match_cycle").at("count").get<long>(), p.at("cycles").at("total").get<long>());
    EXPECT_EQ(c.at("centroid_match_busy").at("count").get<long>(), p.at("centroid_match_cycles").get<long>());
    EXPECT_EQ(c.at("dot_mac").at("count").get<long>() + c.at("axpy_mac").at("count").get<long>(),
              p.at("events").at("mac_ops").get<long>());
    EXPECT_GT(c.at("axpy_mac").at("count").get<long>(), 0);
    double sum = 0;
    for (const auto& [name, t] : c.items()) {
      EXPECT_DOUBLE_EQ(t.at("pj").get<double>(), t.at("count").get<double>() * t.at("pj_per_unit").get<double>()) << name;
      sum += t.at("pj").get<double>();
    }
    EXPECT_NEAR(rtl.at("total_pj").get<double>(), sum, 1e-9 * sum);
    for (const char* same : {"bank_access", "buffer_die"})
      EXPECT_EQ(c.at(same).at("pj"), att.at("components").at(same).at("pj")) << same;
  }
  const auto& vs = j.at("starc_vs").at("dense");
  const auto total = [&](int i) { return j.at("policies").at(i).at("energy").at("rtl").at("total_pj").get<double>(); };
  EXPECT_NEAR(vs.at("energy_reduction_rtl").get<double>(), 1.0 - total(1) / total(0), 1e-12);
}

namespace {

// fidelity --preset scattered (issue 19): the scattered-topic workload without flags, flags
// given alongside win, and every policy's recall is reported relative to the oracle's.
TEST(StarcsimCli, FidelityScatteredPresetReportsRecallRelativeToTheOracle) {
  const std::string json = test_file("preset.json");
  std::filesystem::remove(json);
  const auto r = run_starcsim(fmt::format(
      "fidelity --preset scattered --context 1200 --steps 2 --policies oracle,quest,starc --json '{}'", json));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("rec/orc"), std::string::npos);
  EXPECT_NE(r.out.find("starc clustering: window (window 1024"), std::string::npos) << r.out;
  const auto j = nlohmann::json::parse(starc::test::slurp(json));
  EXPECT_EQ(j.at("context").get<int>(), 1200);
  EXPECT_EQ(j.at("steps").get<int>(), 2);
  EXPECT_NE(j.at("source").get<std::string>().find("segments=4..16"), std::string::npos);
  EXPECT_EQ(j.at("budgets"), nlohmann::json::array({1024}));
  EXPECT_EQ(j.at("params").at("starc").at("window").get<int>(), 1024);
  EXPECT_EQ(j.at("policies").at("oracle").at(0).at("recall_vs_oracle").get<double>(), 1.0);
  const auto& s = j.at("policies").at("starc").at(0);
  EXPECT_NEAR(s.at("recall_vs_oracle").get<double>(),
              s.at("recall").get<double>() / j.at("policies").at("oracle").at(0).at("recall").get<double>(), 1e-12);
  // The paper's clustering stays selectable.
  std::filesystem::remove(json);
  const auto p = run_starcsim(fmt::format(
      "fidelity --preset scattered --context 1200 --steps 2 --policies starc --clustering paper --json '{}'", json));
  ASSERT_EQ(p.status, 0) << p.err;
  EXPECT_EQ(nlohmann::json::parse(starc::test::slurp(json)).at("params").at("starc").at("window").get<int>(), 64);
  EXPECT_NE(p.out.find("starc clustering: paper"), std::string::npos);
}

}  // namespace
