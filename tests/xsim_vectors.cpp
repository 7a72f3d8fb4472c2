// The Verilator side of `make xsim` (issue 15, scripts/xsim.sh): writes the vector files that
// both simulators read and runs them through the Verilated models, writing results in the same
// text format as the Icarus testbenches (tests/xsim/tb_*.sv), so that the outputs compare with
// cmp. Also times the run (wall seconds on stderr) for the speed comparison.
//
//   xsim_vectors gen-mac FILE N SEED      N random MAC operations (tests/mac_op_gen.hpp: random
//                                         bits and the arithmetic's corners), `starcsim vectors`
//                                         format (host/mac_vectors.hpp), hex without 0x
//   xsim_vectors run-mac FILE OUT         the 16-lane pim_mac (sim/mac_harness), one line per
//                                         result; checks the golden model too
//   xsim_vectors gen-cmatch FILE N SEED   N random selections for centroid_match: a line
//                                         `select|passes BUDGET COUNT` (alternately) then COUNT
//                                         lines `ID SCORE SIZE`
//                                         (all hex; COUNT <= 256, the MaxSel 16 build's clusters)
//   xsim_vectors run-cmatch FILE OUT      the MaxSel 16 centroid_match (sim/centroid_match_harness
//                                         select for `select`, select_passes for `passes`: further
//                                         passes with resume_i while a pass hits MaxSel): per pass
//                                         one line `BUDGET_MET S_LIMIT
//                                         ID:TAKE ...` (%05x:%02x); checks the golden passes too
#include <bit>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/core.h>

#include "host/centroid_select.hpp"
#include "host/mac_vectors.hpp"
#include "mac_op_gen.hpp"
#include "sim/centroid_match_harness.hpp"
#include "sim/mac_harness.hpp"

namespace {

using Clock = std::chrono::steady_clock;

std::string vector_line(const pim::MacOp& op) {
  std::string s = op.mode == pim::MacMode::dot ? "dot " : "axpy ";
  s += pim::fmt_name(op.fmt);
  if (op.mode == pim::MacMode::dot) {
    s += fmt::format(" {:08x}", op.acc[0]);
    for (int i = 0; i < 16; ++i) s += fmt::format(" {:04x}", op.a[i]);
    for (int i = 0; i < 16; ++i) s += fmt::format(" {:04x}", op.b[i]);
  } else {
    s += fmt::format(" {:04x}", op.p);
    for (int i = 0; i < 16; ++i) s += fmt::format(" {:08x}", op.acc[i]);
    for (int i = 0; i < 16; ++i) s += fmt::format(" {:04x}", op.a[i]);
  }
  return s;
}

void gen_mac(const std::string& path, std::size_t n, std::uint64_t seed) {
  pim::test::MacOpGen gen(seed);
  std::ofstream out(path);
  out << "# " << n << " MAC operations, seed " << seed << " (tests/xsim_vectors.cpp gen-mac)\n";
  for (const auto& op : gen.stream(n)) out << vector_line(op) << '\n';
  if (!out) throw std::runtime_error("cannot write " + path);
}

void run_mac(const std::string& path, const std::string& out_path) {
  const auto vectors = pim::read_mac_vectors(path);
  std::vector<pim::MacOp> ops;
  for (const auto& v : vectors) ops.push_back(v.op);
  const auto t0 = Clock::now();
  pim::MacHarness rtl({pim::kVectorLanes, 1, ""});
  const auto got = rtl.run_batch(ops);
  const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  if (got.size() != ops.size()) throw std::runtime_error("run-mac: results missing");
  pim::GoldenMac golden(pim::kVectorLanes);
  const auto want = golden.run_batch(ops);
  std::string text;
  std::size_t bad = 0;
  for (std::size_t k = 0; k < ops.size(); ++k) {
    text += pim::format_mac_result(ops[k], got[k]) + "\n";
    bad += got[k] != want[k];
  }
  std::ofstream(out_path) << text;
  std::fprintf(stderr, "run-mac: %zu operations in %.6f s (Verilator), %zu differ from the golden model\n", ops.size(),
               secs, bad);
  if (bad != 0) throw std::runtime_error("run-mac: RTL differs from the golden model");
}

struct Selection {
  bool passes = false;  // select_passes (else one select)
  std::uint32_t budget = 0;
  std::vector<pim::CentroidEntry> entries;
};

void gen_cmatch(const std::string& path, std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto pick = [&](int k) { return static_cast<int>(rng() % static_cast<std::uint64_t>(k)); };
  const std::vector<std::uint32_t> specials = {0x00000000u, 0x80000000u, 0x7F800000u, 0xFF800000u, 0x7FC00000u,
                                               0xFFC00000u, 0x7F800001u, 0x3F800000u, 0xBF800000u, 0x00000001u,
                                               0x80000001u, 0x7F7FFFFFu, 0xFF7FFFFFu};
  std::ofstream out(path);
  out << "# " << n << " centroid-match selections, seed " << seed << " (tests/xsim_vectors.cpp gen-cmatch)\n";
  for (std::size_t s = 0; s < n; ++s) {
    const int count = 1 + pick(s % 5 == 0 ? 256 : 60);
    const int kind = pick(4);
    const bool dup_ids = pick(4) == 0;
    std::uint32_t total = 0;
    std::vector<std::string> lines;
    for (int i = 0; i < count; ++i) {
      const std::uint32_t id = dup_ids ? static_cast<std::uint32_t>(pick(8)) : static_cast<std::uint32_t>(rng() & 0xFFFFF);
      std::uint32_t score = 0;
      switch (kind) {
        case 0: score = static_cast<std::uint32_t>(rng()); break;
        case 1: score = specials[static_cast<std::size_t>(pick(static_cast<int>(specials.size())))]; break;
        case 2: score = std::bit_cast<std::uint32_t>(static_cast<float>(pick(7) - 3)); break;
        default: score = std::bit_cast<std::uint32_t>(std::uniform_real_distribution<float>(-4.0f, 4.0f)(rng)); break;
      }
      const int size = pick(8) == 0 ? 0 : (pick(3) == 0 ? 1 + pick(64) : 16 + pick(17));
      total += static_cast<std::uint32_t>(size);
      lines.push_back(fmt::format("{:05x} {:08x} {:02x}", id, score, size));
    }
    std::uint32_t budget = 0;
    switch (pick(5)) {
      case 0: budget = 1; break;
      case 1: budget = total + static_cast<std::uint32_t>(pick(100)); break;
      case 2: budget = static_cast<std::uint32_t>(pick(static_cast<int>(total) + 1)); break;
      default: budget = 1 + static_cast<std::uint32_t>(pick(600)); break;
    }
    // Alternately one pass (select) and passes with resume (select_passes).
    out << fmt::format("{} {:06x} {:x}\n", s % 2 ? "select" : "passes", budget, count);
    for (const auto& l : lines) out << l << '\n';
  }
  if (!out) throw std::runtime_error("cannot write " + path);
}

std::vector<Selection> read_cmatch(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::vector<Selection> sels;
  std::string word;
  while (in >> word) {
    if (word[0] == '#') {
      std::getline(in, word);
      continue;
    }
    if (word != "select" && word != "passes") throw std::runtime_error(path + ": expected `select` or `passes`, got " + word);
    Selection s;
    s.passes = word == "passes";
    unsigned count = 0;
    in >> std::hex >> s.budget >> count;
    for (unsigned i = 0; i < count; ++i) {
      unsigned id = 0, score = 0, size = 0;
      in >> id >> score >> size;
      s.entries.push_back({id, score, static_cast<std::uint8_t>(size)});
    }
    in >> std::dec;
    if (!in) throw std::runtime_error(path + ": truncated selection");
    sels.push_back(std::move(s));
  }
  return sels;
}

std::string selection_line(const pim::CentroidSelection& s) {
  std::string line = fmt::format("{} {}", s.budget_met ? 1 : 0, s.s_limit_hit ? 1 : 0);
  for (const auto& c : s.clusters) line += fmt::format(" {:05x}:{:02x}", c.id, c.take);
  return line;
}

void run_cmatch(const std::string& path, const std::string& out_path) {
  const auto sels = read_cmatch(path);
  const auto t0 = Clock::now();
  pim::CentroidMatchHarness h(pim::make_centroid_match_s16(), 1);
  std::vector<pim::CentroidMatchPassesRun> got;
  for (const auto& s : sels) {
    if (s.passes) {
      got.push_back(h.select_passes(s.entries, s.budget));
    } else {
      got.emplace_back();
      got.back().passes.push_back(h.select(s.entries, s.budget));
    }
  }
  const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  std::string text;
  std::size_t bad = 0, passes = 0;
  for (std::size_t k = 0; k < sels.size(); ++k) {
    const auto gold = sels[k].passes ? pim::select_centroid_passes(sels[k].entries, sels[k].budget, h.max_sel())
                                     : std::vector<pim::CentroidSelection>{
                                           pim::select_centroids(sels[k].entries, sels[k].budget, h.max_sel())};
    bad += gold.size() != got[k].passes.size();
    for (std::size_t p = 0; p < got[k].passes.size(); ++p) {
      text += selection_line(got[k].passes[p].selection) + "\n";
      bad += p < gold.size() && !(got[k].passes[p].selection == gold[p]);
      ++passes;
    }
  }
  std::ofstream(out_path) << text;
  std::fprintf(stderr, "run-cmatch: %zu selections (%zu passes) in %.6f s (Verilator), %zu differ from the golden model\n",
               sels.size(), passes, secs, bad);
  if (bad != 0 || h.got_error()) throw std::runtime_error("run-cmatch: RTL differs from the golden model");
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const std::vector<std::string> a(argv + 1, argv + argc);
    if (a.size() == 4 && a[0] == "gen-mac") gen_mac(a[1], std::stoul(a[2]), std::stoull(a[3]));
    else if (a.size() == 3 && a[0] == "run-mac") run_mac(a[1], a[2]);
    else if (a.size() == 4 && a[0] == "gen-cmatch") gen_cmatch(a[1], std::stoul(a[2]), std::stoull(a[3]));
    else if (a.size() == 3 && a[0] == "run-cmatch") run_cmatch(a[1], a[2]);
    else throw std::invalid_argument("usage: xsim_vectors gen-mac|gen-cmatch FILE N SEED | run-mac|run-cmatch FILE OUT");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "xsim_vectors: %s\n", e.what());
    return 1;
  }
  return 0;
}
