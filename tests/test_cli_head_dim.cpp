// starcsim with the head dimension at run time (docs/design.md section 2, issue 21): one
// channel build runs `run --kv DIR` on traces of D = 64, 128 and 256 bit-exactly, `dense
// --head-dim D` too; a D the channel does not serve is refused before any work with one error
// line naming --head-dim or the trace directory.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "starcsim_process.hpp"

namespace {

using starc::test::run_starcsim;
using starc::test::test_file;

// A synthetic trace of head dimension d (300 tokens, 2 steps) written by kv-stats --save-kv.
std::string trace_of(unsigned d) {
  const std::string dir = test_file(fmt::format("kv_d{}", d));
  std::filesystem::remove_all(dir);
  const auto r = run_starcsim(fmt::format("kv-stats --context 300 --steps 2 --head-dim {} --save-kv '{}'", d, dir));
  EXPECT_EQ(r.status, 0) << r.err;
  return dir;
}

// Catches (planted) a `run` that leaves the channel's mode register at its default D = 128
// (co.head_dim not set in cmd_run.cpp: the D = 64 and 256 traces are refused).
TEST(StarcsimHeadDim, RunOnTracesOfEveryHeadDimensionIsBitExact) {
  for (const unsigned d : {64u, 128u, 256u}) {
    SCOPED_TRACE(d);
    const std::string dir = trace_of(d), json = test_file(fmt::format("d{}.json", d));
    std::filesystem::remove(json);
    const auto r = run_starcsim(fmt::format(
        "run --channel small --kv '{}' --budget 64 --policies dense,quest,starc --json '{}'", dir, json));
    ASSERT_EQ(r.status, 0) << r.err;
    const auto j = nlohmann::json::parse(starc::test::slurp(json));
    EXPECT_EQ(j.at("run").at("head_dim").get<unsigned>(), d);
    EXPECT_EQ(j.at("trace").at("violations").get<long>(), 0);
    for (const auto& p : j.at("policies")) {
      SCOPED_TRACE(p.at("policy").get<std::string>());
      EXPECT_GT(p.at("bitexact").at("compared").get<long>(), 0);
      EXPECT_EQ(p.at("bitexact").at("mismatches").get<long>(), 0);
      EXPECT_EQ(p.at("bitexact").at("centroid_match_mismatches").get<long>(), 0);
    }
  }
}

TEST(StarcsimHeadDim, DenseAtEveryHeadDimensionIsBitExact) {
  for (const unsigned d : {64u, 128u, 256u}) {
    SCOPED_TRACE(d);
    const auto r = run_starcsim(fmt::format("dense --small --tokens 256 --head-dim {}", d));
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find(fmt::format("D {},", d)), std::string::npos) << r.out;
    EXPECT_NE(r.out.find(fmt::format("bitexact: compared {} mismatches 0", 256 + 2 * d)), std::string::npos) << r.out;
  }
}

// Catches (planted) a missing check_channel_head_dim in `run` (D = 192 then reaches the channel
// harness, whose error does not name the flag or the trace).
TEST(StarcsimHeadDim, UnsupportedHeadDimensionIsRefusedNamingTheFlagOrTheTrace) {
  const std::string json = test_file("bad_d.json");
  std::filesystem::remove(json);
  const std::string dir192 = trace_of(192);
  struct Case {
    std::string args, expect;
  };
  const Case cases[] = {
      {"run --channel small --context 300 --steps 1 --head-dim 192 --json '" + json + "'", "--head-dim: head dimension 192"},
      {"run --context 300 --steps 1 --head-dim 320 --json '" + json + "'", "--head-dim"},
      {"run --channel small --kv '" + dir192 + "' --json '" + json + "'", "--kv " + dir192 + ": the trace's head dimension 192"},
      {"dense --small --head-dim 96", "--head-dim: head dimension 96"},
      {"dense --head-dim 512", "--head-dim"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.args);
    const auto r = run_starcsim(c.args);
    EXPECT_NE(r.status, 0);
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_NE(r.err.find(c.expect), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(json));
  }
}

}  // namespace
