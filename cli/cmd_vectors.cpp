// starcsim vectors FILE: MAC test vectors through the Verilated 16-lane pim_mac (docs/design.md
// section 8, "Vectors"; file format in host/mac_vectors.hpp).
//
// The whole file is parsed first: a bad line gives one error naming the line and nothing is
// printed. Then every operation is streamed through the RTL back to back (one per cycle) and
// through the golden model; stdout gets one result line per operation (lower-case %08x,
// space-separated), nothing else. If the RTL and the golden model disagree on any line, the
// command fails naming the first such line (after printing the RTL results).
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>

#include <fmt/core.h>

#include "cli/commands.hpp"
#include "sim/mac_harness.hpp"
#include "host/mac_model.hpp"
#include "host/mac_vectors.hpp"
#include "cli/output_file.hpp"

namespace starc::cli {

namespace {

struct VectorsOptions {
  std::string file;
  std::string waves;
  std::uint32_t seed = 1;
};

void run_vectors(const VectorsOptions& o) {
  check_outputs({{"--waves", o.waves}}, {{"vectors FILE", o.file}});
  const auto vectors = pim::read_mac_vectors(o.file);
  if (vectors.empty())  // a "pass" that tested nothing
    throw std::invalid_argument(fmt::format("{}: no operations (only blank or comment lines)", o.file));
  std::vector<pim::MacOp> ops;
  ops.reserve(vectors.size());
  for (const auto& v : vectors) ops.push_back(v.op);

  pim::MacHarness rtl({pim::kVectorLanes, o.seed, o.waves});
  pim::GoldenMac golden(pim::kVectorLanes);
  const auto got = rtl.run_batch(ops);
  const auto want = golden.run_batch(ops);
  if (got.size() != ops.size()) {
    throw std::runtime_error(fmt::format("{}: the RTL returned {} results for {} operations",
                                         o.file, got.size(), ops.size()));
  }
  std::string out;
  for (std::size_t k = 0; k < ops.size(); ++k) {
    out += pim::format_mac_result(ops[k], got[k]);
    out += '\n';
  }
  std::fputs(out.c_str(), stdout);
  std::fflush(stdout);
  std::size_t mismatches = 0, first = 0;
  for (std::size_t k = ops.size(); k-- > 0;) {
    if (got[k] != want[k]) ++mismatches, first = k;
  }
  if (rtl.got_error()) throw std::runtime_error(fmt::format("{}: an RTL assertion fired", o.file));
  if (mismatches != 0) {
    throw std::runtime_error(fmt::format(
        "{}:{}: RTL result {} differs from the golden model {} ({} mismatching line(s))", o.file,
        vectors[first].line, pim::format_mac_result(ops[first], got[first]),
        pim::format_mac_result(ops[first], want[first]), mismatches));
  }
}

}  // namespace

void add_vectors_command(CLI::App& app) {
  auto opts = std::make_shared<VectorsOptions>();
  CLI::App* sub = app.add_subcommand(
      "vectors",
      "Run MAC test vectors (lines `dot FMT ACC A0..A15 B0..B15` / `axpy FMT P ACC0..ACC15 "
      "X0..X15`, hex bits, FMT fp16|bf16; blank and # lines skipped) through the Verilated "
      "16-lane pim_mac; print one result line per vector; fail if RTL and golden disagree");
  sub->add_option("FILE", opts->file, "vector file")->required();
  sub->add_option("--waves", opts->waves, "write an FST waveform of the run to this file");
  sub->add_option("--x-seed", opts->seed, "seed of Verilator X randomisation")
      ->capture_default_str();
  sub->callback([opts] { run_vectors(*opts); });
}

}  // namespace starc::cli
