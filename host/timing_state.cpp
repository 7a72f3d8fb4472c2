#include "host/timing_state.hpp"

#include <algorithm>

namespace pim {

TimingState::TimingState(const Org& org, const Timing& timing)
    : org_(org),
      t_(timing),
      banks_(org.total_banks()),
      ranks_(org.pseudo_channels * org.ranks),
      bg_act_(org.total_bank_groups(), kNever),
      bg_col_(org.total_bank_groups(), kNever) {}

bool TimingState::address_ok(const Command& c) const {
  const bool bank_addr = c.op == Op::ACT || c.op == Op::PRE;
  const bool bg_addr = bank_addr || c.op == Op::MVGB || c.op == Op::MVSB;
  if (bg_addr && (c.pch >= org_.pseudo_channels || c.rank >= org_.ranks || c.bg >= org_.bank_groups))
    return false;
  if (c.op == Op::REFAB && (c.pch >= org_.pseudo_channels || c.rank >= org_.ranks)) return false;
  if ((bank_addr || c.op == Op::WRGB) && c.bank >= org_.banks) return false;
  if ((c.op == Op::ACT || c.op == Op::ACTAB) && c.row >= org_.rows) return false;
  if ((c.op == Op::MACAB || c.op == Op::WRGB || c.op == Op::MVGB) && c.col >= org_.columns) return false;
  if (c.op == Op::MACAB) {
    const unsigned n = org_.total_bank_groups();
    if (n < 64 && (c.mask >> n) != 0) return false;
    if (c.mask == 0) return false;  // a column command to no bank group
  }
  return c.op != Op::NOP;
}

std::uint32_t TimingState::check(const Command& c, std::uint64_t cycle) const {
  const auto now = static_cast<std::int64_t>(cycle);
  auto since = [now](std::int64_t t) { return now - t; };
  std::uint32_t err = 0;
  auto flag = [&err](Rule r) { err |= 1u << r; };
  if (!address_ok(c)) return 1u << kRuleAddress;
  if (now <= last_cmd_ || now < cmd_bus_free_) flag(kRuleCmdBus);
  if (is_data_command(c.op) && now < data_bus_free_) flag(kRuleDataBus);

  auto check_act = [&](const Bank& b) {
    if (b.open) flag(kRuleActOpen);
    if (since(b.pre) < t_.nRP) flag(kRuleRP);
    if (since(b.act) < t_.nRC) flag(kRuleRC);
  };
  const unsigned banks_per_rank = org_.bank_groups * org_.banks;
  auto rank_refreshing = [&](unsigned r) { return since(ranks_[r].ref) < t_.nRFC; };
  if (t_.refresh && t_.nREFI > 0 && c.op != Op::REFAB) {  // a REFAB pays the debt back
    for (unsigned r = 0; r < ranks_.size(); ++r)
      if (refreshes_owed(r, cycle) > static_cast<std::int64_t>(kRefreshPostpone)) flag(kRuleREFI);
  }
  auto check_pre = [&](const Bank& b) {
    if (!b.open) return;  // no-op
    if (since(b.act) < t_.nRAS) flag(kRuleRAS);
    if (since(b.mac) < t_.nRTPL) flag(kRuleRTPL);
  };
  const unsigned nb = org_.banks;
  switch (c.op) {
    case Op::ACTAB:
      for (const Bank& b : banks_) check_act(b);
      for (unsigned r = 0; r < ranks_.size(); ++r)
        if (rank_refreshing(r)) flag(kRuleRFC);
      break;
    case Op::REFAB: {
      const unsigned r = c.pch * org_.ranks + c.rank;
      for (unsigned k = r * banks_per_rank; k < (r + 1) * banks_per_rank; ++k) {
        if (banks_[k].open) flag(kRuleRefOpen);
        if (since(banks_[k].pre) < t_.nRP) flag(kRuleRP);
      }
      if (rank_refreshing(r)) flag(kRuleRFC);
      if (t_.refresh && t_.nREFI > 0 && -refreshes_owed(r, cycle) >= static_cast<std::int64_t>(kRefreshPostpone))
        flag(kRuleREFI);
      break;
    }
    case Op::ACT: {
      const unsigned g = org_.global_bank_group(c.pch, c.rank, c.bg);
      check_act(banks_[g * nb + c.bank]);
      const unsigned r = rank_of_gbg(g);
      if (rank_refreshing(r)) flag(kRuleRFC);
      for (unsigned o = r * org_.bank_groups; o < (r + 1) * org_.bank_groups; ++o) {
        if (o == g && since(bg_act_[o]) < t_.nRRDL) flag(kRuleRRDL);
        if (o != g && since(bg_act_[o]) < t_.nRRDS) flag(kRuleRRDS);
      }
      if (since(ranks_[r].faw[0]) < t_.nFAW) flag(kRuleFAW);
      break;
    }
    case Op::PREA:
      for (const Bank& b : banks_) check_pre(b);
      break;
    case Op::PRE:
      check_pre(banks_[org_.global_bank_group(c.pch, c.rank, c.bg) * nb + c.bank]);
      break;
    case Op::MACAB: {
      if (since(last_macab_) < t_.nCCDAB) flag(kRuleCCDAB);
      bool shared = false;
      std::int64_t last_col = kNever;
      for (unsigned g = 0; g < org_.total_bank_groups(); ++g) {
        last_col = std::max(last_col, bg_col_[g]);
        if (!(c.mask >> g & 1u)) continue;
        if (since(bg_col_[g]) < t_.nCCDL) shared = true;
        for (unsigned k = 0; k < nb; ++k) {
          const Bank& b = banks_[g * nb + k];
          if (!b.open) flag(kRuleMacClosed);
          else if (since(b.act) < t_.nRCD) flag(kRuleRCD);
        }
      }
      if (shared) flag(kRuleCCDL);
      if (since(last_col) < t_.nCCDS) flag(kRuleCCDS);
      break;
    }
    default:
      break;
  }
  return err;
}

std::uint64_t TimingState::settled_cycle() const {
  if (last_cmd_ < 0) return 0;
  const unsigned longest = std::max({t_.nRCD, t_.nRP, t_.nRAS, t_.nRC, t_.nRTPL, t_.nCCDAB, t_.nCCDS, t_.nCCDL,
                                     t_.nRRDS, t_.nRRDL, t_.nFAW, t_.nBL, t_.nROW});
  std::uint64_t settled = static_cast<std::uint64_t>(last_cmd_) + longest;
  for (unsigned r = 0; r < ranks_.size(); ++r) settled = std::max(settled, refresh_done(r));
  return settled;
}

std::int64_t TimingState::refreshes_owed(unsigned r, std::uint64_t cycle) const {
  if (!t_.refresh || t_.nREFI == 0) return 0;
  return static_cast<std::int64_t>(cycle / t_.nREFI) - static_cast<std::int64_t>(ranks_[r].refs);
}

std::uint64_t TimingState::refresh_done(unsigned r) const {
  return ranks_[r].ref < 0 ? 0 : static_cast<std::uint64_t>(ranks_[r].ref + t_.nRFC);
}

void TimingState::apply(const Command& c, std::uint64_t cycle) {
  const auto now = static_cast<std::int64_t>(cycle);
  last_cmd_ = std::max(last_cmd_, now);
  if (!address_ok(c)) return;
  cmd_bus_free_ = std::max(cmd_bus_free_, now + (is_row_command(c.op) ? t_.nROW : 1));
  if (is_data_command(c.op)) data_bus_free_ = std::max(data_bus_free_, now + t_.nBL);
  const unsigned nb = org_.banks;
  auto act = [&](Bank& b) { b.open = true; b.row = c.row; b.act = now; };
  auto pre = [&](Bank& b) {
    if (b.open) { b.open = false; b.pre = now; }
  };
  switch (c.op) {
    case Op::ACTAB:
      for (Bank& b : banks_) act(b);
      break;
    case Op::ACT: {
      const unsigned g = org_.global_bank_group(c.pch, c.rank, c.bg);
      act(banks_[g * nb + c.bank]);
      bg_act_[g] = now;
      auto& faw = ranks_[rank_of_gbg(g)].faw;
      faw = {faw[1], faw[2], faw[3], now};
      break;
    }
    case Op::PREA:
      for (Bank& b : banks_) pre(b);
      break;
    case Op::PRE:
      pre(banks_[org_.global_bank_group(c.pch, c.rank, c.bg) * nb + c.bank]);
      break;
    case Op::REFAB: {
      Rank& rk = ranks_[c.pch * org_.ranks + c.rank];
      rk.ref = now;
      ++rk.refs;
      break;
    }
    case Op::MACAB:
      last_macab_ = now;
      for (unsigned g = 0; g < org_.total_bank_groups(); ++g) {
        if (!(c.mask >> g & 1u)) continue;
        bg_col_[g] = now;
        for (unsigned k = 0; k < nb; ++k) banks_[g * nb + k].mac = now;
      }
      break;
    default:
      break;
  }
}

}  // namespace pim
