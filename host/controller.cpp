#include "host/controller.hpp"

#include <algorithm>
#include <deque>
#include <map>
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
    : org_(org),
      timing_(timing),
      mode_(mode),
      head_dim_(head_dim),
      cpt_(org.cols_per_token(head_dim)),
      slots_(org.slots_per_row(head_dim)),
      ts_(org, timing) {
  if (org.total_bank_groups() > 64) throw std::invalid_argument("more than 64 bank groups");
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

bool Controller::try_issue(Command& c, std::uint64_t cycle, PhaseSchedule& out) {
  if (ts_.check(c, cycle) != 0) return false;
  c.cycle = cycle;
  ts_.apply(c, cycle);
  out.cmds.push_back(c);
  next_cycle_ = cycle + 1;
  return true;
}

namespace {

// The work of one read inside the schedule.
struct ReadWork {
  unsigned gbg = 0, row = 0;
  std::vector<bool> pending;  // per column of the row
  unsigned remaining = 0;
  unsigned mvgb_sent = 0;
};

}  // namespace

PhaseSchedule Controller::schedule(const PhaseRequest& ph, std::uint64_t start) {
  validate(ph);
  PhaseSchedule out;
  const unsigned nbg = org_.total_bank_groups();
  const unsigned nb = org_.banks;
  const unsigned chunks = (slots_ + org_.lanes - 1) / org_.lanes;
  const bool dot = ph.mode == Mode::dot;

  std::vector<ReadWork> work(ph.reads.size());
  for (std::size_t i = 0; i < ph.reads.size(); ++i) {
    work[i].gbg = ph.reads[i].bank_group;
    work[i].row = ph.reads[i].row;
    work[i].pending.assign(org_.columns, false);
    for (unsigned c : ph.reads[i].columns) work[i].pending[c] = true;
    work[i].remaining = static_cast<unsigned>(ph.reads[i].columns.size());
  }
  // Per bank group: reads in order (per-bg), the current read, pending MVSB.
  std::vector<std::deque<std::size_t>> queue(nbg);
  std::vector<long> cur(nbg, -1);
  std::vector<long> mvsb_read(nbg, -1);     // dot: read whose scores are still to be moved
  std::vector<bool> had_reads(nbg, false), final_sent(nbg, false);
  for (std::size_t i = 0; i < work.size(); ++i) {
    if (mode_ == CtrlMode::per_bg) queue[work[i].gbg].push_back(i);
    had_reads[work[i].gbg] = true;
  }
  // Lockstep rounds: same row, each bank group at most once, in order of first appearance.
  struct Round { unsigned row; std::vector<std::size_t> reads; };
  std::vector<Round> rounds;
  if (mode_ == CtrlMode::lockstep) {
    std::map<unsigned, std::vector<std::size_t>> by_row;  // row -> round indices
    for (std::size_t i = 0; i < work.size(); ++i) {
      Round* target = nullptr;
      for (std::size_t r : by_row[work[i].row]) {
        bool has = false;
        for (std::size_t k : rounds[r].reads) has |= work[k].gbg == work[i].gbg;
        if (!has) { target = &rounds[r]; break; }
      }
      if (!target) {
        by_row[work[i].row].push_back(rounds.size());
        rounds.push_back({work[i].row, {}});
        target = &rounds.back();
      }
      target->reads.push_back(i);
    }
  }
  std::size_t round = 0;
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
  std::size_t wrgb_sent = 0;

  auto bg_cmd = [&](Op op, unsigned g) {
    Command c;
    c.op = op;
    c.pch = g / (org_.ranks * org_.bank_groups);
    c.rank = g / org_.bank_groups % org_.ranks;
    c.bg = g % org_.bank_groups;
    c.mode = ph.mode;
    return c;
  };
  auto bg_open_on = [&](unsigned g, unsigned row) {
    for (unsigned k = 0; k < nb; ++k)
      if (!ts_.bank_open(g * nb + k) || ts_.open_row(g * nb + k) != row) return false;
    return true;
  };
  // Whether read i's bank group may take a MACAB now as far as its own state goes.
  auto read_ready = [&](std::size_t i, std::uint64_t cycle) {
    const ReadWork& w = work[i];
    if (wrgb_sent < wrgb.size()) return false;
    if (dot && mvsb_read[w.gbg] >= 0) return false;
    if (!dot && w.mvgb_sent < chunks) return false;
    if (!bg_open_on(w.gbg, w.row)) return false;
    Command probe;
    probe.op = Op::MACAB;
    probe.mask = std::uint64_t{1} << w.gbg;
    return (ts_.check(probe, cycle) & (1u << kRuleRCD | 1u << kRuleMacClosed)) == 0;
  };
  auto finish_read = [&](std::size_t i) {
    if (dot) mvsb_read[work[i].gbg] = static_cast<long>(i);
  };
  auto mvgb_cmd = [&](std::size_t i) {
    Command c = bg_cmd(Op::MVGB, work[i].gbg);
    c.col = work[i].mvgb_sent;
    std::vector<std::uint16_t> s = ph.scalars(i);
    if (s.size() != slots_) throw std::invalid_argument(fmt::format("read {}: {} slot scalars, expected {}", i, s.size(), slots_));
    c.data.assign(org_.lanes, 0);
    for (unsigned l = 0; l < org_.lanes && c.col * org_.lanes + l < slots_; ++l) c.data[l] = s[c.col * org_.lanes + l];
    return c;
  };

  std::uint64_t cycle = std::max(start, next_cycle_);
  std::uint64_t last_issue = cycle;
  for (;; ++cycle) {
    if (cycle - last_issue > 1'000'000) throw std::logic_error("controller: no progress (internal error)");
    // Advance per-bg current reads.
    if (mode_ == CtrlMode::per_bg) {
      for (unsigned g = 0; g < nbg; ++g) {
        if (cur[g] < 0 && !queue[g].empty()) {
          cur[g] = static_cast<long>(queue[g].front());
          queue[g].pop_front();
        }
      }
    }
    const bool rounds_left = round < rounds.size();
    // Done?
    bool busy = wrgb_sent < wrgb.size() || rounds_left;
    for (unsigned g = 0; g < nbg && !busy; ++g) {
      busy = cur[g] >= 0 || !queue[g].empty() || mvsb_read[g] >= 0 ||
             (!dot && had_reads[g] && !final_sent[g]);
    }
    if (!busy) {
      bool any_open = false;
      for (unsigned b = 0; b < org_.total_banks(); ++b) any_open = any_open || ts_.bank_open(b);
      if (!ph.close_rows || !any_open) break;
      if (mode_ == CtrlMode::lockstep) {
        Command c = bg_cmd(Op::PREA, 0);
        if (try_issue(c, cycle, out)) last_issue = cycle;
      } else {
        bool done = false;
        for (unsigned b = 0; b < org_.total_banks() && !done; ++b) {
          if (!ts_.bank_open(b)) continue;
          Command c = bg_cmd(Op::PRE, b / nb);
          c.bank = b % nb;
          done = try_issue(c, cycle, out);
        }
        if (done) last_issue = cycle;
      }
      continue;
    }

    bool issued = false;
    // 1. MACAB.
    if (mode_ == CtrlMode::lockstep && rounds_left) {
      const Round& rd = rounds[round];
      unsigned col = org_.columns;
      std::uint64_t mask = 0;
      for (std::size_t i : rd.reads)
        for (unsigned c = 0; c < col; ++c)
          if (work[i].pending[c]) { col = c; break; }
      bool ready = col < org_.columns;
      for (std::size_t i : rd.reads) {
        if (col < org_.columns && work[i].pending[col]) {
          mask |= std::uint64_t{1} << work[i].gbg;
          ready = ready && read_ready(i, cycle);
        }
      }
      if (ready) {
        Command c = bg_cmd(Op::MACAB, 0);
        c.col = col;
        c.mask = mask;
        if (try_issue(c, cycle, out)) {
          issued = true;
          for (std::size_t i : rd.reads) {
            if (!work[i].pending[col]) continue;
            work[i].pending[col] = false;
            if (--work[i].remaining == 0) finish_read(i);
          }
          bool left = false;
          for (std::size_t i : rd.reads) left |= work[i].remaining > 0;
          if (!left) ++round;
        }
      }
    } else if (mode_ == CtrlMode::per_bg) {
      std::vector<unsigned> count(org_.columns, 0);
      std::vector<std::size_t> ready;
      for (unsigned g = 0; g < nbg; ++g) {
        if (cur[g] < 0 || !read_ready(static_cast<std::size_t>(cur[g]), cycle)) continue;
        ready.push_back(static_cast<std::size_t>(cur[g]));
        for (unsigned c = 0; c < org_.columns; ++c) count[c] += work[cur[g]].pending[c];
      }
      if (!ready.empty()) {
        const unsigned col = static_cast<unsigned>(std::max_element(count.begin(), count.end()) - count.begin());
        Command c = bg_cmd(Op::MACAB, 0);
        c.col = col;
        for (std::size_t i : ready)
          if (work[i].pending[col]) c.mask |= std::uint64_t{1} << work[i].gbg;
        if (try_issue(c, cycle, out)) {
          issued = true;
          for (std::size_t i : ready) {
            if (!work[i].pending[col]) continue;
            work[i].pending[col] = false;
            if (--work[i].remaining == 0) {
              finish_read(i);
              cur[work[i].gbg] = -1;
            }
          }
        }
      }
    }
    // 2. Row commands.
    if (!issued && mode_ == CtrlMode::lockstep && rounds_left) {
      const Round& rd = rounds[round];
      bool all_open = true, any_open = false;
      for (unsigned b = 0; b < org_.total_banks(); ++b) {
        all_open = all_open && ts_.bank_open(b) && ts_.open_row(b) == rd.row;
        any_open = any_open || ts_.bank_open(b);
      }
      if (!all_open) {
        Command c = bg_cmd(any_open ? Op::PREA : Op::ACTAB, 0);
        c.row = rd.row;
        issued = try_issue(c, cycle, out);
      }
    } else if (!issued && mode_ == CtrlMode::per_bg) {
      // Oldest read first; PRE before ACT.
      std::vector<std::size_t> order;
      for (unsigned g = 0; g < nbg; ++g)
        if (cur[g] >= 0) order.push_back(static_cast<std::size_t>(cur[g]));
      std::sort(order.begin(), order.end());
      for (int pass = 0; pass < 2 && !issued; ++pass) {
        for (std::size_t i : order) {
          const unsigned g = work[i].gbg;
          for (unsigned k = 0; k < nb && !issued; ++k) {
            const unsigned b = g * nb + k;
            const bool open = ts_.bank_open(b);
            if (pass == 0 && open && ts_.open_row(b) != work[i].row) {
              Command c = bg_cmd(Op::PRE, g);
              c.bank = k;
              issued = try_issue(c, cycle, out);
            } else if (pass == 1 && !open) {
              Command c = bg_cmd(Op::ACT, g);
              c.bank = k;
              c.row = work[i].row;
              issued = try_issue(c, cycle, out);
            }
          }
          if (issued) break;
        }
      }
    }
    // 3. WRGB / MVGB.
    if (!issued && wrgb_sent < wrgb.size()) {
      Command c = wrgb[wrgb_sent];
      if (try_issue(c, cycle, out)) { issued = true; ++wrgb_sent; }
    }
    if (!issued && !dot) {
      std::vector<std::size_t> active;
      if (mode_ == CtrlMode::lockstep && rounds_left) active = rounds[round].reads;
      for (unsigned g = 0; g < nbg && mode_ == CtrlMode::per_bg; ++g)
        if (cur[g] >= 0) active.push_back(static_cast<std::size_t>(cur[g]));
      std::sort(active.begin(), active.end());
      for (std::size_t i : active) {
        if (work[i].mvgb_sent >= chunks) continue;
        Command c = mvgb_cmd(i);
        if (try_issue(c, cycle, out)) { issued = true; ++work[i].mvgb_sent; }
        break;  // the data bus is shared: the oldest waiting read goes first
      }
    }
    // 4. MVSB.
    if (!issued) {
      for (unsigned g = 0; g < nbg && !issued; ++g) {
        if (dot && mvsb_read[g] >= 0) {
          Command c = bg_cmd(Op::MVSB, g);
          if (try_issue(c, cycle, out)) {
            issued = true;
            out.result_source.push_back(static_cast<std::size_t>(mvsb_read[g]));
            mvsb_read[g] = -1;
          }
        } else if (!dot && had_reads[g] && !final_sent[g] && cur[g] < 0 && queue[g].empty()) {
          // In lockstep the group is done only when no remaining round still reads it.
          bool left = false;
          for (std::size_t r = round; r < rounds.size(); ++r)
            for (std::size_t i : rounds[r].reads) left = left || (work[i].gbg == g && work[i].remaining > 0);
          if (left) continue;
          Command c = bg_cmd(Op::MVSB, g);
          if (try_issue(c, cycle, out)) {
            issued = true;
            out.result_source.push_back(g);
            final_sent[g] = true;
          }
        }
      }
    }
    if (issued) last_issue = cycle;
  }
  return out;
}

}  // namespace pim
