#include "sim/decode_cosim.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <optional>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>

#include "mapping/cluster_layout.hpp"
#include "host/cmd_trace.hpp"
#include "host/fidelity.hpp"
#include "host/golden_channel.hpp"
#include "host/policy_starc.hpp"
#include "host/scoreboard.hpp"
#include "mapping/token_layout.hpp"
#include "host/trace_checker.hpp"

namespace pim {
namespace {

using Clock = std::chrono::steady_clock;
double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

struct PhaseResult {
  PhaseSchedule sched;
  std::vector<MvsbResult> rtl, gold;
  std::uint64_t first = 0, last = 0;
};

// First slot (in its region) of the BG-row a read opens.
unsigned read_base_slot(const starc::KvLayout& l, starc::Region r, const RowRead& rr) {
  return ((rr.row - l.base_row(r)) * l.org().total_bank_groups() + rr.bank_group) * l.slots_per_row();
}

// The slots (within the BG-row) whose columns a read covers, ascending.
std::vector<unsigned> read_slots(const RowRead& rr, unsigned cpt) {
  std::vector<unsigned> s;
  for (unsigned c : rr.columns)
    if (s.empty() || s.back() != c / cpt) s.push_back(c / cpt);
  return s;
}

}  // namespace

// Everything one decode step of one policy uses.
struct DecodeCosim::Step {
  DecodeCosim& self;
  PolicyStats& st;
  std::unique_ptr<starc::KvLayout> layout;
  std::unique_ptr<GoldenChannel> golden;
  Scoreboard sb;

  void use_layout(std::unique_ptr<starc::KvLayout> l) {
    const auto t = Clock::now();
    layout = std::move(l);
    self.sim_.set_image(layout->image());
    golden = std::make_unique<GoldenChannel>(self.sim_.org(), self.sim_.head_dim(), self.kv_.fmt,
                                             layout->image());
    st.wall.host += since(t);
  }

  PhaseResult run_phase(const PhaseRequest& req, std::uint64_t start) {
    PhaseResult r;
    auto t = Clock::now();
    r.sched = self.ctl_.schedule(req, std::max({start, self.ctl_.next_cycle(), self.sim_.cycle()}));
    st.wall.host += since(t);
    if (r.sched.cmds.empty()) throw std::logic_error("decode co-simulation: empty phase");
    t = Clock::now();
    for (const auto& c : r.sched.cmds) {
      if (auto g = golden->step(c)) {
        sb.expect(*g);
        r.gold.push_back(std::move(*g));
      }
    }
    st.wall.golden += since(t);
    t = Clock::now();
    r.rtl = self.sim_.run(r.sched.cmds);
    st.wall.verilator += since(t);
    for (const auto& x : r.rtl) sb.observe(x);
    r.first = r.sched.cmds.front().cycle;
    r.last = r.sched.cmds.back().cycle;
    for (const auto& x : r.rtl) r.last = std::max(r.last, x.cycle);
    self.cmds_.insert(self.cmds_.end(), r.sched.cmds.begin(), r.sched.cmds.end());
    return r;
  }
};

DecodeCosim::DecodeCosim(ChannelSim& channel, CentroidMatchHarness& cmatch,
                         const starc::KvSource& kv, const DecodeConfig& cfg)
    : sim_(channel), cmatch_(cmatch), kv_(kv), cfg_(cfg),
      ctl_(channel.org(), channel.timing(), cfg.mode, channel.head_dim()) {
  if (cfg.budget == 0) throw std::invalid_argument("--budget: must be >= 1");
  if (cfg.head >= kv.heads.size())
    throw std::invalid_argument(fmt::format("--head: {} but the KV source has {} heads", cfg.head, kv.heads.size()));
  const starc::KvHead& h = kv.heads[cfg.head];
  if (static_cast<unsigned>(h.keys.cols()) != channel.head_dim())
    throw std::invalid_argument(fmt::format("--head-dim: the KV head dimension is {}, the RTL channel "
                                            "is built for D = {}",
                                            h.keys.cols(), channel.head_dim()));
  if (h.queries.rows() == 0 || h.queries.rows() >= h.keys.rows())
    throw std::invalid_argument(fmt::format("KV source: {} queries for {} tokens", h.queries.rows(), h.keys.rows()));
  if (cfg.layout != "auto" && cfg.layout != "token" && cfg.layout != "cluster")
    throw std::invalid_argument(fmt::format("--layout: '{}' (expected auto, token or cluster)", cfg.layout));
}

DecodeCosim::~DecodeCosim() = default;

std::string DecodeCosim::layout_for(std::string_view policy) const {
  const bool cluster = cfg_.layout == "cluster" || (cfg_.layout == "auto" && policy == "starc");
  if (policy == "starc" && !cluster)
    throw std::invalid_argument("--layout token: starc needs the cluster layout (its centroid region)");
  if (policy == "quest" && cluster)
    throw std::invalid_argument("--layout cluster: quest needs the token-order layout (its page metadata)");
  return cluster ? "cluster" : "token-order";
}

PolicyStats DecodeCosim::run_policy(std::string_view name) {
  PolicyStats st;
  st.policy = std::string(name);
  st.layout = layout_for(name);
  st.mode = std::string(ctrl_mode_name(cfg_.mode));
  st.macab_per_bg.assign(sim_.org().total_bank_groups(), 0);
  auto policy = starc::make_policy(name, cfg_.params);
  policy->reset();
  marks_.push_back({cmds_.size(), fmt::format("policy {} layout {} mode {} budget {}", st.policy,
                                              st.layout, st.mode, cfg_.budget)});
  const std::size_t first_cmd = cmds_.size();
  const std::uint32_t errors_before = sim_.timing_error_count();
  const auto& head = kv_.heads[cfg_.head];
  const auto steps = static_cast<unsigned>(head.queries.rows());
  clustered_.reset(new starc::ClusteredKeys(cfg_.params.kmeans));
  for (unsigned s = 0; s < steps; ++s) run_step(*policy, s, st);
  st.rtl_timing_errors = sim_.timing_error_count() - errors_before;
  // Independent check of this policy's commands from their trace text alone.
  const auto t = Clock::now();
  std::stringstream ss;
  write_trace(ss, sim_.org(), sim_.timing(),
              std::vector<Command>(cmds_.begin() + static_cast<std::ptrdiff_t>(first_cmd), cmds_.end()));
  st.trace_violations = check_trace(parse_trace(ss)).size();
  st.wall.host += since(t);
  return st;
}

void DecodeCosim::run_step(starc::Policy& policy, unsigned s, PolicyStats& st) {
  const auto t_step = Clock::now();
  const WallTime wall_before = st.wall;
  const starc::KvHead& head = kv_.heads[cfg_.head];
  const Org& o = sim_.org();
  const unsigned d = sim_.head_dim(), cpt = o.cols_per_token(d), groups = o.total_bank_groups();
  const auto total = static_cast<unsigned>(head.keys.rows());
  const unsigned n = total - static_cast<unsigned>(head.queries.rows()) + s + 1;
  marks_.push_back({cmds_.size(), fmt::format("{} step {} context {}", st.policy, s, n)});
  const std::size_t first_cmd = cmds_.size();
  std::vector<float> q(d);
  std::vector<std::uint16_t> qbits(d);
  for (unsigned j = 0; j < d; ++j) {
    q[j] = head.queries(s, j);
    qbits[j] = encode_input(q[j], kv_.fmt);
  }
  const auto keys = head.keys.topRows(n);
  const auto values = head.values.topRows(n);
  Step step{*this, st, nullptr, nullptr, {}};
  const std::uint64_t step_start = std::max(ctl_.next_cycle(), sim_.cycle());
  bool sel_ran = false, q_in_buffer = false;
  std::uint64_t sel_end = 0;

  // STARC: the policy scores its centroids with the RTL (dot mode) and the centroid-match unit
  // selects; both are checked against the golden models.
  auto* starc = dynamic_cast<starc::StarcPolicy*>(&policy);
  std::optional<CentroidSelection> unit_sel;
  if (starc) {
    starc->set_scorer([&](const starc::Matrix& cents, std::span<const float>) {
      step.use_layout(std::make_unique<starc::ClusterLayout>(head, starc->clusters(), n, o, kv_.fmt, total));
      const auto clusters = static_cast<unsigned>(cents.rows());
      if (clusters > static_cast<unsigned>(cmatch_.max_clusters()))
        throw std::invalid_argument(fmt::format("context {}: {} clusters exceed the centroid-match build's {}",
                                                n, clusters, cmatch_.max_clusters()));
      starc::Selection cost;
      cost.context = n;
      cost.cost = starc::SelectionCost::centroids;
      PhaseRequest pr;
      pr.mode = Mode::dot;
      pr.reads = step.layout->cost_reads(cost);
      pr.query = qbits;
      const PhaseResult r = step.run_phase(pr, step_start);
      // Stream the scores into the unit in arrival order, one per cycle, each from the cycle
      // after its MVSB result is on the channel's result port.
      std::vector<CentroidEntry> rtl_entries, gold_entries;
      std::vector<int> gaps;
      std::vector<double> scores(clusters, 0.0);
      std::uint64_t next_free = 0, first_entry = 0;
      for (std::size_t k = 0; k < r.rtl.size() && k < r.gold.size(); ++k) {
        const RowRead& rr = pr.reads.at(r.sched.result_source.at(k));
        const unsigned base = read_base_slot(*step.layout, starc::Region::centroids, rr);
        for (unsigned slot : read_slots(rr, cpt)) {
          const unsigned g = base + slot;
          if (g >= clusters) continue;
          const auto size = static_cast<std::uint8_t>(starc->clusters().size(g));
          rtl_entries.push_back({static_cast<std::uint16_t>(g), r.rtl[k].words.at(slot), size});
          gold_entries.push_back({static_cast<std::uint16_t>(g), r.gold[k].words.at(slot), size});
          scores[g] = float_of(r.rtl[k].words.at(slot));
          const std::uint64_t at = std::max(r.rtl[k].cycle + 1, next_free);
          if (rtl_entries.size() == 1) first_entry = at;
          gaps.push_back(rtl_entries.size() == 1 ? 0 : static_cast<int>(at - next_free));
          next_free = at + 1;
        }
      }
      if (rtl_entries.size() != clusters)
        throw std::logic_error(fmt::format("starc: {} centroid scores for {} clusters", rtl_entries.size(), clusters));
      const unsigned recent = n - starc->clusters().clustered_tokens();
      const std::uint32_t unit_budget = cfg_.budget - recent;
      auto t = Clock::now();
      const CentroidMatchRun run = cmatch_.select(rtl_entries, unit_budget, gaps, 0);
      st.wall.verilator += since(t);
      t = Clock::now();
      const CentroidSelection gold = select_centroids(gold_entries, unit_budget, cmatch_.max_sel());
      st.wall.golden += since(t);
      ++st.cmatch_compared;
      if (!(run.selection == gold) || cmatch_.got_error()) {
        ++st.cmatch_mismatches;
        if (st.cmatch_first_mismatch.empty())
          st.cmatch_first_mismatch = fmt::format("step {}: RTL selected {} clusters, golden {}{}", s,
                                                 run.selection.clusters.size(), gold.clusters.size(),
                                                 cmatch_.got_error() ? " (RTL $error)" : "");
      }
      unit_sel = run.selection;
      st.cmatch_cycles += run.cycles;
      sel_end = first_entry + run.cycles - 1;
      sel_ran = q_in_buffer = true;
      return scores;
    });
  }
  auto t = Clock::now();
  const starc::Selection sel = policy.select(keys, q, cfg_.budget);
  st.wall.host += since(t);
  if (starc && unit_sel) {
    // The policy's budget fill on the RTL scores must be what the unit chose.
    bool same = sel.clusters.size() == unit_sel->clusters.size();
    for (std::size_t i = 0; same && i < sel.clusters.size(); ++i)
      same = sel.clusters[i].cluster == unit_sel->clusters[i].id && sel.clusters[i].taken == unit_sel->clusters[i].take;
    ++st.cmatch_compared;
    if (!same) {
      ++st.cmatch_mismatches;
      if (st.cmatch_first_mismatch.empty())
        st.cmatch_first_mismatch = fmt::format("step {}: policy fill ({} clusters) differs from the unit's ({})", s,
                                               sel.clusters.size(), unit_sel->clusters.size());
    }
  }
  if (!step.layout) {
    if (st.layout == "cluster") {
      t = Clock::now();
      if (!starc) clustered_->extend(keys, cfg_.params.threads);
      const starc::ClusteredKeys& ck = starc ? starc->clusters() : *clustered_;
      st.wall.host += since(t);
      step.use_layout(std::make_unique<starc::ClusterLayout>(head, ck, n, o, kv_.fmt, total));
    } else {
      starc::TokenLayoutParams tp;
      tp.page = cfg_.params.page;
      tp.capacity = total;
      step.use_layout(std::make_unique<starc::TokenLayout>(head, n, o, kv_.fmt, tp));
    }
  }
  const starc::KvLayout& layout = *step.layout;

  // Selection reads of quest and tokenwise.
  if (!starc && (sel.cost == starc::SelectionCost::dims || sel.cost == starc::SelectionCost::page_meta)) {
    PhaseRequest pr;
    pr.mode = Mode::dot;
    pr.reads = layout.cost_reads(sel);
    pr.query = qbits;
    if (sel.cost == starc::SelectionCost::dims) {
      std::vector<std::uint16_t> masked(d, 0);
      for (unsigned j : sel.dims) masked[j] = qbits[j];
      pr.query = masked;
    } else {
      q_in_buffer = true;
    }
    if (!pr.reads.empty()) {
      sel_end = step.run_phase(pr, step_start).last;
      sel_ran = true;
    }
  }

  // Key phase.
  PhaseRequest kp;
  kp.mode = Mode::dot;
  kp.reads = layout.token_reads(starc::Region::keys, sel.tokens);
  if (!q_in_buffer) kp.query = qbits;
  const PhaseResult kr = step.run_phase(kp, sel_ran ? sel_end + 1 : step_start);
  t = Clock::now();
  std::vector<float> score(n, 0.0f);
  for (std::size_t k = 0; k < kr.rtl.size(); ++k) {
    const RowRead& rr = kp.reads.at(kr.sched.result_source.at(k));
    const unsigned base = read_base_slot(layout, starc::Region::keys, rr);
    for (unsigned slot : read_slots(rr, cpt)) score.at(layout.token_at(base + slot)) = float_of(kr.rtl[k].words.at(slot));
  }
  // Softmax in binary32 over the selected tokens, ascending token order.
  const float scale = 1.0f / std::sqrt(static_cast<float>(d));
  float mx = -INFINITY, sum = 0.0f;
  for (unsigned tk : sel.tokens) mx = std::max(mx, score[tk] * scale);
  std::vector<float> e(n, 0.0f);
  for (unsigned tk : sel.tokens) sum += (e[tk] = std::exp(score[tk] * scale - mx));
  std::vector<std::uint16_t> prob(n, 0);
  for (unsigned tk : sel.tokens) prob[tk] = encode_input(e[tk] / sum, kv_.fmt);
  st.wall.host += since(t);

  // Value phase.
  PhaseRequest vp;
  vp.mode = Mode::axpy;
  vp.reads = layout.token_reads(starc::Region::values, sel.tokens);
  const unsigned spr = layout.slots_per_row();
  vp.scalars = [&](std::size_t index) {
    const RowRead& rr = vp.reads.at(index);
    const unsigned base = read_base_slot(layout, starc::Region::values, rr);
    std::vector<std::uint16_t> sc(spr, 0);
    for (unsigned slot : read_slots(rr, cpt)) sc[slot] = prob.at(layout.token_at(base + slot));
    return sc;
  };
  const PhaseResult vr = step.run_phase(vp, kr.last + 1);
  step.sb.finish();
  t = Clock::now();
  std::vector<std::vector<float>> partial(groups, std::vector<float>(d, 0.0f));
  for (const auto& r : vr.rtl)
    for (unsigned i = 0; i < d && i < r.words.size(); ++i) partial.at(r.gbg)[i] = float_of(r.words[i]);
  Eigen::VectorXd out(d);
  std::vector<float> leaves(groups);
  for (unsigned i = 0; i < d; ++i) {
    for (unsigned g = 0; g < groups; ++g) leaves[g] = partial[g][i];
    out[i] = tree_padded(leaves);
  }

  // Statistics of the step.
  StepStats ss;
  ss.context = n;
  ss.selected = static_cast<unsigned>(sel.tokens.size());
  const std::uint64_t first = cmds_[first_cmd].cycle;
  ss.cycles.total = vr.last - first + 1;
  ss.cycles.selection = sel_ran ? sel_end - first + 1 : 0;
  ss.cycles.keys = kr.last - kr.first + 1;
  ss.cycles.values = vr.last - vr.first + 1;
  const std::uint64_t acts_before = st.events.activations;
  for (std::size_t i = first_cmd; i < cmds_.size(); ++i) {
    const Command& c = cmds_[i];
    ++st.commands[std::string(op_name(c.op))];
    count_energy_events(o, d, c, st.events);
    if (c.op == Op::MACAB)
      for (unsigned g = 0; g < groups; ++g)
        if (c.mask >> g & 1u) ++st.macab_per_bg[g];
  }
  ss.activations = st.events.activations - acts_before;
  const starc::DenseReference ref(keys, values, q);
  const starc::FidelityMetrics m = ref.measure(values, sel.tokens, cfg_.budget);
  ss.fidelity.recall = m.recall;
  ss.fidelity.hit_rate = m.hit_rate;
  ss.fidelity.rel_err = m.rel_err;
  ss.fidelity.cosine = m.cosine;
  const double full = ref.output().norm();
  ss.fidelity.rtl_rel_err = full > 0 ? (out - ref.output()).norm() / full : 0.0;
  ss.fidelity.rtl_cosine = full > 0 && out.norm() > 0 ? out.dot(ref.output()) / (full * out.norm()) : 0.0;
  st.cycles += ss.cycles;
  st.selected_tokens += ss.selected;
  st.compared += step.sb.compared();
  st.mismatches += step.sb.mismatches();
  if (st.first_mismatch.empty() && !step.sb.first_mismatch().empty())
    st.first_mismatch = fmt::format("step {}: {}", s, step.sb.first_mismatch());
  st.steps.push_back(ss);
  st.wall.host += since(t);
  // Whatever was not attributed to Verilator or the golden model is host time.
  const double attributed = (st.wall.verilator - wall_before.verilator) +
                            (st.wall.golden - wall_before.golden) + (st.wall.host - wall_before.host);
  st.wall.host += std::max(0.0, since(t_step) - attributed);
}

}  // namespace pim
