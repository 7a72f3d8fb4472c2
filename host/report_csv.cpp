#include "host/report_csv.hpp"

#include <fmt/format.h>

namespace pim {
namespace {

// A field as RFC 4180 wants it: quoted when it holds a comma, a quote or a line break.
std::string field(std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(s);
  std::string q = "\"";
  for (char c : s) {
    if (c == '"') q += '"';
    q += c;
  }
  return q + "\"";
}

template <std::size_t N>
std::string header(const std::array<std::string_view, N>& cols) {
  std::string h;
  for (std::size_t i = 0; i < N; ++i) {
    if (i) h += ',';
    h += cols[i];
  }
  return h + "\n";
}

// Shortest text that reads back to the same double.
std::string num(double x) { return fmt::format("{}", x); }

}  // namespace

std::string run_csv(const RunInfo& info, const std::vector<PolicyStats>& policies) {
  std::string out = header(kRunCsvColumns);
  for (const PolicyStats& p : policies) {
    for (std::size_t s = 0; s < p.steps.size(); ++s) {
      const StepStats& st = p.steps[s];
      const PhaseCycles& c = st.cycles;
      const StepFidelity& f = st.fidelity;
      out += fmt::format(
          "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", field(p.policy),
          field(p.layout), field(p.mode), info.budget, s, st.context, st.selected, st.selection_skipped ? 1 : 0,
          c.total, c.selection, c.keys, c.softmax, c.values, c.gaps, num(static_cast<double>(c.total) * info.tck_ns),
          st.at.start, st.at.ran_selection ? fmt::format("{}", st.at.selection) : std::string(), st.at.keys,
          st.at.softmax, st.at.values, st.at.end, st.activations, num(f.recall), num(f.hit_rate), num(f.rel_err),
          num(f.cosine), num(f.rtl_rel_err), num(f.rtl_cosine), st.non_finite_output ? 1 : 0);
    }
  }
  return out;
}

std::string fidelity_csv(const starc::FidelityReport& rep) {
  std::string out = header(kFidelityCsvColumns);
  for (const starc::FidelityStepRow& r : rep.step_rows) {
    const std::string kind = r.head < rep.head_kinds.size() ? rep.head_kinds[r.head] : std::string();
    out += fmt::format("{},{},{},{},{},{},{},{},{},{},{}\n", field(r.policy), r.budget, r.head, r.step, r.context,
                       r.m.selected, num(r.m.recall), num(r.m.hit_rate), num(r.m.rel_err), num(r.m.cosine),
                       field(kind));
  }
  return out;
}

}  // namespace pim
