#include "host/controller.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

#include <fmt/format.h>

namespace pim {

CtrlMode parse_ctrl_mode(std::string_view text) {
  if (text == "lockstep") return CtrlMode::lockstep;
  if (text == "per-bg") return CtrlMode::per_bg;
  throw std::invalid_argument("unknown controller mode '" + std::string(text) +
                              "' (expected lockstep or per-bg)");
}

std::string_view ctrl_mode_name(CtrlMode m) { return m == CtrlMode::lockstep ? "lockstep" : "per-bg"; }

Controller::Controller(const Org& org, const Timing& timing, CtrlMode mode, unsigned head_dim)
    : Controller(org, timing, ctrl_mode_name(mode), head_dim) {}

Controller::Controller(const Org& org, const Timing& timing, std::string_view row_policy, unsigned head_dim)
    : org_(org),
      timing_(timing),
      head_dim_(head_dim),
      cpt_(org.cols_per_token(head_dim)),
      slots_(org.slots_per_row(head_dim)),
      ts_(org, timing) {
  if (org.total_bank_groups() > 64) throw std::invalid_argument("more than 64 bank groups");
  policy_ = make_row_policy(row_policy, org_);
}

void Controller::validate(const PhaseRequest& ph) const {
  for (std::size_t i = 0; i < ph.reads.size(); ++i) {
    const RowRead& r = ph.reads[i];
    if (r.bank_group >= org_.total_bank_groups() || r.row >= org_.rows || r.columns.empty())
      throw std::invalid_argument(fmt::format("read {}: bank group {} row {} out of range or no columns", i,
                                              r.bank_group, r.row));
    for (std::size_t k = 0; k < r.columns.size(); ++k) {
      if (r.columns[k] >= org_.columns || (k > 0 && r.columns[k] <= r.columns[k - 1]))
        throw std::invalid_argument(fmt::format("read {}: columns not ascending/unique/in range", i));
    }
  }
  if (ph.mode == Mode::dot && !ph.query.empty() && ph.query.size() != head_dim_)
    throw std::invalid_argument(fmt::format("query has {} elements, head dimension is {}", ph.query.size(), head_dim_));
  if (ph.mode == Mode::axpy && !ph.reads.empty() && !ph.scalars)
    throw std::invalid_argument("axpy phase without slot scalars");
}

PhaseState::PhaseState(const Org& org, Mode mode, const ReadList& reads, unsigned mvgb_chunks, TimingState& ts,
                       PhaseSchedule& out, std::uint64_t& next_cycle)
    : org_(org),
      mode_(mode),
      dot_(mode == Mode::dot),
      chunks_(mvgb_chunks),
      ts_(ts),
      out_(out),
      next_cycle_(next_cycle),
      work_(reads.size()),
      mvsb_read_(org.total_bank_groups(), -1) {
  for (std::size_t i = 0; i < reads.size(); ++i) {
    work_[i].gbg = reads[i].bank_group;
    work_[i].row = reads[i].row;
    work_[i].pending.assign(org_.columns, false);
    for (unsigned c : reads[i].columns) work_[i].pending[c] = true;
    work_[i].remaining = static_cast<unsigned>(reads[i].columns.size());
  }
}

bool PhaseState::bg_open_on(unsigned g, unsigned row) const {
  const unsigned nb = org_.banks;
  for (unsigned k = 0; k < nb; ++k)
    if (!ts_.bank_open(g * nb + k) || ts_.open_row(g * nb + k) != row) return false;
  return true;
}

bool PhaseState::read_ready(std::size_t i, std::uint64_t cycle) const {
  const ReadWork& w = work_[i];
  if (wrgb_sent_ < wrgb_total_) return false;
  if (dot_ && mvsb_read_[w.gbg] >= 0) return false;
  if (!dot_ && w.mvgb_sent < chunks_) return false;
  if (!bg_open_on(w.gbg, w.row)) return false;
  Command probe;
  probe.op = Op::MACAB;
  probe.mask = std::uint64_t{1} << w.gbg;
  return (ts_.check(probe, cycle) & (1u << kRuleRCD | 1u << kRuleMacClosed)) == 0;
}

bool PhaseState::issue(Command& c, std::uint64_t cycle) {
  if (ts_.check(c, cycle) != 0) return false;
  c.cycle = cycle;
  ts_.apply(c, cycle);
  out_.cmds.push_back(c);
  next_cycle_ = cycle + 1;
  return true;
}

bool PhaseState::serve(std::size_t i, unsigned col) {
  ReadWork& w = work_[i];
  w.pending[col] = false;
  if (--w.remaining > 0) return false;
  if (dot_) mvsb_read_[w.gbg] = static_cast<long>(i);
  return true;
}

PhaseSchedule Controller::schedule(const PhaseRequest& ph, std::uint64_t start) {
  validate(ph);
  PhaseSchedule out;
  const unsigned nbg = org_.total_bank_groups();
  const unsigned nb = org_.banks;
  const unsigned chunks = (slots_ + org_.lanes - 1) / org_.lanes;
  const bool dot = ph.mode == Mode::dot;

  PhaseState st(org_, ph.mode, ph.reads, chunks, ts_, out, next_cycle_);
  std::vector<ReadWork>& work = st.work_;
  RowPolicy& policy = *policy_;
  policy.begin_phase(st);
  // Axpy: per bank group, whether it had reads and whether its final MVSB went out.
  std::vector<bool> had_reads(nbg, false), final_sent(nbg, false);
  for (const ReadWork& w : work) had_reads[w.gbg] = true;
  // Dot: WRGB of the query, chunk by chunk.
  std::vector<Command> wrgb;
  if (dot && !ph.query.empty()) {
    const unsigned share = head_dim_ / nb;
    for (unsigned b = 0; b < nb; ++b) {
      for (unsigned j = 0; j < cpt_; ++j) {
        Command c;
        c.op = Op::WRGB;
        c.bank = b;
        c.col = j;
        c.data.assign(ph.query.begin() + b * share + j * org_.lanes,
                      ph.query.begin() + b * share + (j + 1) * org_.lanes);
        wrgb.push_back(std::move(c));
      }
    }
  }
  st.wrgb_total_ = wrgb.size();
  std::size_t& wrgb_sent = st.wrgb_sent_;
  std::vector<long>& mvsb_read = st.mvsb_read_;

  auto mvgb_cmd = [&](std::size_t i) {
    Command c = st.bg_cmd(Op::MVGB, work[i].gbg);
    c.col = work[i].mvgb_sent;
    std::vector<std::uint16_t> s = ph.scalars(i);
    if (s.size() != slots_) throw std::invalid_argument(fmt::format("read {}: {} slot scalars, expected {}", i, s.size(), slots_));
    c.data.assign(org_.lanes, 0);
    for (unsigned l = 0; l < org_.lanes && c.col * org_.lanes + l < slots_; ++l) c.data[l] = s[c.col * org_.lanes + l];
    return c;
  };

  // Livelock guard: a phase needs at most, per read, an activation and a precharge of each bank
  // of its group, its MACABs, its MVGBs and an MVSB, plus the WRGBs and the closing precharges.
  // A controller whose bank bookkeeping disagrees with its commands (say, a global bank-group
  // order other than the TimingState's) would otherwise issue commands forever and exhaust the
  // memory; four times that need is an internal error.
  std::uint64_t cmd_bound = wrgb.size() + 2ull * org_.total_banks() + 16;
  for (const RowRead& r : ph.reads) cmd_bound += 2ull * nb + 2 + r.columns.size() + chunks + 1;
  cmd_bound *= 4;
  const std::size_t cmds_before = out.cmds.size();

  std::vector<std::size_t> active;
  std::uint64_t cycle = std::max(start, next_cycle_);
  std::uint64_t last_issue = cycle;
  for (;; ++cycle) {
    if (cycle - last_issue > 1'000'000) throw std::logic_error("controller: no progress (internal error)");
    policy.begin_cycle();
    // Done?
    bool busy = wrgb_sent < wrgb.size() || policy.reads_left();
    for (unsigned g = 0; g < nbg && !busy; ++g) busy = mvsb_read[g] >= 0 || (!dot && had_reads[g] && !final_sent[g]);
    if (!busy) {
      bool any_open = false;
      for (unsigned b = 0; b < org_.total_banks(); ++b) any_open = any_open || ts_.bank_open(b);
      if (!ph.close_rows || !any_open) break;
      if (policy.close_rows(st, cycle)) last_issue = cycle;
      continue;
    }

    // 1. MACAB, 2. row commands: the row policy's.
    bool issued = policy.issue_macab(st, cycle) || policy.issue_row_command(st, cycle);
    // 3. WRGB / MVGB.
    if (!issued && wrgb_sent < wrgb.size()) {
      Command c = wrgb[wrgb_sent];
      if (st.issue(c, cycle)) { issued = true; ++wrgb_sent; }
    }
    if (!issued && !dot) {
      active.clear();
      policy.active_reads(active);
      std::sort(active.begin(), active.end());
      for (std::size_t i : active) {
        if (work[i].mvgb_sent >= chunks) continue;
        Command c = mvgb_cmd(i);
        if (st.issue(c, cycle)) { issued = true; ++work[i].mvgb_sent; }
        break;  // the data bus is shared: the oldest waiting read goes first
      }
    }
    // 4. MVSB.
    if (!issued) {
      for (unsigned g = 0; g < nbg && !issued; ++g) {
        if (dot && mvsb_read[g] >= 0) {
          Command c = st.bg_cmd(Op::MVSB, g);
          if (st.issue(c, cycle)) {
            issued = true;
            out.result_source.push_back(static_cast<std::size_t>(mvsb_read[g]));
            mvsb_read[g] = -1;
          }
        } else if (!dot && had_reads[g] && !final_sent[g] && !policy.bank_group_pending(g)) {
          Command c = st.bg_cmd(Op::MVSB, g);
          if (st.issue(c, cycle)) {
            issued = true;
            out.result_source.push_back(g);
            final_sent[g] = true;
          }
        }
      }
    }
    if (issued) last_issue = cycle;
    if (out.cmds.size() - cmds_before > cmd_bound)
      throw std::logic_error(fmt::format("controller: {} commands for a phase that needs at most {} (internal error)",
                                         out.cmds.size() - cmds_before, cmd_bound / 4));
  }
  return out;
}

}  // namespace pim
