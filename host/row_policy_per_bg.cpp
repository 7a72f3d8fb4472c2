// Per-bank-group row policy (docs/design.md section 5): every bank group walks its own reads
// in request order; its banks are closed and opened with single-bank PRE/ACT (oldest read
// first, PRE before ACT) while other bank groups keep the MACAB stream busy. A MACAB serves
// every ready bank group that still needs its column: the column needed by the most ready
// groups, ties to the lower column. Rows close with one PRE per open bank.
#include <algorithm>
#include <deque>
#include <memory>

#include "host/row_policy.hpp"

namespace pim {

namespace {

class PerBgRowPolicy final : public RowPolicy {
 public:
  explicit PerBgRowPolicy(const Org& org)
      : org_(org), queue_(org.total_bank_groups()), cur_(org.total_bank_groups(), -1), count_(org.columns, 0) {}

  void begin_phase(const PhaseState& st) override {
    const std::vector<ReadWork>& work = st.work();
    work_ = &work;
    for (auto& q : queue_) q.clear();
    std::fill(cur_.begin(), cur_.end(), -1);
    for (std::size_t i = 0; i < work.size(); ++i) queue_[work[i].gbg].push_back(i);
  }

  // A bank group without a current read takes the next one of its queue.
  void begin_cycle() override {
    for (std::size_t g = 0; g < queue_.size(); ++g) {
      if (cur_[g] < 0 && !queue_[g].empty()) {
        cur_[g] = static_cast<long>(queue_[g].front());
        queue_[g].pop_front();
      }
    }
  }

  bool reads_left() const override {
    for (std::size_t g = 0; g < queue_.size(); ++g)
      if (bank_group_pending(static_cast<unsigned>(g))) return true;
    return false;
  }

  bool issue_macab(PhaseState& st, std::uint64_t cycle) override {
    const std::vector<ReadWork>& work = *work_;
    std::fill(count_.begin(), count_.end(), 0u);
    ready_.clear();
    for (std::size_t g = 0; g < cur_.size(); ++g) {
      if (cur_[g] < 0 || !st.read_ready(static_cast<std::size_t>(cur_[g]), cycle)) continue;
      ready_.push_back(static_cast<std::size_t>(cur_[g]));
      for (unsigned c = 0; c < org_.columns; ++c) count_[c] += work[cur_[g]].pending[c];
    }
    if (ready_.empty()) return false;
    const unsigned col = static_cast<unsigned>(std::max_element(count_.begin(), count_.end()) - count_.begin());
    Command c = st.bg_cmd(Op::MACAB, 0);
    c.col = col;
    for (std::size_t i : ready_)
      if (work[i].pending[col]) c.mask |= std::uint64_t{1} << work[i].gbg;
    if (!st.issue(c, cycle)) return false;
    for (std::size_t i : ready_)
      if (work[i].pending[col] && st.serve(i, col)) cur_[work[i].gbg] = -1;
    return true;
  }

  // Oldest current read first; a PRE of a bank open on another row before any ACT.
  bool issue_row_command(PhaseState& st, std::uint64_t cycle) override {
    const std::vector<ReadWork>& work = *work_;
    const TimingState& ts = st.timing();
    const unsigned nb = org_.banks;
    order_.clear();
    for (long i : cur_)
      if (i >= 0) order_.push_back(static_cast<std::size_t>(i));
    std::sort(order_.begin(), order_.end());
    for (int pass = 0; pass < 2; ++pass) {
      for (std::size_t i : order_) {
        const unsigned g = work[i].gbg;
        for (unsigned k = 0; k < nb; ++k) {
          const unsigned b = g * nb + k;
          const bool open = ts.bank_open(b);
          if (pass == 0 && open && ts.open_row(b) != work[i].row) {
            Command c = st.bg_cmd(Op::PRE, g);
            c.bank = k;
            if (st.issue(c, cycle)) return true;
          } else if (pass == 1 && !open) {
            Command c = st.bg_cmd(Op::ACT, g);
            c.bank = k;
            c.row = work[i].row;
            if (st.issue(c, cycle)) return true;
          }
        }
      }
    }
    return false;
  }

  // One PRE per open bank, lowest bank first.
  bool close_rows(PhaseState& st, std::uint64_t cycle) override {
    const TimingState& ts = st.timing();
    for (unsigned b = 0; b < org_.total_banks(); ++b) {
      if (!ts.bank_open(b)) continue;
      Command c = st.bg_cmd(Op::PRE, b / org_.banks);
      c.bank = b % org_.banks;
      if (st.issue(c, cycle)) return true;
    }
    return false;
  }

  // A bank group of the rank that cannot finish a read without opening a row (half open, or
  // open on a row its current read does not use) or that has no read left gives its banks up.
  bool close_for_refresh(PhaseState& st, unsigned rank, std::uint64_t cycle) override {
    const TimingState& ts = st.timing();
    const unsigned nb = org_.banks, per_rank = org_.bank_groups;
    for (unsigned g = rank * per_rank; g < (rank + 1) * per_rank; ++g) {
      bool keep = cur_[g] >= 0;
      if (keep) {
        const unsigned row = (*work_)[static_cast<std::size_t>(cur_[g])].row;
        for (unsigned k = 0; k < nb; ++k) keep = keep && ts.bank_open(g * nb + k) && ts.open_row(g * nb + k) == row;
      }
      if (keep) continue;
      for (unsigned k = 0; k < nb; ++k) {
        if (!ts.bank_open(g * nb + k)) continue;
        Command c = st.bg_cmd(Op::PRE, g);
        c.bank = k;
        if (st.issue(c, cycle)) return true;
      }
    }
    return false;
  }

  void active_reads(std::vector<std::size_t>& out) const override {
    for (long i : cur_)
      if (i >= 0) out.push_back(static_cast<std::size_t>(i));
  }

  bool bank_group_pending(unsigned g) const override { return cur_[g] >= 0 || !queue_[g].empty(); }

 private:
  Org org_;
  const std::vector<ReadWork>* work_ = nullptr;
  std::vector<std::deque<std::size_t>> queue_;  // per bank group: reads not yet started
  std::vector<long> cur_;                       // per bank group: the read it walks, or -1
  // Scratch of one cycle.
  std::vector<unsigned> count_;
  std::vector<std::size_t> ready_, order_;
};

}  // namespace

std::unique_ptr<RowPolicy> make_per_bg_row_policy(const Org& org) {
  return std::make_unique<PerBgRowPolicy>(org);
}

}  // namespace pim
