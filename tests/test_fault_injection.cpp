// Fault injection (issue 15, sim/fault_plan.hpp): every checker is seen failing on the fault it
// guards. Each `--inject` kind makes a small run fail with one error line that names the check
// that caught the fault and where it first saw it.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "starcsim_process.hpp"

namespace starc::test {
namespace {

struct Caught {
  std::string args;
  std::string injected;  // what the verdict says was injected
  std::string check;     // the check that must have caught it
  std::string where;     // its first place
};

void expect_caught(const Caught& c) {
  SCOPED_TRACE(c.args);
  const auto r = run_starcsim(c.args);
  EXPECT_NE(r.status, 0);
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_NE(r.err.find(c.injected), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("caught by the"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(c.check), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(c.where), std::string::npos) << r.err;
}

const std::string kDense = "dense --small --tokens 256 --inject ";
// STARC on the small channel with a budget below the context (the centroid-match unit runs).
const std::string kStarc = "run --channel small --context 1024 --steps 1 --budget 128 --policies starc --inject ";

TEST(FaultInjection, DramBitIsCaughtByTheScoreboard) {
  expect_caught({kDense + "dram-bit", "flipped bit 9 of lane 0 of bank", "scoreboard", "word"});
  expect_caught({kDense + "dram-bit:40", "(column read 40)", "scoreboard", "word"});
}

TEST(FaultInjection, RtlResultIsCaughtByTheScoreboard) {
  expect_caught({kDense + "rtl-result:3", "word 0 of MVSB result 3", "scoreboard", "word 0: RTL"});
  expect_caught({kStarc + "rtl-result", "word 0 of MVSB result 1", "scoreboard", "starc step 0: result at cycle"});
}

TEST(FaultInjection, DroppedCommandIsCaught) {
  // The first command, the ACTAB: the RTL timing checker sees MACABs to closed banks, and the
  // results differ.
  expect_caught({kDense + "drop-cmd", "dropped ACTAB at cycle 2535", "RTL timing checker", "mac-closed"});
  expect_caught({kDense + "drop-cmd", "dropped ACTAB at cycle 2535", "scoreboard", "word 0"});
  // The first WRGB of the query: the RTL computes with a stale query buffer.
  expect_caught({kDense + "drop-cmd:2", "dropped WRGB", "scoreboard", "word 0"});
}

TEST(FaultInjection, EarlyCommandIsCaughtByTheRtlTimingChecker) {
  // dense --small (the step starts mid refresh interval, cycle 2535 = nREFI / 2): ACTAB at 2535,
  // the query's WRGBs from 2537 (nROW, then nBL apart), the first
  // MACAB exactly nRCD = 19 after the ACTAB, the next nCCDAB after it.
  expect_caught({kDense + "early-cmd", "WRGB scheduled at cycle 2537 sent to the RTL at cycle 2536", "RTL timing checker",
                 "first at cycle 2536: cmd-bus"});
  expect_caught({kDense + "early-cmd:9", "MACAB scheduled at cycle 2554", "RTL timing checker",
                 "first at cycle 2553: nRCD"});
  expect_caught({kDense + "early-cmd:10", "MACAB scheduled at cycle 2560", "RTL timing checker",
                 "first at cycle 2559: nCCDAB"});
}

TEST(FaultInjection, CentroidMatchSelectionIsCaughtByTheComparison) {
  expect_caught({kStarc + "cmatch", "first pick of centroid-match pass 1", "centroid-match comparison",
                 "first at pick 1"});
}

TEST(FaultInjection, BadOrUnreachedPlanIsOneLineError) {
  for (const std::string& args : {kDense + "bitflip", kDense + "dram-bit:0", kDense + "dram-bit:x", kDense + "cmatch"}) {
    SCOPED_TRACE(args);
    const auto r = run_starcsim(args);
    EXPECT_NE(r.status, 0);
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_NE(r.err.find("--inject"), std::string::npos) << r.err;
  }
  // An occurrence beyond the run injects nothing, and says so (and still fails).
  const auto r = run_starcsim(kDense + "rtl-result:100000");
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.err.find("nothing was injected"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace starc::test
