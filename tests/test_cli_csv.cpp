// starcsim run --csv / fidelity --csv (docs/design.md section 8): one row per policy and decode
// step under a header of stable column names, the same figures as the JSON report, and the
// file validated like every output (a bad path is one error line naming --csv, nothing written).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "starcsim_process.hpp"

namespace {

using starc::test::run_starcsim;
using starc::test::slurp;
using starc::test::test_file;

using Row = std::map<std::string, std::string>;

// A CSV without quoted fields (the policy, layout and mode names have no commas).
std::vector<Row> parse_csv(const std::string& text, std::vector<std::string>& header) {
  std::istringstream in(text);
  std::string line;
  auto split = [](const std::string& l) {
    std::vector<std::string> f;
    std::string cur;
    for (char c : l) {
      if (c == ',') {
        f.push_back(cur);
        cur.clear();
      } else {
        cur += c;
      }
    }
    f.push_back(cur);
    return f;
  };
  std::getline(in, line);
  header = split(line);
  std::vector<Row> rows;
  while (std::getline(in, line)) {
    const auto f = split(line);
    EXPECT_EQ(f.size(), header.size()) << line;
    Row r;
    for (std::size_t i = 0; i < f.size() && i < header.size(); ++i) r[header[i]] = f[i];
    rows.push_back(r);
  }
  return rows;
}

long as_long(const Row& r, const std::string& k) { return std::stol(r.at(k)); }

// The column names are part of the interface: a rename breaks every notebook that reads them.
const std::vector<std::string> kRunColumns = {
    "policy", "layout", "mode", "budget", "step", "context", "selected", "selection_skipped", "cycles",
    "selection_cycles", "keys_cycles", "softmax_cycles", "values_cycles", "gap_cycles", "latency_ns",
    "start_cycle", "selection_start", "keys_start", "softmax_start", "values_start", "end_cycle", "activations",
    "recall", "hit_rate", "rel_err", "cosine", "rtl_output_rel_err", "rtl_output_cosine", "non_finite_output"};
const std::vector<std::string> kFidelityColumns = {"policy", "budget", "head", "step", "context", "selected",
                                                   "recall", "hit_rate", "rel_err", "cosine", "head_kind"};

TEST(StarcsimCsv, RunWritesOneRowPerPolicyAndStepMatchingTheJson) {
  const std::string csv = test_file("run.csv"), json = test_file("run.json");
  const auto r = run_starcsim("run --channel small --context 300 --steps 2 --budget 64 --policies dense,quest,starc "
                              "--json '" + json + "' --csv '" + csv + "'");
  ASSERT_EQ(r.status, 0) << r.err;
  std::vector<std::string> header;
  const auto rows = parse_csv(slurp(csv), header);
  EXPECT_EQ(header, kRunColumns);
  ASSERT_EQ(rows.size(), 6u);
  const auto j = nlohmann::json::parse(slurp(json));
  std::size_t i = 0;
  for (const auto& p : j.at("policies")) {
    for (std::size_t s = 0; s < p.at("steps").size(); ++s, ++i) {
      const Row& row = rows.at(i);
      const auto& st = p.at("steps")[s];
      SCOPED_TRACE(row.at("policy") + " step " + row.at("step"));
      EXPECT_EQ(row.at("policy"), p.at("policy").get<std::string>());
      EXPECT_EQ(as_long(row, "step"), static_cast<long>(s));
      EXPECT_EQ(as_long(row, "budget"), 64);
      EXPECT_EQ(as_long(row, "context"), st.at("context").get<long>());
      EXPECT_EQ(as_long(row, "cycles"), st.at("cycles").at("total").get<long>());
      EXPECT_EQ(as_long(row, "selection_cycles"), st.at("cycles").at("selection").get<long>());
      EXPECT_EQ(as_long(row, "keys_cycles"), st.at("cycles").at("keys").get<long>());
      EXPECT_EQ(as_long(row, "values_cycles"), st.at("cycles").at("values").get<long>());
      EXPECT_EQ(as_long(row, "gap_cycles"), st.at("cycles").at("gaps").get<long>());
      EXPECT_EQ(as_long(row, "activations"), st.at("activations").get<long>());
      EXPECT_DOUBLE_EQ(std::stod(row.at("recall")), st.at("recall").get<double>());
      // The phases and the waits between them add up to the step, and lie where they say.
      EXPECT_EQ(as_long(row, "selection_cycles") + as_long(row, "keys_cycles") + as_long(row, "softmax_cycles") +
                    as_long(row, "values_cycles") + as_long(row, "gap_cycles"),
                as_long(row, "cycles"));
      EXPECT_EQ(as_long(row, "end_cycle") - as_long(row, "start_cycle") + 1, as_long(row, "cycles"));
      EXPECT_EQ(as_long(row, "values_start") + as_long(row, "values_cycles") - 1, as_long(row, "end_cycle"));
      EXPECT_LE(as_long(row, "keys_start") + as_long(row, "keys_cycles"), as_long(row, "softmax_start"));
      EXPECT_LE(as_long(row, "softmax_start"), as_long(row, "values_start"));
      EXPECT_NEAR(std::stod(row.at("latency_ns")), as_long(row, "cycles") * 0.769, 1e-6);
      if (row.at("policy") == "dense") {
        EXPECT_EQ(row.at("selection_start"), "");  // no selection phase
      } else {
        EXPECT_EQ(as_long(row, "selection_start"), as_long(row, "start_cycle"));
      }
    }
  }
  // Steps run one after the other on one clock.
  for (std::size_t k = 1; k < rows.size(); ++k) EXPECT_GT(as_long(rows[k], "start_cycle"), as_long(rows[k - 1], "end_cycle"));
}

TEST(StarcsimCsv, FidelityWritesOneRowPerPolicyBudgetAndStep) {
  const std::string csv = test_file("fid.csv"), json = test_file("fid.json");
  const auto r = run_starcsim("fidelity --context 300 --steps 3 --budgets 32,64 --policies oracle,starc --json '" +
                              json + "' --csv '" + csv + "'");
  ASSERT_EQ(r.status, 0) << r.err;
  std::vector<std::string> header;
  const auto rows = parse_csv(slurp(csv), header);
  EXPECT_EQ(header, kFidelityColumns);
  ASSERT_EQ(rows.size(), 2u * 2u * 3u);
  // The mean over the steps is the JSON's recall of that policy and budget.
  const auto j = nlohmann::json::parse(slurp(json));
  for (const std::string policy : {"oracle", "starc"}) {
    for (const long budget : {32L, 64L}) {
      double sum = 0;
      int n = 0;
      for (const auto& row : rows) {
        if (row.at("policy") != policy || as_long(row, "budget") != budget) continue;
        sum += std::stod(row.at("recall"));
        ++n;
        EXPECT_EQ(as_long(row, "context"), 300 - 3 + as_long(row, "step") + 1);
      }
      ASSERT_EQ(n, 3);
      double want = -1;
      for (const auto& e : j.at("policies").at(policy))
        if (e.at("budget").get<long>() == budget) want = e.at("recall").get<double>();
      EXPECT_NEAR(sum / n, want, 1e-12) << policy << " B=" << budget;
    }
  }
}

TEST(StarcsimCsv, BadCsvPathIsOneLineNamingItAndNothingIsWritten) {
  const std::string json = test_file("bad.json"), csv = test_file("bad.csv");
  std::filesystem::remove(json);
  std::filesystem::remove(csv);
  const std::string small = "run --channel small --context 300 --steps 1 --policies dense --json '" + json + "' ";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {small + "--csv /nonexistent/dir/r.csv", "--csv"},
      {small + "--csv '" + json + "'", "--csv"},
      {small + "--csv '" + std::filesystem::temp_directory_path().string() + "'", "--csv"},
      {small + "--csv /proc/starcsim_test.csv", "--csv"},
      {"fidelity --context 300 --steps 1 --budgets 64 --json '" + json + "' --csv /nonexistent/dir/f.csv", "--csv"},
      {"fidelity --context 300 --steps 1 --budgets 64 --json '" + json + "' --csv '" + json + "'", "--csv"},
  };
  for (const auto& [args, expect] : cases) {
    SCOPED_TRACE(args);
    const auto r = run_starcsim(args);
    EXPECT_NE(r.status, 0);
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_NE(r.err.find(expect), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(json));
    EXPECT_FALSE(std::filesystem::exists(csv));
  }
}

}  // namespace
