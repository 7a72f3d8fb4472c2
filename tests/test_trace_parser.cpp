// The command-trace parser (host/cmd_trace.hpp) on organisations a trace cannot express.
// Former defect found by `make fuzz` (issue 15): a header `# org pch=70 ...` (140 bank groups)
// was accepted and the trace checker then shifted the 64-bit MACAB mask by 64 or more (UB).
#include <gtest/gtest.h>

#include <sstream>
#include <stdexcept>
#include <string>

#include "host/cmd_trace.hpp"
#include "host/trace_checker.hpp"

namespace {

pim::ParsedTrace parse(const std::string& org) {
  std::istringstream in("# org " + org +
                        "\n# timing nRCD=19 nRP=19 nRAS=45 nRC=63 nRTPL=8 nCCDAB=6 nRRDS=2 nRRDL=4 nFAW=39 nBL=2\n"
                        "# timing-extra nCCDS=2 nCCDL=4 nROW=2\n"
                        "# refresh enabled=1 nRFC=456 nREFI=5070 postpone=8 before=0\n"
                        "0 ACTAB - - - - 0 - -\n19 MACAB - - - - - 0 3\n");
  return pim::parse_trace(in);
}

TEST(TraceParser, RefusesOrganisationsBeyondTheMacabMask) {
  for (const std::string& org : {"pch=70 rank=1 bg=2 bank=4", "pch=4 rank=4 bg=8 bank=4", "pch=0 rank=1 bg=2 bank=4",
                                "pch=1 rank=1 bg=2 bank=0", "pch=1 rank=1 bg=2 bank=65",
                                "pch=4294967295 rank=4294967295 bg=2 bank=4"}) {
    SCOPED_TRACE(org);
    try {
      parse(org);
      ADD_FAILURE() << "accepted";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find("trace line 1: organisation"), std::string::npos) << e.what();
    }
  }
  // The largest organisations it can express are accepted and checked.
  for (const std::string& org : {"pch=2 rank=2 bg=16 bank=64", "pch=1 rank=1 bg=64 bank=1"}) {
    SCOPED_TRACE(org);
    EXPECT_TRUE(pim::check_trace(parse(org)).empty());
  }
}

}  // namespace
