#include "host/trace_checker.hpp"

#include <algorithm>
#include <cstdint>
#include <sstream>

namespace pim {

namespace {

bool acts(Op op) { return op == Op::ACT || op == Op::ACTAB; }
bool pres(Op op) { return op == Op::PRE || op == Op::PREA; }

// Global bank indices a command addresses (ACTAB/PREA: all, MACAB: banks of masked groups).
std::vector<unsigned> banks_of(const Command& c, const Org& o) {
  std::vector<unsigned> v;
  const unsigned n = o.total_banks();
  if (c.op == Op::ACTAB || c.op == Op::PREA) {
    for (unsigned b = 0; b < n; ++b) v.push_back(b);
  } else if (c.op == Op::ACT || c.op == Op::PRE) {
    v.push_back(o.global_bank_group(c.pch, c.rank, c.bg) * o.banks + c.bank);
  } else if (c.op == Op::MACAB) {
    for (unsigned g = 0; g < o.total_bank_groups(); ++g)
      if (c.mask >> g & 1u)
        for (unsigned k = 0; k < o.banks; ++k) v.push_back(g * o.banks + k);
  }
  return v;
}

bool in_range(const Command& c, const Org& o) {
  if (c.op == Op::ACT || c.op == Op::PRE || c.op == Op::MVGB || c.op == Op::MVSB) {
    if (c.pch >= o.pseudo_channels || c.rank >= o.ranks || c.bg >= o.bank_groups) return false;
  }
  if ((c.op == Op::ACT || c.op == Op::PRE || c.op == Op::WRGB) && c.bank >= o.banks) return false;
  if (c.op == Op::REFAB && (c.pch >= o.pseudo_channels || c.rank >= o.ranks)) return false;
  if (c.op == Op::MACAB && o.total_bank_groups() < 64 && (c.mask >> o.total_bank_groups()) != 0)
    return false;
  if (c.op == Op::MACAB && c.mask == 0) return false;  // a column command to no bank group
  return true;
}

}  // namespace

std::vector<TraceViolation> check_trace(const ParsedTrace& tr) {
  const Org& o = tr.org;
  const Timing& t = tr.timing;
  const std::uint64_t window = std::max({t.nRCD, t.nRP, t.nRAS, t.nRC, t.nRTPL, t.nCCDAB, t.nCCDS,
                                         t.nCCDL, t.nRRDS, t.nRRDL, t.nFAW, t.nBL, t.nROW, 1u});
  const auto& cmds = tr.cmds;
  std::vector<std::vector<unsigned>> banks(cmds.size());
  std::vector<std::vector<bool>> member(cmds.size());  // per global bank: addressed?
  std::vector<std::vector<bool>> closes(cmds.size());  // per global bank: closed an open row?
  std::vector<bool> open(o.total_banks(), false);
  // Refresh (docs/design.md section 2): per bank the cycle it was last closed, per rank its
  // last REFAB and how many it had; nRFC is longer than the pair window, so these are state.
  constexpr std::int64_t kLongAgo = -(std::int64_t{1} << 40);
  std::vector<std::int64_t> closed_at(o.total_banks(), kLongAgo);
  const unsigned nranks = o.pseudo_channels * o.ranks, per_rank = o.bank_groups * o.banks;
  std::vector<std::int64_t> last_ref(nranks, kLongAgo);
  // The REFABs each rank had before the trace's first command (the header's `before`: 0 for a
  // whole run, the run's count for a policy's part of it).
  std::vector<std::uint64_t> refs(nranks, tr.refreshes_before);
  const bool refi = t.refresh && t.nREFI > 0;
  std::vector<TraceViolation> out;
  std::size_t first = 0;
  for (std::size_t j = 0; j < cmds.size(); ++j) {
    const Command& cj = cmds[j];
    std::uint32_t err = 0;
    if (!in_range(cj, o)) {
      out.push_back({tr.lines[j], cj.cycle, 1u << kRuleAddress});
      continue;
    }
    banks[j] = banks_of(cj, o);
    // Bank-state rules and the banks a PRE/PREA really closes.
    closes[j].assign(o.total_banks(), false);
    member[j].assign(o.total_banks(), false);
    for (const unsigned b : banks[j]) {
      member[j][b] = true;
      if (acts(cj.op) && open[b]) err |= 1u << kRuleActOpen;
      if (cj.op == Op::MACAB && !open[b]) err |= 1u << kRuleMacClosed;
      if (pres(cj.op)) closes[j][b] = open[b];
    }
    while (first < j && cmds[first].cycle + window <= cj.cycle) ++first;
    unsigned faw_count = 0;
    for (std::size_t i = first; i < j; ++i) {
      const Command& ci = cmds[i];
      if (banks[i].empty() && !is_row_command(ci.op) && !is_data_command(ci.op) && ci.op != Op::MACAB) continue;
      const std::uint64_t d = cj.cycle - ci.cycle;  // window keeps ci.cycle <= cj.cycle unless disordered
      if (ci.cycle >= cj.cycle) { err |= 1u << kRuleCmdBus; continue; }
      if (is_row_command(ci.op) && d < t.nROW) err |= 1u << kRuleCmdBus;
      if (is_data_command(ci.op) && is_data_command(cj.op) && d < t.nBL) err |= 1u << kRuleDataBus;
      if (ci.op == Op::MACAB && cj.op == Op::MACAB) {
        if (d < t.nCCDAB) err |= 1u << kRuleCCDAB;
        if (d < t.nCCDS) err |= 1u << kRuleCCDS;
        if ((ci.mask & cj.mask) != 0 && d < t.nCCDL) err |= 1u << kRuleCCDL;
      }
      if (ci.op == Op::ACT && cj.op == Op::ACT) {
        const unsigned ri = ci.pch * o.ranks + ci.rank, rj = cj.pch * o.ranks + cj.rank;
        if (ri == rj) {
          if (ci.bg == cj.bg && d < t.nRRDL) err |= 1u << kRuleRRDL;
          if (ci.bg != cj.bg && d < t.nRRDS) err |= 1u << kRuleRRDS;
          if (d < t.nFAW) ++faw_count;
        }
      }
      // Per-bank pair rules.
      const bool bank_pair = (acts(ci.op) || ci.op == Op::MACAB || pres(ci.op)) &&
                             (acts(cj.op) || cj.op == Op::MACAB || pres(cj.op));
      if (!bank_pair) continue;
      for (const unsigned b : banks[i]) {
        if (!member[j][b]) continue;
        if (acts(ci.op) && acts(cj.op) && d < t.nRC) err |= 1u << kRuleRC;
        if (acts(ci.op) && cj.op == Op::MACAB && d < t.nRCD) err |= 1u << kRuleRCD;
        if (acts(ci.op) && pres(cj.op) && closes[j][b] && d < t.nRAS) err |= 1u << kRuleRAS;
        if (ci.op == Op::MACAB && pres(cj.op) && closes[j][b] && d < t.nRTPL) err |= 1u << kRuleRTPL;
        if (pres(ci.op) && closes[i][b] && acts(cj.op) && d < t.nRP) err |= 1u << kRuleRP;
      }
    }
    if (cj.op == Op::ACT && faw_count >= 4) err |= 1u << kRuleFAW;
    // Refresh rules.
    const auto now = static_cast<std::int64_t>(cj.cycle);
    auto owed = [&](unsigned r) { return static_cast<std::int64_t>(cj.cycle / t.nREFI) - static_cast<std::int64_t>(refs[r]); };
    if (cj.op == Op::REFAB) {
      const unsigned r = cj.pch * o.ranks + cj.rank;
      for (unsigned b = r * per_rank; b < (r + 1) * per_rank; ++b) {
        if (open[b]) err |= 1u << kRuleRefOpen;
        if (now - closed_at[b] < t.nRP) err |= 1u << kRuleRP;
      }
      if (now - last_ref[r] < t.nRFC) err |= 1u << kRuleRFC;
      if (refi && -owed(r) >= static_cast<std::int64_t>(kRefreshPostpone)) err |= 1u << kRuleREFI;
    } else if (refi) {
      for (unsigned r = 0; r < nranks; ++r)
        if (owed(r) > static_cast<std::int64_t>(kRefreshPostpone)) err |= 1u << kRuleREFI;
    }
    if (acts(cj.op)) {
      for (unsigned r = 0; r < nranks; ++r) {
        const bool touched = cj.op == Op::ACTAB || r == cj.pch * o.ranks + cj.rank;
        if (touched && now - last_ref[r] < t.nRFC) err |= 1u << kRuleRFC;
      }
    }
    // Apply the state change.
    for (const unsigned b : banks[j]) {
      if (acts(cj.op)) open[b] = true;
      if (pres(cj.op) && open[b]) { open[b] = false; closed_at[b] = now; }
    }
    if (cj.op == Op::REFAB) {
      last_ref[cj.pch * o.ranks + cj.rank] = now;
      ++refs[cj.pch * o.ranks + cj.rank];
    }
    if (err) out.push_back({tr.lines[j], cj.cycle, err});
  }
  return out;
}

std::vector<TraceViolation> check_commands(const Org& org, const Timing& timing,
                                           std::span<const Command> cmds, std::uint64_t refreshes_before) {
  std::stringstream text;
  write_trace(text, org, timing, cmds, {}, refreshes_before);
  return check_trace(parse_trace(text));
}

}  // namespace pim
