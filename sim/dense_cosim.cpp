#include "sim/dense_cosim.hpp"

#include <chrono>
#include <cmath>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>

#include "host/cmd_trace.hpp"
#include "host/golden_channel.hpp"
#include "host/scoreboard.hpp"
#include "host/trace_checker.hpp"

namespace pim {

DenseHead random_dense_head(unsigned tokens, unsigned head_dim, Fmt fmt, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  DenseHead h;
  h.fmt = fmt;
  auto vec = [&] {
    std::vector<std::uint16_t> v(head_dim);
    for (auto& x : v) x = encode_input(u(rng), fmt);
    return v;
  };
  for (unsigned t = 0; t < tokens; ++t) h.keys.push_back(vec());
  for (unsigned t = 0; t < tokens; ++t) h.values.push_back(vec());
  h.query = vec();
  return h;
}

ReadList fill_token_order(DramImage& image, unsigned head_dim, unsigned base_row,
                          const std::vector<std::vector<std::uint16_t>>& vectors) {
  const Org& o = image.org();
  const unsigned cpt = o.cols_per_token(head_dim), slots = o.slots_per_row(head_dim);
  const unsigned groups = o.total_bank_groups(), share = head_dim / o.banks;
  ReadList reads;
  for (std::size_t t = 0; t < vectors.size(); ++t) {
    if (vectors[t].size() != head_dim)
      throw std::invalid_argument(fmt::format("token {} has {} elements, expected {}", t, vectors[t].size(), head_dim));
    const unsigned bgrow = static_cast<unsigned>(t / slots), slot = static_cast<unsigned>(t % slots);
    const unsigned g = bgrow % groups, row = base_row + bgrow / groups;
    if (row >= o.rows) throw std::invalid_argument(fmt::format("{} tokens do not fit in {} rows", vectors.size(), o.rows));
    for (unsigned b = 0; b < o.banks; ++b) {
      for (unsigned j = 0; j < cpt; ++j) {
        image.write_column(g * o.banks + b, row, slot * cpt + j,
                           std::span<const std::uint16_t>(vectors[t]).subspan(b * share + j * o.lanes, o.lanes));
      }
    }
    if (slot == 0) reads.push_back(RowRead{g, row, {}});
    for (unsigned j = 0; j < cpt; ++j) reads.back().columns.push_back(slot * cpt + j);
  }
  return reads;
}

namespace {

// Runs one phase on the RTL and on the golden model; returns the RTL results.
std::vector<MvsbResult> run_phase(ChannelSim& sim, GoldenChannel& golden, Scoreboard& sb,
                                  const std::vector<Command>& cmds) {
  for (const auto& c : cmds)
    if (auto r = golden.step(c)) sb.expect(*r);
  auto rtl = sim.run(cmds);
  for (const auto& r : rtl) sb.observe(r);
  return rtl;
}

}  // namespace

DenseReport run_dense_head(ChannelSim& sim, CtrlMode mode, const DenseHead& head) {
  const auto t0 = std::chrono::steady_clock::now();
  const Org& o = sim.org();
  const unsigned d = sim.head_dim();
  const unsigned slots = o.slots_per_row(d), groups = o.total_bank_groups();
  const std::size_t n = head.keys.size();
  if (n == 0 || head.values.size() != n || head.query.size() != d)
    throw std::invalid_argument("dense head: keys/values/query shapes do not match the channel");
  DramImage image(o);
  const ReadList key_reads = fill_token_order(image, d, 0, head.keys);
  const unsigned value_base = key_reads.back().row + 1;
  const ReadList value_reads = fill_token_order(image, d, value_base, head.values);
  sim.set_image(image);
  GoldenChannel golden(o, d, head.fmt, image);
  Scoreboard sb;
  Controller ctl(o, sim.timing(), mode, d);
  DenseReport rep;

  // Key phase.
  PhaseRequest kp;
  kp.mode = Mode::dot;
  kp.reads = key_reads;
  kp.query = head.query;
  const std::uint64_t start = std::max(ctl.next_cycle(), sim.cycle());
  PhaseSchedule ks = ctl.schedule(kp, start);
  auto kres = run_phase(sim, golden, sb, ks.cmds);
  rep.scores.assign(n, 0.0f);
  std::uint64_t last = ks.cmds.back().cycle;
  for (std::size_t k = 0; k < kres.size() && k < ks.result_source.size(); ++k) {
    const std::size_t read = ks.result_source[k];
    for (unsigned s = 0; s < slots; ++s) {
      const std::size_t t = read * slots + s;  // reads are one per BG-row in token order
      if (t < n) rep.scores[t] = float_of(kres[k].words[s]);
    }
    last = std::max(last, kres[k].cycle);
  }
  rep.key_cycles = last - ks.cmds.front().cycle + 1;

  // Host softmax in binary32.
  const float scale = 1.0f / std::sqrt(static_cast<float>(d));
  float mx = -INFINITY;
  std::vector<float> e(n);
  for (std::size_t t = 0; t < n; ++t) mx = std::max(mx, rep.scores[t] * scale);
  float sum = 0.0f;
  for (std::size_t t = 0; t < n; ++t) sum += (e[t] = std::exp(rep.scores[t] * scale - mx));
  std::vector<std::uint16_t> prob(n);
  for (std::size_t t = 0; t < n; ++t) prob[t] = encode_input(e[t] / sum, head.fmt);

  // Value phase.
  PhaseRequest vp;
  vp.mode = Mode::axpy;
  vp.reads = value_reads;
  vp.scalars = [&](std::size_t read) {
    std::vector<std::uint16_t> s(slots, 0);
    for (unsigned k = 0; k < slots; ++k)
      if (read * slots + k < n) s[k] = prob[read * slots + k];
    return s;
  };
  PhaseSchedule vs = ctl.schedule(vp, std::max(last + 1, ctl.next_cycle()));
  auto vres = run_phase(sim, golden, sb, vs.cmds);
  sb.finish();
  std::vector<std::vector<float>> partial(groups, std::vector<float>(d, 0.0f));
  std::uint64_t vlast = vs.cmds.back().cycle;
  for (const auto& r : vres) {
    for (unsigned i = 0; i < d && i < r.words.size(); ++i) partial[r.gbg][i] = float_of(r.words[i]);
    vlast = std::max(vlast, r.cycle);
  }
  rep.value_cycles = vlast - vs.cmds.front().cycle + 1;
  rep.output.assign(d, 0.0f);
  std::vector<float> leaves(groups);
  for (unsigned i = 0; i < d; ++i) {
    for (unsigned g = 0; g < groups; ++g) leaves[g] = partial[g][i];
    rep.output[i] = tree_padded(leaves);
  }
  rep.cycles = vlast - ks.cmds.front().cycle + 1;

  // Bookkeeping.
  rep.cmds = ks.cmds;
  rep.cmds.insert(rep.cmds.end(), vs.cmds.begin(), vs.cmds.end());
  for (const auto& c : rep.cmds) {
    ++rep.commands[std::string(op_name(c.op))];
    if (c.op == Op::ACT) rep.bank_activations += 1;
    if (c.op == Op::ACTAB) rep.bank_activations += o.total_banks();
  }
  rep.compared = sb.compared();
  rep.mismatches = sb.mismatches();
  rep.first_mismatch = sb.first_mismatch();
  rep.timing_errors = sim.timing_error_count();
  rep.timing_mask = sim.timing_error_mask();
  std::stringstream ss;
  write_trace(ss, o, sim.timing(), rep.cmds);
  rep.trace_violations = check_trace(parse_trace(ss)).size();
  rep.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  // Double-precision reference.
  std::vector<double> sref(n);
  double smax = -INFINITY;
  for (std::size_t t = 0; t < n; ++t) {
    double s = 0;
    for (unsigned i = 0; i < d; ++i) s += double(decode_input(head.keys[t][i], head.fmt)) * decode_input(head.query[i], head.fmt);
    sref[t] = s;
    rep.score_max_abs_error = std::max(rep.score_max_abs_error, std::abs(s - rep.scores[t]));
    smax = std::max(smax, s / std::sqrt(double(d)));
  }
  double z = 0;
  for (std::size_t t = 0; t < n; ++t) z += std::exp(sref[t] / std::sqrt(double(d)) - smax);
  double num = 0, den = 0;
  for (unsigned i = 0; i < d; ++i) {
    double oref = 0;
    for (std::size_t t = 0; t < n; ++t)
      oref += std::exp(sref[t] / std::sqrt(double(d)) - smax) / z * decode_input(head.values[t][i], head.fmt);
    num += (rep.output[i] - oref) * (rep.output[i] - oref);
    den += oref * oref;
  }
  rep.output_rel_error = std::sqrt(num / den);
  return rep;
}

}  // namespace pim
