// `starcsim model` end to end (docs/design.md section 14) on tiny presets written by the tests:
// the exact system table recomputed here from the head-step records and the AttAcc mapping,
// shards merged equal to the unsharded run, the RTL sample checked, grouped-query attention,
// a sampled estimate's spread, and every bad input one line naming the file and field with
// nothing written.
#include <algorithm>
#include <cstdio>
#include <map>

#include <fmt/core.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "starcsim_process.hpp"

namespace {

using starc::test::run_starcsim;
using starc::test::slurp;
using starc::test::test_file;
using starc::test::write_file;

std::string model_file(unsigned layers, unsigned q, unsigned kv) {
  return write_file(fmt::format("model-{}-{}-{}.json", layers, q, kv),
                    fmt::format(R"({{"name": "tiny", "layers": {}, "query_heads": {}, "kv_heads": {}, "head_dim": 128}})",
                                layers, q, kv));
}
std::string system_file(unsigned devices, unsigned stacks, unsigned channels) {
  return write_file(fmt::format("system-{}-{}-{}.json", devices, stacks, channels),
                    fmt::format(R"({{"name": "tiny", "devices": {}, "stacks_per_device": {}, "channels_per_stack": {}, )"
                                R"("channel": "hbm3-pim", "mapping": "attacc"}})",
                                devices, stacks, channels));
}

const std::string kPolicies = "--policies dense,quest,starc --budget 256";

nlohmann::json run_json(const std::string& args, const std::string& name) {
  const std::string json = test_file(name);
  const auto r = run_starcsim(fmt::format("model {} --json '{}'", args, json));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "") << "progress must be quiet when stderr is not a terminal";
  return nlohmann::json::parse(slurp(json));
}

// 2 layers x 2 KV heads x batch 3 on 1 device x 1 stack x 2 channels: per layer 6 ops, AttAcc's
// stack takes all 6 and deals them to channels op mod 2 (op = head x batch + request).
TEST(StarcsimModel, ExactTableIsTheSlowestChannelPerLayerSummedOverLayers) {
  const std::string args = fmt::format("--model '{}' --system '{}' --batch 3 --context 1024 {}", model_file(2, 2, 2),
                                       system_file(1, 1, 2), kPolicies);
  const nlohmann::json j = run_json(args, "exact.json");
  const auto& c = j.at("contexts").at(0);
  ASSERT_TRUE(c.at("complete").get<bool>());
  const auto& est = c.at("estimate");
  EXPECT_TRUE(est.at("exact").get<bool>());
  EXPECT_EQ(est.at("head_steps_simulated").get<unsigned>(), 12u);
  for (const std::string p : {"dense", "quest", "starc"}) {
    SCOPED_TRACE(p);
    std::map<std::pair<unsigned, unsigned>, double> load;  // (layer, channel) -> cycles
    double energy = 0;
    for (const auto& h : c.at("head_steps")) {
      const unsigned op = h.at("kv_head").get<unsigned>() * 3 + h.at("request").get<unsigned>();
      load[{h.at("layer").get<unsigned>(), op % 2}] += h.at("policies").at(p).at("cycles").get<double>();
      energy += h.at("policies").at(p).at("energy_pj").get<double>();
    }
    double latency = 0;
    for (unsigned l = 0; l < 2; ++l) latency += std::max(load[{l, 0}], load[{l, 1}]);
    const auto& pe = est.at("policies").at(p);
    EXPECT_DOUBLE_EQ(pe.at("latency_cycles").at("mean").get<double>(), latency);
    EXPECT_DOUBLE_EQ(pe.at("latency_cycles").at("lo").get<double>(), latency);
    EXPECT_NEAR(pe.at("energy_attacc_pj").at("mean").get<double>(), energy, 1e-6 * energy);
  }
  const double s = est.at("policies").at("starc").at("latency_cycles").at("mean").get<double>();
  const double d = est.at("policies").at("dense").at("latency_cycles").at("mean").get<double>();
  EXPECT_NEAR(est.at("starc_vs").at("dense").at("latency_reduction").at("mean").get<double>(), 1 - s / d, 1e-12);
}

TEST(StarcsimModel, ShardsMergedGiveTheUnshardedTable) {
  const std::string args = fmt::format("--model '{}' --system '{}' --batch 2 --context 1024,2048 {}", model_file(2, 2, 2),
                                       system_file(1, 1, 2), kPolicies);
  const nlohmann::json whole = run_json(args, "whole.json");
  const std::string a = test_file("a.json"), b = test_file("b.json"), m = test_file("m.json");
  for (const auto& [shard, file] : {std::pair{"1/2", a}, std::pair{"2/2", b}}) {
    const auto r = run_starcsim(fmt::format("model {} --shard {} --json '{}'", args, shard, file));
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("no system table"), std::string::npos);
  }
  // Each shard holds half of every context's head-steps, disjoint.
  const auto ja = nlohmann::json::parse(slurp(a)), jb = nlohmann::json::parse(slurp(b));
  EXPECT_EQ(ja.at("contexts").at(0).at("head_steps").size(), 4u);
  EXPECT_EQ(jb.at("contexts").at(0).at("head_steps").size(), 4u);
  const auto r = run_starcsim(fmt::format("model --merge '{}' '{}' --json '{}'", a, b, m));
  ASSERT_EQ(r.status, 0) << r.err;
  const auto merged = nlohmann::json::parse(slurp(m));
  for (std::size_t c = 0; c < 2; ++c)
    EXPECT_EQ(merged.at("contexts").at(c).at("estimate"), whole.at("contexts").at(c).at("estimate")) << "context " << c;
  // The same shard twice is refused, naming the file.
  const auto twice = run_starcsim(fmt::format("model --merge '{}' '{}' --json '{}'", a, a, test_file("t.json")));
  EXPECT_NE(twice.status, 0);
  EXPECT_NE(twice.err.find("given twice"), std::string::npos) << twice.err;
}

// A sampled run's shards merge to its estimate: the merge resamples with the shards' own
// --replicates (not the merging command's default) and seed.
TEST(StarcsimModel, ShardsOfASampledRunMergedGiveItsEstimate) {
  const std::string args = fmt::format("--model '{}' --system '{}' --batch 3 --context 1024 {} --sample 5 --replicates 30",
                                       model_file(2, 2, 2), system_file(1, 1, 2), kPolicies);
  const nlohmann::json whole = run_json(args, "swhole.json");
  const std::string a = test_file("sa.json"), b = test_file("sb.json"), m = test_file("sm.json");
  for (const auto& [shard, file] : {std::pair{"1/2", a}, std::pair{"2/2", b}})
    ASSERT_EQ(run_starcsim(fmt::format("model {} --shard {} --json '{}'", args, shard, file)).status, 0);
  const auto r = run_starcsim(fmt::format("model --merge '{}' '{}' --json '{}'", a, b, m));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(slurp(m)).at("contexts").at(0).at("estimate"), whole.at("contexts").at(0).at("estimate"));
}

TEST(StarcsimModel, ThreadsDoNotChangeAFigure) {
  const std::string args = fmt::format("--model '{}' --system '{}' --batch 3 --context 1024 {} --sample 5",
                                       model_file(2, 2, 2), system_file(1, 1, 2), kPolicies);
  const nlohmann::json one = run_json(args + " --jobs 1", "jobs1.json");
  const nlohmann::json two = run_json(args + " --jobs 2", "jobs2.json");
  EXPECT_EQ(one.at("contexts").at(0).at("estimate"), two.at("contexts").at(0).at("estimate"));
}

TEST(StarcsimModel, RtlSampleIsCheckedAgainstTheFastEngine) {
  const std::string args = fmt::format("--model '{}' --system '{}' --batch 2 --context 1024 {} --sample 3 --rtl-sample 1",
                                       model_file(2, 2, 2), system_file(1, 1, 2), kPolicies);
  const nlohmann::json j = run_json(args, "rtl.json");
  const auto& checks = j.at("contexts").at(0).at("estimate").at("checks");
  EXPECT_EQ(checks.at("rtl_head_steps").get<unsigned>(), 1u);
  EXPECT_GT(checks.at("rtl_compared").get<unsigned>(), 0u);
  EXPECT_GT(checks.at("engine_checked").get<unsigned>(), 100u);
  EXPECT_EQ(checks.at("engine_mismatches").get<unsigned>(), 0u);
  EXPECT_EQ(checks.at("rtl_mismatches").get<unsigned>(), 0u);
  EXPECT_EQ(checks.at("rtl_timing_errors").get<unsigned>(), 0u);
  // A sampled estimate: its spread brackets its mean.
  const auto& lat = j.at("contexts").at(0).at("estimate").at("policies").at("starc").at("latency_cycles");
  EXPECT_FALSE(j.at("contexts").at(0).at("estimate").at("exact").get<bool>());
  EXPECT_LE(lat.at("lo").get<double>(), lat.at("mean").get<double>());
  EXPECT_GE(lat.at("hi").get<double>(), lat.at("mean").get<double>());
}

TEST(StarcsimModel, GroupedQueryAttentionRunsTheGroupOnTheKvHeadsChannel) {
  // 4 query heads on 2 KV heads: 2 head-steps per request and layer, each two query heads long.
  const std::string gqa = fmt::format("--model '{}' --system '{}' --batch 1 --context 1024 {}", model_file(1, 4, 2),
                                      system_file(1, 1, 2), kPolicies);
  const nlohmann::json j = run_json(gqa, "gqa.json");
  EXPECT_EQ(j.at("mapping").at("head_steps").get<unsigned>(), 2u);
  EXPECT_NE(j.at("gqa").get<std::string>().find("2 query heads"), std::string::npos);
  const nlohmann::json one = run_json(fmt::format("--model '{}' --system '{}' --batch 1 --context 1024 {}",
                                                  model_file(1, 2, 2), system_file(1, 1, 2), kPolicies),
                                      "mha.json");
  // Dense reads the whole context whatever the query: twice the cycles of one query head.
  const auto dense = [](const nlohmann::json& x) {
    return x.at("contexts").at(0).at("head_steps").at(0).at("policies").at("dense").at("cycles").get<double>();
  };
  EXPECT_DOUBLE_EQ(dense(j), 2 * dense(one));
}

TEST(StarcsimModel, BadInputIsOneLineNamingTheFileAndFieldAndNothingIsWritten) {
  const std::string sys = system_file(1, 1, 2), mod = model_file(1, 2, 2);
  struct Case {
    std::string args, expect;
  };
  const std::vector<Case> cases = {
      {fmt::format("--model '{}'", write_file("m1.json", R"({"name": "x", "layers": 0, "query_heads": 2, "kv_heads": 2, "head_dim": 128})")),
       "field 'layers'"},
      {fmt::format("--model '{}'", write_file("m2.json", R"({"name": "x", "layers": 2, "query_heads": 3, "kv_heads": 2, "head_dim": 128})")),
       "field 'kv_heads'"},
      {fmt::format("--model '{}'", write_file("m2d.json", R"({"name": "x", "layers": 2, "query_heads": 2, "kv_heads": 2, "head_dim": 96})")),
       "field 'head_dim'"},
      {fmt::format("--model '{}'", write_file("m3.json", R"({"name": "x", "layers": 2, "query_heads": 2, "kv_heads": 2})")),
       "field 'head_dim' is missing"},
      {fmt::format("--model '{}'", write_file("m4.json", R"({"name": "x", "layer": 2, "query_heads": 2, "kv_heads": 2, "head_dim": 128})")),
       "unknown field 'layer'"},
      {fmt::format("--model '{}'", write_file("m5.json", "{\"name\": ")), "not valid JSON"},
      {"--model no-such-model", "no-such-model.json: cannot open"},
      {fmt::format("--model '{}' --system '{}'", mod,
                   write_file("s1.json", R"({"name": "x", "devices": 1, "stacks_per_device": 1, "channels_per_stack": 2, "channel": "hbm9", "mapping": "attacc"})")),
       "field 'channel'"},
      {fmt::format("--model '{}' --system '{}'", mod,
                   write_file("s2.json", R"({"name": "x", "devices": "8", "stacks_per_device": 1, "channels_per_stack": 2, "channel": "hbm3-pim", "mapping": "attacc"})")),
       "field 'devices'"},
      {fmt::format("--model '{}' --system '{}' --shard 3/2", mod, sys), "--shard"},
      {fmt::format("--model '{}' --system '{}' --context 12x", mod, sys), "--context"},
      {fmt::format("--model '{}' --system '{}' --batch 0", mod, sys), "batch"},
      {fmt::format("--model '{}' --system '{}' --jobs 0", mod, sys), "--jobs"},
      {fmt::format("--merge '{}'", write_file("notreport.json", "{}")), "not a `starcsim model` JSON report"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.args);
    const std::string json = test_file("never.json");
    std::remove(json.c_str());
    const auto r = run_starcsim(fmt::format("model {} --context 1024 --json '{}'", c.args, json));
    EXPECT_NE(r.status, 0);
    EXPECT_NE(r.err.find(c.expect), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_EQ(slurp(json), "");
  }
}

TEST(StarcsimModel, ShippedPresetsLoadAndMapAsAttAcc) {
  // LLaMA-2-7B on the 640-channel system, batch 16: 32 x 16 = 512 ops per layer, one per channel.
  const auto r = run_starcsim("model --model llama2-7b --system hbm3-pim --batch 16 --context 1024 --sample 2 "
                              "--policies dense --budget 256");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("640 channels"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("16384 (512 per layer on 512 busy channels, at most 1 per channel)"), std::string::npos) << r.out;
  const auto g = run_starcsim("model --model llama3-8b --system hbm3-pim-1stack --batch 16 --context 1024 --sample 2 "
                              "--policies dense --budget 256");
  ASSERT_EQ(g.status, 0) << g.err;
  // 8 KV heads x 16 requests = 128 ops per layer on one stack's 16 channels: 8 rounds each.
  EXPECT_NE(g.out.find("4096 (128 per layer on 16 busy channels, at most 8 per channel)"), std::string::npos) << g.out;
  EXPECT_NE(g.out.find("grouped-query attention"), std::string::npos);
}

}  // namespace

namespace {

// `starcsim run --engine fast`: the whole run's command trace is byte for byte the RTL run's, and
// every policy's cycles are the same; waves and faults are refused.
TEST(StarcsimFastEngine, RunWritesTheRtlRunsTraceAndCycles) {
  std::map<std::string, std::string> trace;
  std::map<std::string, nlohmann::json> json;
  for (const std::string e : {"rtl", "fast"}) {
    const std::string t = test_file(e + ".trace"), j = test_file(e + ".json");
    const auto r = run_starcsim(fmt::format("run --channel small --context 1024 --steps 2 --budget 256 --engine {} "
                                            "--cmd-trace '{}' --json '{}'",
                                            e, t, j));
    ASSERT_EQ(r.status, 0) << r.err;
    trace[e] = slurp(t);
    json[e] = nlohmann::json::parse(slurp(j));
  }
  EXPECT_GT(trace["rtl"].size(), 10000u);
  EXPECT_TRUE(trace["rtl"] == trace["fast"]) << "the fast engine's trace differs from the RTL's";
  for (std::size_t p = 0; p < json["rtl"].at("policies").size(); ++p) {
    const auto &a = json["rtl"]["policies"][p], &b = json["fast"]["policies"][p];
    EXPECT_EQ(a.at("cycles"), b.at("cycles")) << a.at("policy");
    EXPECT_GT(a.at("bitexact").at("compared").get<unsigned>(), 0u);
  }
  for (const auto& [args, expect] : std::vector<std::pair<std::string, std::string>>{
           {"--engine fast --inject dram-bit", "--inject"}, {"--engine fast --waves x.fst", "--waves"},
           {"--engine gpu", "--engine"}}) {
    const auto r = run_starcsim("run --channel small --context 1024 --steps 1 " + args);
    EXPECT_NE(r.status, 0);
    EXPECT_NE(r.err.find(expect), std::string::npos) << r.err;
  }
}

}  // namespace
