#include "sim/fault_plan.hpp"

#include <array>
#include <charconv>

#include <fmt/format.h>

#include "contracts/input_error.hpp"
#include "host/report.hpp"
#include "host/trace_checker.hpp"
#include "sim/dense_cosim.hpp"

namespace pim {
namespace {

constexpr std::array<std::pair<FaultKind, std::string_view>, 5> kKinds{{
    {FaultKind::dram_bit, "dram-bit"},
    {FaultKind::rtl_result, "rtl-result"},
    {FaultKind::drop_cmd, "drop-cmd"},
    {FaultKind::early_cmd, "early-cmd"},
    {FaultKind::cmatch, "cmatch"},
}};

}  // namespace

std::string_view fault_kind_name(FaultKind k) {
  for (const auto& [kind, name] : kKinds)
    if (kind == k) return name;
  return "none";
}

std::string FaultPlan::name() const { return fmt::format("{}:{}", fault_kind_name(kind), occurrence); }

FaultPlan parse_fault_plan(std::string_view text) {
  const auto colon = text.find(':');
  const std::string_view kind = text.substr(0, colon);
  FaultPlan p;
  for (const auto& [k, name] : kKinds)
    if (name == kind) p.kind = k;
  if (p.kind == FaultKind::none)
    throw starc::InputError("inject", fmt::format("'{}' (expected dram-bit, rtl-result, drop-cmd, early-cmd or "
                                                  "cmatch, optionally :N)", text));
  if (colon != std::string_view::npos) {
    const std::string_view n = text.substr(colon + 1);
    const auto [end, ec] = std::from_chars(n.data(), n.data() + n.size(), p.occurrence);
    if (ec != std::errc() || end != n.data() + n.size() || p.occurrence == 0)
      throw starc::InputError("inject", fmt::format("'{}': N must be an integer >= 1", text));
  }
  return p;
}

FaultEvidence fault_evidence(std::span<const PolicyStats> stats) {
  FaultEvidence ev;
  for (const PolicyStats& s : stats) {
    ev.mismatches += s.mismatches;
    if (ev.first_mismatch.empty() && !s.first_mismatch.empty())
      ev.first_mismatch = fmt::format("{} {}", s.policy, s.first_mismatch);
    ev.rtl_timing_errors += s.rtl_timing_errors;
    ev.cmatch_mismatches += s.cmatch_mismatches;
    if (ev.cmatch_first_mismatch.empty() && !s.cmatch_first_mismatch.empty())
      ev.cmatch_first_mismatch = fmt::format("{} {}", s.policy, s.cmatch_first_mismatch);
  }
  return ev;
}

FaultEvidence fault_evidence(const DenseReport& rep) {
  FaultEvidence ev;
  ev.mismatches = rep.mismatches;
  ev.first_mismatch = rep.first_mismatch;
  ev.rtl_timing_errors = rep.timing_errors;
  return ev;
}

std::string fault_verdict(const FaultPlan& plan, const FaultEvidence& ev, const Org& org, const Timing& timing,
                          std::span<const Command> cmds, bool& caught) {
  caught = false;
  if (!plan.injected)
    return fmt::format("--inject {}: the run has only {} occurrences of {}; nothing was injected", plan.name(),
                       plan.seen, fault_kind_name(plan.kind));
  std::vector<std::string> by;
  if (ev.mismatches != 0)
    by.push_back(fmt::format("scoreboard ({} mismatching values, first: {})", ev.mismatches, ev.first_mismatch));
  if (ev.rtl_timing_errors != 0)
    by.push_back(plan.rtl_timing_fired
                     ? fmt::format("RTL timing checker ({} errors, first at cycle {}: {})", ev.rtl_timing_errors,
                                   plan.rtl_timing_cycle, rule_mask_text(plan.rtl_timing_rules))
                     : fmt::format("RTL timing checker ({} errors)", ev.rtl_timing_errors));
  const auto violations = check_commands(org, timing, cmds);
  if (!violations.empty())
    by.push_back(fmt::format("trace checker ({} violations, first at cycle {}: {})", violations.size(),
                             violations.front().cycle, rule_mask_text(violations.front().rules)));
  if (ev.cmatch_mismatches != 0)
    by.push_back(fmt::format("centroid-match comparison ({} mismatching selections, first: {})",
                             ev.cmatch_mismatches, ev.cmatch_first_mismatch));
  if (by.empty()) return fmt::format("--inject {}: {}; NOT caught by any check", plan.name(), plan.what);
  caught = true;
  std::string list = by.front();
  for (std::size_t i = 1; i < by.size(); ++i) list += "; " + by[i];
  return fmt::format("--inject {}: {}; caught by the {}", plan.name(), plan.what, list);
}

}  // namespace pim
