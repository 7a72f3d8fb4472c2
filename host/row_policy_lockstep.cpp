// Lockstep row policy (docs/design.md section 5): the reads are grouped into rounds (one row
// index, each bank group at most once, in order of first appearance); PREA closes the previous
// round, one ACTAB opens the round's row in every bank, then one MACAB per column of the union
// of the round's columns, masked to the bank groups that need it. Rows close with PREA.
#include <map>
#include <memory>

#include "host/row_policy.hpp"

namespace pim {

namespace {

class LockstepRowPolicy final : public RowPolicy {
 public:
  explicit LockstepRowPolicy(const Org& org) : org_(org) {}

  void begin_phase(const PhaseState& st) override {
    const std::vector<ReadWork>& work = st.work();
    work_ = &work;
    rounds_.clear();
    round_ = 0;
    std::map<unsigned, std::vector<std::size_t>> by_row;  // row -> round indices
    for (std::size_t i = 0; i < work.size(); ++i) {
      Round* target = nullptr;
      for (std::size_t r : by_row[work[i].row]) {
        bool has = false;
        for (std::size_t k : rounds_[r].reads) has |= work[k].gbg == work[i].gbg;
        if (!has) { target = &rounds_[r]; break; }
      }
      if (!target) {
        by_row[work[i].row].push_back(rounds_.size());
        rounds_.push_back({work[i].row, {}});
        target = &rounds_.back();
      }
      target->reads.push_back(i);
    }
  }

  bool reads_left() const override { return round_ < rounds_.size(); }

  // The lowest column some read of the round still needs, to every group that needs it, once
  // all of those groups are ready.
  bool issue_macab(PhaseState& st, std::uint64_t cycle) override {
    if (!reads_left()) return false;
    const Round& rd = rounds_[round_];
    const std::vector<ReadWork>& work = *work_;
    unsigned col = org_.columns;
    std::uint64_t mask = 0;
    for (std::size_t i : rd.reads)
      for (unsigned c = 0; c < col; ++c)
        if (work[i].pending[c]) { col = c; break; }
    bool ready = col < org_.columns;
    for (std::size_t i : rd.reads) {
      if (col < org_.columns && work[i].pending[col]) {
        mask |= std::uint64_t{1} << work[i].gbg;
        ready = ready && st.read_ready(i, cycle);
      }
    }
    if (!ready) return false;
    Command c = st.bg_cmd(Op::MACAB, 0);
    c.col = col;
    c.mask = mask;
    if (!st.issue(c, cycle)) return false;
    for (std::size_t i : rd.reads)
      if (work[i].pending[col]) st.serve(i, col);
    bool left = false;
    for (std::size_t i : rd.reads) left |= work[i].remaining > 0;
    if (!left) ++round_;
    return true;
  }

  // PREA while any bank is open on another row, then ACTAB of the round's row.
  bool issue_row_command(PhaseState& st, std::uint64_t cycle) override {
    if (!reads_left()) return false;
    const Round& rd = rounds_[round_];
    const TimingState& ts = st.timing();
    bool all_open = true, any_open = false;
    for (unsigned b = 0; b < org_.total_banks(); ++b) {
      all_open = all_open && ts.bank_open(b) && ts.open_row(b) == rd.row;
      any_open = any_open || ts.bank_open(b);
    }
    if (all_open) return false;
    Command c = st.bg_cmd(any_open ? Op::PREA : Op::ACTAB, 0);
    c.row = rd.row;
    return st.issue(c, cycle);
  }

  bool close_rows(PhaseState& st, std::uint64_t cycle) override {
    Command c = st.bg_cmd(Op::PREA, 0);
    return st.issue(c, cycle);
  }

  void active_reads(std::vector<std::size_t>& out) const override {
    if (reads_left()) out.insert(out.end(), rounds_[round_].reads.begin(), rounds_[round_].reads.end());
  }

  // A group is done only when no remaining round still reads it.
  bool bank_group_pending(unsigned g) const override {
    const std::vector<ReadWork>& work = *work_;
    for (std::size_t r = round_; r < rounds_.size(); ++r)
      for (std::size_t i : rounds_[r].reads)
        if (work[i].gbg == g && work[i].remaining > 0) return true;
    return false;
  }

 private:
  struct Round {
    unsigned row;
    std::vector<std::size_t> reads;
  };
  Org org_;
  const std::vector<ReadWork>* work_ = nullptr;
  std::vector<Round> rounds_;
  std::size_t round_ = 0;
};

}  // namespace

std::unique_ptr<RowPolicy> make_lockstep_row_policy(const Org& org) {
  return std::make_unique<LockstepRowPolicy>(org);
}

}  // namespace pim
