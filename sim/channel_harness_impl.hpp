// Implementation of ChannelSim for one Verilated configuration `Model` (included by the
// per-configuration sources channel_small.cpp, channel_full.cpp, channel_full_npc.cpp).
//
// Per cycle: drive the command (or none) and the column data the array model owes for the
// requests of the previous cycle; clock low -> high; then read the banks that were activated
// (latch their rows in the array model) and the result port. Results are stamped with the
// cycle in which they are on the port.
//
// Fault injection (sim/fault_plan.hpp): with a plan, run() drops or advances one command on its
// way into the RTL (drop-cmd, early-cmd), step() flips a bit of one result on its way out
// (rtl-result) and the array model one cell (dram-bit); the plan records the cycle of the RTL
// timing checker's first error. Without a plan none of this code is reached.
#pragma once

#include <array>
#include <stdexcept>
#include <string>
#include <type_traits>

#include <fmt/format.h>

#include "sim/channel_sim.hpp"
#include "host/trace_checker.hpp"
#include "sim/dram_array.hpp"
#include "sim/fault_plan.hpp"
#include "sim/verilated_model.hpp"

namespace pim::detail {

template <class T>
bool get_bit(const T& v, unsigned i) {
  if constexpr (std::is_integral_v<T>) {
    return (static_cast<std::uint64_t>(v) >> i) & 1u;
  } else {
    return (v[i / 32] >> (i % 32)) & 1u;
  }
}

template <class T>
void set_u16(T& v, unsigned i, std::uint16_t x) {  // 16-bit element i of a wide signal
  if constexpr (std::is_integral_v<T>) {
    v = static_cast<T>((static_cast<std::uint64_t>(v) & ~(0xFFFFull << (16 * i))) |
                       (static_cast<std::uint64_t>(x) << (16 * i)));
  } else {
    auto& w = v[i / 2];
    w = (i % 2) ? ((w & 0x0000FFFFu) | static_cast<std::uint32_t>(x) << 16) : ((w & 0xFFFF0000u) | x);
  }
}

template <class T>
std::uint32_t get_u32(const T& v, unsigned i) {
  if constexpr (std::is_integral_v<T>) {
    return static_cast<std::uint32_t>(static_cast<std::uint64_t>(v) >> (32 * i));
  } else {
    return v[i];
  }
}

template <class Model>
class ChannelHarness final : public ChannelSim {
 public:
  ChannelHarness(const Org& org, unsigned head_dim, const Timing& timing, const ChannelSimOptions& opt)
      : org_(org), head_dim_(head_dim), timing_(with_refresh(timing, opt.refresh)),
        model_(static_cast<std::uint32_t>(opt.seed), opt.waves, "TOP"), m_(&model_.top()) {
    m_->fmt_i = static_cast<unsigned>(opt.fmt);
    m_->refresh_check_i = timing_.refresh ? 1 : 0;
    m_->cmd_valid_i = 0;
    m_->mr_we_i = 0;
    m_->mr_cols_per_token_i = 0;
    m_->clk_i = 0;
    m_->rst_ni = 1;
    m_->eval();
    m_->rst_ni = 0;
    m_->eval();
    for (int i = 0; i < 2; ++i) {
      m_->clk_i = 1;
      m_->eval();
      m_->clk_i = 0;
      m_->eval();
    }
    m_->rst_ni = 1;
    m_->eval();
    check_config();
    set_head_dim();
  }

  const Org& org() const override { return org_; }
  unsigned head_dim() const override { return head_dim_; }
  const Timing& timing() const override { return timing_; }
  unsigned result_latency() const override { return mvsb_result_latency(org_); }
  void set_image(const DramImage& image) override {
    array_ = std::make_unique<DramArray>(image);
    array_->inject(plan_);
  }
  void inject(FaultPlan* plan) override {
    plan_ = plan;
    if (array_) array_->inject(plan);
  }
  std::uint64_t cycle() const override { return cycle_; }
  std::uint32_t timing_error_count() const override { return m_->timing_err_count_o; }
  std::uint32_t timing_error_mask() const override { return m_->timing_err_sticky_o; }

  std::vector<MvsbResult> run(const std::vector<Command>& scheduled) override {
    if (!array_) throw std::logic_error("ChannelSim::run without a DRAM image");
    std::vector<Command> faulty;
    if (plan_ != nullptr) faulty = feed_with_fault(scheduled);
    const std::vector<Command>& cmds = plan_ != nullptr ? faulty : scheduled;
    std::vector<MvsbResult> out;
    std::size_t expected = 0;
    for (const auto& c : scheduled) expected += c.op == Op::MVSB;
    std::size_t next = 0;
    std::uint64_t deadline = 0;
    while (next < cmds.size() || out.size() < expected) {
      if (next < cmds.size() && cmds[next].cycle < cycle_)
        throw std::invalid_argument(fmt::format("command at cycle {} is in the past (now {})", cmds[next].cycle, cycle_));
      if (next == cmds.size()) {
        if (deadline == 0) deadline = cycle_ + result_latency() + 4;
        if (cycle_ > deadline) break;  // a result is missing: the scoreboard reports it
      }
      const Command* c = (next < cmds.size() && cmds[next].cycle == cycle_) ? &cmds[next++] : nullptr;
      step(c, out);
    }
    return out;
  }

 private:
  static Timing with_refresh(Timing t, bool on) {
    t.refresh = on;
    return t;
  }
  // The commands the RTL receives when a plan is active: `cmds` with the planned command
  // dropped (drop-cmd) or one cycle earlier (early-cmd) if it falls in this phase.
  std::vector<Command> feed_with_fault(const std::vector<Command>& cmds) {
    std::vector<Command> feed = cmds;
    if (plan_->kind == FaultKind::drop_cmd) {
      for (std::size_t i = 0; i < feed.size(); ++i) {
        if (!plan_->hit(FaultKind::drop_cmd)) continue;
        plan_->what = fmt::format("dropped {} at cycle {} (command {}) on its way to the RTL", op_name(feed[i].op),
                                  feed[i].cycle, plan_->occurrence);
        feed.erase(feed.begin() + static_cast<std::ptrdiff_t>(i));
        break;
      }
    } else if (plan_->kind == FaultKind::early_cmd && !plan_->injected) {
      // A command binds when one cycle earlier (still after the previous command and not in the
      // past) it breaks a rule that it keeps at its own cycle (checked on this phase's commands
      // by the trace checker's rules).
      for (std::size_t i = 0; i < feed.size(); ++i) {
        const std::uint64_t at = feed[i].cycle;
        if (at == 0 || at - 1 < cycle_ || (i > 0 && feed[i - 1].cycle >= at - 1)) continue;
        const std::span<const Command> upto(feed.data(), i + 1);
        const std::size_t before = check_commands(org_, timing_, upto).size();
        feed[i].cycle = at - 1;
        const std::size_t after = check_commands(org_, timing_, upto).size();
        if (after > before && plan_->hit(FaultKind::early_cmd)) {
          plan_->what = fmt::format("{} scheduled at cycle {} sent to the RTL at cycle {} (binding command {})",
                                    op_name(feed[i].op), at, at - 1, plan_->occurrence);
          break;
        }
        feed[i].cycle = at;
      }
    }
    return feed;
  }

  // The organisation and timing the C++ side uses (org_, timing_) must be the RTL
  // parameters the model was Verilated with (read back from cfg_org_o / cfg_timing_o, word k =
  // pim_pkg::ORG_* / T_*); throws std::logic_error naming the first field that differs.
  void check_config() const {
    auto check = [](const std::string& what, unsigned cpp, const std::string& rtl_name, std::uint32_t rtl) {
      if (cpp != rtl)
        throw std::logic_error(fmt::format("channel model mismatch: C++ {} = {} but the RTL parameter {} = {}",
                                           what, cpp, rtl_name, rtl));
    };
    const auto& o = m_->cfg_org_o;
    check("Org.pseudo_channels", org_.pseudo_channels, "PseudoChannels", get_u32(o, 0));
    check("Org.ranks", org_.ranks, "Ranks", get_u32(o, 1));
    check("Org.bank_groups", org_.bank_groups, "BankGroups", get_u32(o, 2));
    check("Org.banks", org_.banks, "Banks", get_u32(o, 3));
    check("Org.lanes", org_.lanes, "Lanes", get_u32(o, 4));
    check("Org.columns", org_.columns, "Columns", get_u32(o, 5));
    check("Org.rows", org_.rows, "Rows", get_u32(o, 6));
    const auto& t = m_->cfg_timing_o;
    const std::array<std::pair<const char*, unsigned>, 15> cpp{{
        {"nRCD", timing_.nRCD}, {"nRP", timing_.nRP}, {"nRAS", timing_.nRAS}, {"nRC", timing_.nRC},
        {"nRTPL", timing_.nRTPL}, {"nCCDAB", timing_.nCCDAB}, {"nCCDS", timing_.nCCDS},
        {"nCCDL", timing_.nCCDL}, {"nRRDS", timing_.nRRDS}, {"nRRDL", timing_.nRRDL},
        {"nFAW", timing_.nFAW}, {"nBL", timing_.nBL}, {"nROW", timing_.nROW}, {"nRFC", timing_.nRFC},
        {"nREFI", timing_.nREFI}}};
    for (unsigned k = 0; k < cpp.size(); ++k)
      check(fmt::format("Timing.{} (preset {})", cpp[k].first, timing_.name), cpp[k].second,
            fmt::format("Timing field {} ({})", k, cpp[k].first), get_u32(t, k));
  }

  // Initialisation after reset, before cycle 0: one clock with the head-dimension mode register
  // written (columns per token), then the read-back. The build's largest columns per token is
  // cfg_org_o word ORG_COLS_PER_TOKEN.
  void set_head_dim() {
    check_head_dim(head_dim_);
    const unsigned cpt = org_.cols_per_token(head_dim_);
    const unsigned max_cpt = get_u32(m_->cfg_org_o, 7);
    if (cpt > max_cpt)
      throw std::invalid_argument(fmt::format("head dimension {} needs {} columns per token; this channel build "
                                              "serves at most {} (D <= {})",
                                              head_dim_, cpt, max_cpt, max_cpt * org_.banks * org_.lanes));
    m_->mr_we_i = 1;
    m_->mr_cols_per_token_i = cpt;
    m_->clk_i = 1;
    m_->eval();
    m_->clk_i = 0;
    m_->mr_we_i = 0;
    m_->eval();
    if (m_->mode_cols_per_token_o != cpt)
      throw std::logic_error(fmt::format("channel mode register: wrote {} columns per token (D = {}), read back {}",
                                         cpt, head_dim_, static_cast<unsigned>(m_->mode_cols_per_token_o)));
  }

  void step(const Command* c, std::vector<MvsbResult>& out) {
    Model& m = *m_;
    m.cmd_valid_i = c != nullptr;
    if (c) {
      m.cmd_op_i = static_cast<unsigned>(c->op);
      m.cmd_pch_i = c->pch;
      m.cmd_rank_i = c->rank;
      m.cmd_bg_i = c->bg;
      m.cmd_bank_i = c->bank;
      m.cmd_row_i = c->row;
      m.cmd_col_i = c->col;
      m.cmd_mask_i = static_cast<std::remove_reference_t<decltype(m.cmd_mask_i)>>(c->mask);
      m.cmd_mode_i = static_cast<unsigned>(c->mode);
      for (unsigned i = 0; i < org_.lanes; ++i) set_u16(m.cmd_data_i, i, i < c->data.size() ? c->data[i] : 0);
    }
    // Column data owed for the requests raised by the previous cycle's MACAB.
    const unsigned nbanks = org_.total_banks();
    const unsigned col = m.col_req_col_o;
    for (unsigned b = 0; b < nbanks; ++b) {
      if (!get_bit(m.col_req_o, b)) continue;
      const std::uint16_t* d = array_->column(b, col);
      for (unsigned i = 0; i < org_.lanes; ++i) set_u16(m.col_data_i, b * org_.lanes + i, d[i]);
    }
    model_.eval_cycle_start(cycle_);  // at cycle_ x 769 ps (verilated_model.hpp)
    m.clk_i = 1;
    model_.eval_rising_edge(cycle_);
    m.clk_i = 0;
    ++cycle_;
    // Outputs now belong to cycle_ (registered at the edge just taken).
    for (unsigned b = 0; b < nbanks; ++b)
      if (get_bit(m.act_o, b)) array_->activate(b, m.act_row_o);
    if (plan_ != nullptr && !plan_->rtl_timing_fired && m.timing_err_o != 0) {
      plan_->rtl_timing_fired = true;
      plan_->rtl_timing_cycle = cycle_ - 1;  // timing_err_o is the previous cycle's command's
      plan_->rtl_timing_rules = m.timing_err_o;
    }
    if (m.res_valid_o) {
      MvsbResult r;
      r.cycle = cycle_;
      r.gbg = m.res_gbg_o;
      r.mode = m.res_mode_o ? Mode::axpy : Mode::dot;
      const unsigned words = r.mode == Mode::dot ? org_.slots_per_row(head_dim_) : head_dim_;
      for (unsigned i = 0; i < words; ++i) r.words.push_back(get_u32(m.res_data_o, i));
      if (plan_ != nullptr && plan_->hit(FaultKind::rtl_result)) {
        r.words.at(0) ^= 1u << 22;
        plan_->what = fmt::format("flipped bit 22 of word 0 of MVSB result {} (group {}, cycle {})", plan_->occurrence,
                                  r.gbg, r.cycle);
      }
      out.push_back(std::move(r));
    }
  }

  Org org_;
  unsigned head_dim_;
  Timing timing_;
  VerilatedModel<Model> model_;
  Model* m_;
  std::unique_ptr<DramArray> array_;
  std::uint64_t cycle_ = 0;
  FaultPlan* plan_ = nullptr;
};

}  // namespace pim::detail
