// The one STARC_SEED reader (tests/test_seed.hpp): base 0 (decimal, 0x hex), and bad input
// rejected loudly. Catches the former defect of some tests reading base 10 (a hex seed
// `0x1F` silently became 0) and of a trailing junk being ignored (`12x` became 12).
#include <gtest/gtest.h>

#include <stdexcept>

#include "test_seed.hpp"

TEST(TestSeed, DecimalAndHexAreRead) {
  EXPECT_EQ(starc::test::parse_seed("12345"), 12345u);
  EXPECT_EQ(starc::test::parse_seed("0x1F"), 31u);
  EXPECT_EQ(starc::test::parse_seed("0XdeadBEEF"), 0xDEADBEEFu);
  EXPECT_EQ(starc::test::parse_seed("0"), 0u);
  EXPECT_EQ(starc::test::parse_seed("18446744073709551615"), 18446744073709551615ull);
}

TEST(TestSeed, BadInputIsRejected) {
  for (const char* bad : {"", "abc", "12x", "-1", " 7", "0x", "18446744073709551616", "1.5"}) {
    SCOPED_TRACE(bad);
    EXPECT_THROW(starc::test::parse_seed(bad), std::invalid_argument);
  }
  EXPECT_THROW(starc::test::parse_seed(nullptr), std::invalid_argument);
}
