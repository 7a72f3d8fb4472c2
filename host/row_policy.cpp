// The registry of row policies: one entry per policy file (row_policy_<name>.cpp).
#include "host/row_policy.hpp"

#include <stdexcept>

namespace pim {

// Defined in the policy's own file.
std::unique_ptr<RowPolicy> make_lockstep_row_policy(const Org& org);
std::unique_ptr<RowPolicy> make_per_bg_row_policy(const Org& org);

namespace {

struct Entry {
  std::string_view name;
  std::unique_ptr<RowPolicy> (*make)(const Org&);
};

constexpr Entry kRegistry[] = {
    {"lockstep", &make_lockstep_row_policy},
    {"per-bg", &make_per_bg_row_policy},
};

}  // namespace

std::unique_ptr<RowPolicy> make_row_policy(std::string_view name, const Org& org) {
  for (const Entry& e : kRegistry)
    if (e.name == name) return e.make(org);
  std::string known;
  for (const Entry& e : kRegistry) known += (known.empty() ? "" : ", ") + std::string(e.name);
  throw std::invalid_argument("unknown row policy '" + std::string(name) + "' (known: " + known + ")");
}

std::vector<std::string> row_policy_names() {
  std::vector<std::string> names;
  for (const Entry& e : kRegistry) names.emplace_back(e.name);
  return names;
}

}  // namespace pim
