#include "sim/decode_cosim.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <optional>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>

#include "contracts/input_error.hpp"
#include "host/attention.hpp"
#include "host/fidelity.hpp"
#include "host/trace_checker.hpp"
#include "mapping/cluster_layout.hpp"
#include "mapping/token_layout.hpp"
#include "sim/lockstep.hpp"

namespace pim {
namespace {

using Clock = std::chrono::steady_clock;
double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

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

// ", pick k: RTL cluster a (take t), golden cluster b (take u)" at the first pick where two
// selections differ (empty if their picks agree).
std::string first_pick_difference(const CentroidSelection& rtl, const CentroidSelection& gold) {
  for (std::size_t k = 0; k < std::max(rtl.clusters.size(), gold.clusters.size()); ++k) {
    const bool r = k < rtl.clusters.size(), g = k < gold.clusters.size();
    if (r && g && rtl.clusters[k].id == gold.clusters[k].id && rtl.clusters[k].take == gold.clusters[k].take) continue;
    return fmt::format(", first at pick {}: RTL {}, golden {}", k + 1,
                       r ? fmt::format("cluster {} (take {})", rtl.clusters[k].id, rtl.clusters[k].take) : "none",
                       g ? fmt::format("cluster {} (take {})", gold.clusters[k].id, gold.clusters[k].take) : "none");
  }
  return "";
}

// The policies group clusters as the striped layout does.
DecodeConfig with_grouping(DecodeConfig cfg) {
  cfg.params.grouping = cfg.striped.grouping();
  return cfg;
}

}  // namespace

std::string_view layout_kind_name(LayoutKind k) {
  switch (k) {
    case LayoutKind::token_order: return "token-order";
    case LayoutKind::cluster: return "cluster";
    case LayoutKind::striped: return "striped";
  }
  return "?";
}

LayoutChoice parse_layout_choice(std::string_view text) {
  if (text == "auto") return LayoutChoice::automatic;
  if (text == "token") return LayoutChoice::token_order;
  if (text == "cluster") return LayoutChoice::cluster;
  if (text == "striped") return LayoutChoice::striped;
  throw starc::InputError("layout", fmt::format("'{}' (expected auto, token, cluster or striped)", text));
}

// Everything one decode step of one policy uses.
struct DecodeCosim::Step {
  DecodeCosim& self;
  PolicyStats& st;
  LockstepEngine engine;
  std::shared_ptr<const starc::KvLayout> layout;
  unsigned s = 0, n = 0;              // step index and context
  std::size_t first_cmd = 0;          // the step's first command in the run's log
  std::vector<float> q;               // the query
  std::vector<std::uint16_t> qbits;   // the query in the input format
  std::uint64_t start = 0;            // first cycle of the step
  std::uint64_t sel_end = 0;          // cycle the selection is known
  bool sel_ran = false, q_in_buffer = false;
  bool skipped = false;               // the budget covers the context: no selection
  std::uint64_t last_cmd = 0;         // the step's last command so far
  std::uint64_t idle = 0;             // cycles in which the channel had no work (PhaseCycles::idle)

  Step(DecodeCosim& s, PolicyStats& stats)
      : self(s), st(stats), engine(s.sim_, s.ctl_, s.cmds_, &stats.wall) {}

  // Runs a phase whose work exists from `from` on; the cycles between the step's previous
  // command and `from` had no work.
  PhaseResult run(const PhaseRequest& req, std::uint64_t from) {
    const bool first = self.cmds_.size() == first_cmd;
    PhaseResult r = engine.run(req, from);
    if (!first && from > last_cmd + 1) idle += from - last_cmd - 1;
    last_cmd = r.sched.cmds.back().cycle;
    return r;
  }

  void use_layout(std::shared_ptr<const starc::KvLayout> l) {
    const auto t = Clock::now();
    layout = std::move(l);
    engine.use_image(layout->image(), self.kv_.fmt);
    st.wall.host += since(t);
  }
};

DecodeCosim::DecodeCosim(ChannelSim& channel, CentroidMatcher* cmatch,
                         const starc::KvSource& kv, const DecodeConfig& cfg)
    : sim_(channel), cmatch_(cmatch), kv_(kv), cfg_(with_grouping(cfg)),
      ctl_(channel.org(), channel.timing(), cfg.mode, channel.head_dim()) {
  if (cfg.budget == 0) throw starc::InputError("budget", "must be >= 1");
  if (cfg.head >= kv.heads.size())
    throw starc::InputError("head", fmt::format("{} but the KV source has {} heads", cfg.head, kv.heads.size()));
  const starc::KvHead& h = kv.heads[cfg.head];
  if (static_cast<unsigned>(h.keys.cols()) != channel.head_dim())
    throw starc::InputError("head_dim", fmt::format("the KV head dimension is {}, the RTL channel's "
                                                    "head-dimension mode register was set to D = {}",
                                                    h.keys.cols(), channel.head_dim()));
  if (h.queries.rows() == 0 || h.queries.rows() >= h.keys.rows())
    throw std::invalid_argument(fmt::format("KV source: {} queries for {} tokens", h.queries.rows(), h.keys.rows()));
  starc::validate(cfg.striped);
}

DecodeCosim::~DecodeCosim() = default;

LayoutKind DecodeCosim::layout_kind_for(std::string_view policy) const { return layout_kind(cfg_, policy); }

LayoutKind DecodeCosim::layout_kind(const DecodeConfig& cfg_, std::string_view policy) {
  const starc::SelectionCost cost = starc::make_policy(policy, cfg_.params)->selection_cost();
  LayoutKind k = LayoutKind::token_order;
  switch (cfg_.layout) {
    case LayoutChoice::automatic:
      k = cost == starc::SelectionCost::centroids ? LayoutKind::striped : LayoutKind::token_order;
      break;
    case LayoutChoice::token_order: k = LayoutKind::token_order; break;
    case LayoutChoice::cluster: k = LayoutKind::cluster; break;
    case LayoutChoice::striped: k = LayoutKind::striped; break;
  }
  if (cost == starc::SelectionCost::centroids && k == LayoutKind::token_order)
    throw starc::InputError("layout", fmt::format("token: {} needs a clustered layout (its centroid region)", policy));
  if (cost == starc::SelectionCost::centroids && cfg_.params.hierarchical && k != LayoutKind::striped)
    throw starc::InputError("layout", fmt::format("{}: the hierarchical selection of {} needs the striped layout "
                                            "(its group regions)", layout_kind_name(k), policy));
  if (cost == starc::SelectionCost::page_meta && k != LayoutKind::token_order)
    throw starc::InputError("layout", fmt::format("{}: {} needs the token-order layout (its page metadata)",
                                            layout_kind_name(k), policy));
  return k;
}

unsigned DecodeCosim::rows_needed(const Org& org, unsigned dim, unsigned context, const DecodeConfig& config,
                                  std::string_view policy) {
  const DecodeConfig cfg = with_grouping(config);
  const LayoutKind kind = layout_kind(cfg, policy);
  const starc::PolicyParams& pp = cfg.params;
  switch (kind) {
    case LayoutKind::striped: {
      starc::StripedParams p = cfg.striped;
      p.group_centroids = pp.hierarchical;  // as clustered_layout
      return starc::StripedLayout::rows_needed(org, dim, context, pp.kmeans.block, pp.kmeans.k, p);
    }
    case LayoutKind::cluster:
      return starc::KvLayout::rows_for(org, dim, context, context / pp.kmeans.block * pp.kmeans.k, 0);
    case LayoutKind::token_order: {
      const bool meta = starc::make_policy(policy, pp)->selection_cost() == starc::SelectionCost::page_meta;
      const unsigned page = meta ? pp.page : 0;
      return starc::KvLayout::rows_for(org, dim, context, 0, page == 0 ? 0 : 2 * ((context + page - 1) / page));
    }
  }
  return 0;
}

std::string DecodeCosim::layout_for(std::string_view policy) const {
  return std::string(layout_kind_name(layout_kind_for(policy)));
}

std::unique_ptr<starc::KvLayout> DecodeCosim::clustered_layout(LayoutKind kind, const starc::ClusteredKeys& ck,
                                                               unsigned n, const starc::CentroidGroups* groups) const {
  const starc::KvHead& head = kv_.heads[cfg_.head];
  const auto total = static_cast<unsigned>(head.keys.rows());
  if (kind == LayoutKind::striped) {
    starc::StripedParams p = cfg_.striped;
    p.group_centroids = cfg_.params.hierarchical;  // the hierarchical selection's regions
    return std::make_unique<starc::StripedLayout>(head, ck, n, sim_.org(), kv_.fmt, total, p, groups);
  }
  return std::make_unique<starc::ClusterLayout>(head, ck, n, sim_.org(), kv_.fmt, total);
}

PolicyStats DecodeCosim::run_policy(std::string_view name) {
  PolicyStats st;
  st.policy = std::string(name);
  const LayoutKind kind = layout_kind_for(name);
  st.layout = std::string(layout_kind_name(kind));
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
  // A policy on a clustered layout does not use the shared token-order layout: free it first
  // (at 1M tokens it is 0.6 GB).
  if (kind != LayoutKind::token_order) token_layout_ = CachedLayout{};
  for (unsigned s = 0; s < steps; ++s) run_step(*policy, kind, s, st);
  st.rtl_timing_errors = sim_.timing_error_count() - errors_before;
  // Independent check of this policy's commands from their trace text alone.
  const auto t = Clock::now();
  // The policy starts settled: every REFAB due before its first command was issued.
  const Timing& tm = sim_.timing();
  const std::uint64_t refs_before =
      tm.refresh && tm.nREFI > 0 && first_cmd < cmds_.size() ? cmds_[first_cmd].cycle / tm.nREFI : 0;
  st.trace_violations =
      check_commands(sim_.org(), tm, std::span<const Command>(cmds_).subspan(first_cmd), refs_before).size();
  st.wall.host += since(t);
  return st;
}

// One round of a policy's selection phase (STARC: its centroids, or in the hierarchical
// selection first the groups' super-centroids): the banks score the requested vectors (dot
// mode) on the step's clustered layout; the scores stream into the centroid-match unit in
// arrival order, up to the unit's in_width() = 4 per cycle, each from the cycle after its MVSB result is on the channel's
// result port. When the budget needs more than the unit's MaxSel picks, further passes replay the
// scores (in_width() per cycle, from the buffer die's score buffer) and resume after the previous
// pass's last pick with the budget left (rtl/centroid_match.sv, "Passes"); each pass's
// selection is compared with the golden pass on the golden model's scores. A later round
// starts the cycle after the unit of the previous one is done.
starc::ScoreResult DecodeCosim::score_round(Step& step, const starc::Policy& policy, const starc::ScoreRequest& req,
                                            LayoutKind kind, unsigned s) {
  PolicyStats& st = step.st;
  const starc::KvHead& head = kv_.heads[cfg_.head];
  const starc::ClusteredKeys& ck = *policy.clustering();
  const auto total = static_cast<unsigned>(head.keys.rows());
  const unsigned n = total - static_cast<unsigned>(head.queries.rows()) + s + 1;
  const unsigned cpt = sim_.org().cols_per_token(sim_.head_dim());
  if (cmatch_ == nullptr) throw std::logic_error("decode co-simulation: no centroid-match unit");
  if (!step.layout) step.use_layout(clustered_layout(kind, ck, n, policy.grouping()));
  const starc::KvLayout& layout = *step.layout;
  const bool groups = req.what == starc::SelectionCost::groups;
  const starc::Region region = groups ? starc::Region::groups : starc::Region::centroids;
  const auto count = static_cast<unsigned>(req.ids.size());
  // The CLI refuses contexts whose clusters exceed the id space before any work
  // (cli/cmd_run.cpp); reaching this is a bug.
  if (count > static_cast<unsigned>(cmatch_->max_clusters()) || (count > 0 && req.ids.back() > kMaxClusterId))
    throw std::logic_error(fmt::format("context {}: {} entries exceed the centroid-match build's {}",
                                       n, count, cmatch_->max_clusters()));
  // Request position of each id, and the slots to read.
  std::vector<unsigned> slots;
  std::vector<unsigned> pos_of(groups ? layout.region_slots(region) : ck.clusters(), starc::KvLayout::kNoToken);
  for (unsigned i = 0; i < count; ++i) {
    const unsigned id = req.ids[i];
    slots.push_back(groups ? layout.group_slot(id) : layout.centroid_slot(id));
    pos_of.at(id) = i;
  }
  PhaseRequest pr;
  pr.mode = Mode::dot;
  pr.reads = layout.slot_reads(region, slots);
  if (!step.q_in_buffer) pr.query = query_bits(s);
  const PhaseResult r = step.run(pr, step.sel_ran ? step.sel_end + 1 : step.start);
  std::vector<CentroidEntry> rtl_entries, gold_entries;
  std::vector<std::uint64_t> ready;  // cycle each entry may enter the unit, from the first's
  starc::ScoreResult out;
  out.what = req.what;
  out.ids = req.ids;
  out.scores.assign(count, 0.0);
  std::vector<bool> seen(count, false);
  std::uint64_t first_entry = 0;
  for (std::size_t k = 0; k < r.rtl.size() && k < r.gold.size(); ++k) {
    const RowRead& rr = pr.reads.at(r.sched.result_source.at(k));
    const unsigned base = read_base_slot(layout, region, rr);
    for (unsigned slot : read_slots(rr, cpt)) {
      const unsigned id = groups ? layout.group_at(base + slot) : layout.cluster_at_centroid(base + slot);
      if (id == starc::KvLayout::kNoToken || id >= pos_of.size() || pos_of[id] == starc::KvLayout::kNoToken) continue;
      const unsigned i = pos_of[id];
      if (seen[i]) throw std::logic_error(fmt::format("starc: id {} scored twice", id));
      seen[i] = true;
      const auto size = static_cast<std::uint8_t>(req.sizes.at(i));
      rtl_entries.push_back({id, r.rtl[k].words.at(slot), size});
      gold_entries.push_back({id, r.gold[k].words.at(slot), size});
      out.scores[i] = float_of(r.rtl[k].words.at(slot));
      // From the cycle after its MVSB result is on the channel's result port (the unit packs
      // up to in_width() of them into a cycle).
      const std::uint64_t at = r.rtl[k].cycle + 1;
      if (rtl_entries.size() == 1) first_entry = at;
      ready.push_back(at - first_entry);
    }
  }
  if (rtl_entries.size() != count)
    throw std::logic_error(fmt::format("starc: {} scores for {} requested vectors", rtl_entries.size(), count));
  // A budget above the requested sizes' sum selects everything whatever its value, so it is
  // capped there (< 2^21, the unit's budget register): no budget is out of range.
  std::uint64_t total_size = 0;
  for (unsigned z : req.sizes) total_size += z;
  const auto unit_budget = static_cast<std::uint32_t>(std::min<std::uint64_t>(req.budget, total_size));
  if (unit_budget > kMaxCentroidBudget)
    throw std::logic_error(fmt::format("starc: unit budget {} above the centroid-match unit's {}", unit_budget,
                                       kMaxCentroidBudget));
  auto t = Clock::now();
  cmatch_->align_waves(first_entry);
  const CentroidMatchPassesRun run = cmatch_->select_passes(rtl_entries, unit_budget, ready);
  st.wall.verilator += since(t);
  t = Clock::now();
  const std::vector<CentroidSelection> gold = select_centroid_passes(gold_entries, unit_budget, cmatch_->max_sel());
  st.wall.golden += since(t);
  ++st.cmatch_compared;
  std::string diff;
  for (std::size_t p = 0; diff.empty() && p < std::max(gold.size(), run.passes.size()); ++p) {
    if (p >= gold.size() || p >= run.passes.size() || !(run.passes[p].selection == gold[p]))
      diff = fmt::format("pass {} of {} (golden {}): RTL selected {} {}, golden {}{}", p + 1, run.passes.size(),
                         gold.size(), p < run.passes.size() ? run.passes[p].selection.clusters.size() : 0,
                         groups ? "chunks" : "clusters", p < gold.size() ? gold[p].clusters.size() : 0,
                         p < gold.size() && p < run.passes.size()
                             ? first_pick_difference(run.passes[p].selection, gold[p])
                             : "");
  }
  if (!diff.empty() || cmatch_->got_error()) {
    ++st.cmatch_mismatches;
    if (st.cmatch_first_mismatch.empty())
      st.cmatch_first_mismatch = fmt::format("step {}: {}{}", s, diff.empty() ? "passes agree" : diff,
                                             cmatch_->got_error() ? " (RTL $error)" : "");
  }
  st.cmatch_passes += run.passes.size();
  for (const auto& c : run.selection.clusters) out.picks.push_back({c.id, c.take});
  st.cmatch_cycles += run.cycles;
  st.events.cmatch_busy_cycles += run.cycles;
  step.sel_end = first_entry + run.cycles - 1;
  step.sel_ran = step.q_in_buffer = true;
  return out;
}

const starc::DenseReference& DecodeCosim::reference(unsigned s) {
  auto& slot = refs_[s];
  if (!slot) {
    const starc::KvHead& head = kv_.heads[cfg_.head];
    const auto n = static_cast<Eigen::Index>(head.keys.rows() - head.queries.rows() + s + 1);
    std::vector<float> q(static_cast<std::size_t>(head.keys.cols()));
    for (std::size_t j = 0; j < q.size(); ++j) q[j] = head.queries(s, static_cast<Eigen::Index>(j));
    slot = std::make_unique<const starc::DenseReference>(head.keys.topRows(n), head.values.topRows(n), q);
  }
  return *slot;
}

std::vector<std::uint16_t> DecodeCosim::query_bits(unsigned s) const {
  const starc::KvHead& head = kv_.heads[cfg_.head];
  std::vector<std::uint16_t> qbits(sim_.head_dim());
  for (unsigned j = 0; j < qbits.size(); ++j) qbits[j] = encode_input(head.queries(s, j), kv_.fmt);
  return qbits;
}

// One decode step of one policy: selection, placement, the selection reads of the policies
// that rank on the host, key phase, softmax, value phase, statistics.
void DecodeCosim::run_step(starc::Policy& policy, LayoutKind kind, unsigned s, PolicyStats& st) {
  const auto t_step = Clock::now();
  const WallTime wall_before = st.wall;
  const starc::KvHead& head = kv_.heads[cfg_.head];
  const unsigned d = sim_.head_dim();
  const auto total = static_cast<unsigned>(head.keys.rows());
  const unsigned n = total - static_cast<unsigned>(head.queries.rows()) + s + 1;
  Step step(*this, st);
  // Every step of every policy starts from the settled channel state (docs/design.md section 5),
  // so neither the order of the policies nor the previous step changes a figure; with refresh
  // on, at the same phase of the refresh interval (the REFABs due before it are issued here and
  // belong to no step).
  const std::size_t before_settle = cmds_.size();
  step.start = step.engine.settle();
  if (cmds_.size() > before_settle) marks_.push_back({before_settle, "between steps: refresh"});
  marks_.push_back({cmds_.size(), fmt::format("{} step {} context {}", st.policy, s, n)});
  step.s = s;
  step.n = n;
  step.first_cmd = cmds_.size();
  step.q.resize(d);
  for (unsigned j = 0; j < d; ++j) step.q[j] = head.queries(s, j);
  step.qbits = query_bits(s);

  const starc::Selection sel = select_tokens(step, policy, kind);
  if (!step.layout) place_tokens(step, policy, kind, sel);
  charge_selection_reads(step, sel);
  std::vector<float> score;
  const PhaseResult kr = key_phase(step, sel, score);
  auto t = Clock::now();
  const std::vector<std::uint16_t> prob = softmax_probabilities(score, sel.tokens, d, kv_.fmt);
  st.wall.host += since(t);
  const PhaseResult vr = value_phase(step, sel, prob, kr.last + 1);
  step.engine.scoreboard().finish();
  t = Clock::now();
  record_step(step, sel, score, kr, vr);
  st.wall.host += since(t);
  // Whatever was not attributed to Verilator or the golden model is host time.
  const double attributed = (st.wall.verilator - wall_before.verilator) +
                            (st.wall.golden - wall_before.golden) + (st.wall.host - wall_before.host);
  st.wall.host += std::max(0.0, since(t_step) - attributed);
}

// Selection: the rounds the policy scores on the device (STARC: its centroids, through the
// centroid-match unit; hierarchical: the groups first), then its decision on the last one; the
// policy's budget fill on the RTL scores is checked against the unit's.
starc::Selection DecodeCosim::select_tokens(Step& step, starc::Policy& policy, LayoutKind kind) {
  PolicyStats& st = step.st;
  const auto keys = kv_.heads[cfg_.head].keys.topRows(step.n);
  auto t = Clock::now();
  starc::ScoreRequest req = policy.prepare(keys, cfg_.budget);  // also brings STARC's clusters up to date
  st.wall.host += since(t);
  starc::ScoreResult last;
  // A budget that covers the context selects every token whatever the scores: a real system
  // skips the selection then (no metadata read, no ranking), and so does this one.
  step.skipped = cfg_.budget >= step.n && policy.selection_cost() != starc::SelectionCost::none;
  starc::Selection sel;
  if (step.skipped) {
    sel.context = step.n;
    sel.tokens.resize(step.n);
    for (unsigned i = 0; i < step.n; ++i) sel.tokens[i] = i;
    return sel;
  }
  while (req.what != starc::SelectionCost::none) {
    last = score_round(step, policy, req, kind, step.s);
    t = Clock::now();
    req = policy.next_round(last);
    st.wall.host += since(t);
  }
  t = Clock::now();
  sel = policy.decide(keys, step.q, cfg_.budget, last);
  st.wall.host += since(t);
  if (last.what == starc::SelectionCost::centroids) {
    bool same = sel.clusters.size() == last.picks.size();
    for (std::size_t i = 0; same && i < sel.clusters.size(); ++i)
      same = sel.clusters[i].cluster == last.picks[i].id && sel.clusters[i].taken == last.picks[i].take;
    ++st.cmatch_compared;
    if (!same) {
      ++st.cmatch_mismatches;
      if (st.cmatch_first_mismatch.empty())
        st.cmatch_first_mismatch = fmt::format("step {}: policy fill ({} clusters) differs from the unit's ({})",
                                               step.s, sel.clusters.size(), last.picks.size());
    }
  }
  return sel;
}

// The step's layout when the selection did not need one: clustered (the policy's clusters, or
// this run's for a policy without) or token order (shared by the policies of the step).
void DecodeCosim::place_tokens(Step& step, const starc::Policy& policy, LayoutKind kind,
                               const starc::Selection& sel) {
  PolicyStats& st = step.st;
  const starc::KvHead& head = kv_.heads[cfg_.head];
  if (kind != LayoutKind::token_order) {
    const auto t = Clock::now();
    const starc::ClusteredKeys* ck = policy.clustering();
    if (ck == nullptr) {
      clustered_->extend(head.keys.topRows(step.n), cfg_.params.threads);
      ck = clustered_.get();
    }
    st.wall.host += since(t);
    step.use_layout(clustered_layout(kind, *ck, step.n, policy.grouping()));
    return;
  }
  starc::TokenLayoutParams tp;
  // The page-metadata region only for a policy that reads it (quest).
  tp.page = sel.cost == starc::SelectionCost::page_meta ? cfg_.params.page : 0;
  tp.capacity = static_cast<unsigned>(head.keys.rows());
  // The token-order layout does not depend on the policy: the policies of a run that use the
  // same one (dense, oracle, tokenwise; quest with its page metadata) share it for the same step
  // (it is immutable once built).
  // A layout with page metadata serves a policy without (its keys and values are in the same
  // rows: the metadata region comes after them), so a run that orders quest first builds one.
  CachedLayout& cached = token_layout_;
  if (!cached.layout || cached.step != step.s || (cached.page != tp.page && tp.page != 0)) {
    cached.layout.reset();  // before building the next one: at most one is kept
    const auto t = Clock::now();
    cached.layout = std::make_shared<const starc::TokenLayout>(head, step.n, sim_.org(), kv_.fmt, tp);
    cached.step = step.s;
    cached.page = tp.page;
    st.wall.host += since(t);
  }
  step.use_layout(cached.layout);
}

// The selection reads of quest and tokenwise: charged on the RTL (they rank on the host).
void DecodeCosim::charge_selection_reads(Step& step, const starc::Selection& sel) {
  if (sel.cost != starc::SelectionCost::dims && sel.cost != starc::SelectionCost::page_meta) return;
  PhaseRequest pr;
  pr.mode = Mode::dot;
  pr.reads = step.layout->cost_reads(sel);
  pr.query = step.qbits;
  if (sel.cost == starc::SelectionCost::dims) {
    std::vector<std::uint16_t> masked(step.qbits.size(), 0);
    for (unsigned j : sel.dims) masked[j] = step.qbits[j];
    pr.query = masked;
  } else {
    step.q_in_buffer = true;
  }
  if (!pr.reads.empty()) {
    step.sel_end = step.run(pr, step.start).last;
    step.sel_ran = true;
  }
}

// Key phase (dot mode over the selected tokens' key slots): the RTL's score of every token.
PhaseResult DecodeCosim::key_phase(Step& step, const starc::Selection& sel, std::vector<float>& score) {
  const starc::KvLayout& layout = *step.layout;
  const unsigned cpt = layout.cols_per_token();
  PhaseRequest kp;
  kp.mode = Mode::dot;
  kp.reads = layout.token_reads(starc::Region::keys, sel.tokens);
  if (!step.q_in_buffer) kp.query = step.qbits;
  PhaseResult kr = step.run(kp, step.sel_ran ? step.sel_end + 1 : step.start);
  const auto t = Clock::now();
  score.assign(step.n, 0.0f);
  for (std::size_t k = 0; k < kr.rtl.size(); ++k) {
    const RowRead& rr = kp.reads.at(kr.sched.result_source.at(k));
    const unsigned base = read_base_slot(layout, starc::Region::keys, rr);
    for (unsigned slot : read_slots(rr, cpt)) score.at(layout.token_at(base + slot)) = float_of(kr.rtl[k].words.at(slot));
  }
  step.st.wall.host += since(t);
  return kr;
}

// Value phase (axpy mode over the same slots of the value region), each read's probabilities
// sent by MVGB; it starts no earlier than `start` (the cycle after the last score is out).
PhaseResult DecodeCosim::value_phase(Step& step, const starc::Selection& sel, const std::vector<std::uint16_t>& prob,
                                     std::uint64_t start) {
  const starc::KvLayout& layout = *step.layout;
  const unsigned cpt = layout.cols_per_token(), spr = layout.slots_per_row();
  PhaseRequest vp;
  vp.mode = Mode::axpy;
  vp.reads = layout.token_reads(starc::Region::values, sel.tokens);
  vp.scalars = [&](std::size_t index) {
    const RowRead& rr = vp.reads.at(index);
    const unsigned base = read_base_slot(layout, starc::Region::values, rr);
    std::vector<std::uint16_t> sc(spr, 0);
    for (unsigned slot : read_slots(rr, cpt)) sc[slot] = prob.at(layout.token_at(base + slot));
    return sc;
  };
  return step.run(vp, start);
}

// The step's statistics: cycles per phase, commands and energy events, fidelity of the
// selection and of the RTL's output against the exact reference, scoreboard counts.
void DecodeCosim::record_step(Step& step, const starc::Selection& sel, const std::vector<float>& score,
                              const PhaseResult& kr, const PhaseResult& vr) {
  PolicyStats& st = step.st;
  const Org& o = sim_.org();
  const unsigned d = sim_.head_dim(), groups = o.total_bank_groups();
  const std::vector<float> outf = reduce_partials(vr.rtl, groups, d);
  const Eigen::VectorXd out = Eigen::Map<const Eigen::VectorXf>(outf.data(), d).cast<double>();
  StepStats ss;
  ss.context = step.n;
  ss.selection_skipped = step.skipped;
  ss.non_finite_output = std::any_of(outf.begin(), outf.end(), [](float x) { return !std::isfinite(x); });
  st.non_finite_outputs += ss.non_finite_output ? 1 : 0;
  st.selection_skipped_steps += step.skipped ? 1 : 0;
  ss.selected = static_cast<unsigned>(sel.tokens.size());
  const std::uint64_t first = cmds_[step.first_cmd].cycle;
  ss.cycles.total = vr.last - first + 1;
  ss.cycles.selection = step.sel_ran ? step.sel_end - first + 1 : 0;
  ss.cycles.keys = kr.last - kr.first + 1;
  ss.cycles.values = vr.last - vr.first + 1;
  ss.at.start = first;
  ss.at.ran_selection = step.sel_ran;
  ss.at.selection = first;
  ss.at.keys = kr.first;
  ss.at.softmax = kr.last + 1;
  ss.at.values = vr.first;
  ss.at.end = vr.last;
  // Refresh: the cycles of the step in which some rank was refreshing (REFAB .. REFAB + nRFC - 1)
  // form their own phase and are taken out of the phase they fall in.
  std::vector<std::pair<std::uint64_t, std::uint64_t>> busy;  // merged [from, to) windows
  for (std::size_t i = step.first_cmd; i < cmds_.size(); ++i) {
    if (cmds_[i].op != Op::REFAB) continue;
    const std::uint64_t a = std::max(cmds_[i].cycle, first), b = std::min(cmds_[i].cycle + sim_.timing().nRFC, vr.last + 1);
    if (a >= b) continue;
    if (!busy.empty() && a <= busy.back().second) busy.back().second = std::max(busy.back().second, b);
    else busy.emplace_back(a, b);
  }
  auto refresh_in = [&](std::uint64_t from, std::uint64_t to_incl) {
    std::uint64_t c = 0;
    for (const auto& [a, b] : busy) {
      const std::uint64_t lo = std::max(a, from), hi = std::min(b, to_incl + 1);
      if (lo < hi) c += hi - lo;
    }
    return c;
  };
  for (const auto& [a, b] : busy) ss.cycles.refresh += b - a;
  if (step.sel_ran) ss.cycles.selection -= refresh_in(first, step.sel_end);
  ss.cycles.keys -= refresh_in(kr.first, kr.last);
  ss.cycles.values -= refresh_in(vr.first, vr.last);
  ss.cycles.idle = step.idle;
  // The cycles between the phases (a phase waiting on the previous one's closing PREA/PRE: nRP,
  // nRC): every cycle of the step is in exactly one named phase.
  const std::uint64_t in_phases =
      ss.cycles.selection + ss.cycles.keys + ss.cycles.softmax + ss.cycles.values + ss.cycles.refresh;
  if (in_phases > ss.cycles.total)
    throw std::logic_error(fmt::format("{} step {}: phases of {} cycles overlap in a step of {}", st.policy, step.s,
                                       in_phases, ss.cycles.total));
  ss.cycles.gaps = ss.cycles.total - in_phases;
  const std::uint64_t acts_before = st.events.activations;
  for (std::size_t i = step.first_cmd; i < cmds_.size(); ++i) {
    const Command& c = cmds_[i];
    ++st.commands[std::string(op_name(c.op))];
    count_energy_events(o, d, c, st.events);
    if (c.op == Op::MACAB)
      for (unsigned g = 0; g < groups; ++g)
        if (c.mask >> g & 1u) ++st.macab_per_bg[g];
  }
  ss.activations = st.events.activations - acts_before;
  st.events.pim_unit_cycles += static_cast<std::uint64_t>(o.total_banks()) * ss.cycles.total;
  st.events.cmatch_unit_cycles += ss.cycles.total;
  const auto values = kv_.heads[cfg_.head].values.topRows(step.n);
  const starc::DenseReference& ref = reference(step.s);
  const starc::FidelityMetrics m = ref.measure(values, sel.tokens, cfg_.budget);
  ss.fidelity.recall = m.recall;
  ss.fidelity.hit_rate = m.hit_rate;
  ss.fidelity.rel_err = m.rel_err;
  ss.fidelity.cosine = m.cosine;
  const double full = ref.output().norm();
  ss.fidelity.rtl_rel_err = full > 0 ? (out - ref.output()).norm() / full : 0.0;
  ss.fidelity.rtl_cosine = full > 0 && out.norm() > 0 ? out.dot(ref.output()) / (full * out.norm()) : 0.0;
  for (unsigned tk : sel.tokens)
    ss.score_max_abs_err = std::max(ss.score_max_abs_err, std::abs(ref.scores()[tk] - double(score[tk])));
  ss.output.assign(outf.begin(), outf.end());
  ss.tokens = sel.tokens;
  st.cycles += ss.cycles;
  st.selected_tokens += ss.selected;
  const Scoreboard& sb = step.engine.scoreboard();
  st.compared += sb.compared();
  st.mismatches += sb.mismatches();
  if (st.first_mismatch.empty() && !sb.first_mismatch().empty())
    st.first_mismatch = fmt::format("step {}: {}", step.s, sb.first_mismatch());
  st.steps.push_back(ss);
}

}  // namespace pim
