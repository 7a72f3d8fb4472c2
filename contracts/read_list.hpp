// What a policy asks the channel to read in one phase: the interface between mapping/ (which
// turns a selection into reads) and the controller (which turns reads into a command stream).
#pragma once

#include <vector>

namespace pim {

// One BG-row read: in bank group `bank_group` (global index, docs/design.md section 3), row `row`
// is opened in all banks of the group and the listed columns are fed to their PIM units with
// MACAB (the same columns in every bank of the group).
struct RowRead {
  unsigned bank_group = 0;
  unsigned row = 0;
  std::vector<unsigned> columns;  // ascending, unique
};

// A phase's reads, in the order the policy wants them; the controller may reorder rows
// across bank groups but issues every listed column exactly once.
using ReadList = std::vector<RowRead>;

}  // namespace pim
