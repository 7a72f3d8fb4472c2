// MAC vector files (host/mac_vectors): parsing, error messages for bad files, output format;
// and `starcsim vectors` end to end (exit status, stdout, stderr) on good and bad files.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include <fmt/core.h>

#include "host/mac_model.hpp"
#include "mac_op_gen.hpp"
#include "host/mac_vectors.hpp"
#include "starcsim_process.hpp"

namespace {

using pim::Fmt;
using pim::MacMode;
using pim::MacOp;

// The input line of an operation, in the file format.
std::string vector_line(const MacOp& op) {
  std::string s = op.mode == MacMode::dot ? "dot " : "axpy ";
  s += pim::fmt_name(op.fmt);
  if (op.mode == MacMode::dot) {
    s += fmt::format(" {:08x}", op.acc[0]);
    for (int i = 0; i < 16; ++i) s += fmt::format(" {:04x}", op.a[i]);
    for (int i = 0; i < 16; ++i) s += fmt::format(" {:04x}", op.b[i]);
  } else {
    s += fmt::format(" {:04x}", op.p);
    for (int i = 0; i < 16; ++i) s += fmt::format(" {:08x}", op.acc[i]);
    for (int i = 0; i < 16; ++i) s += fmt::format(" {:04x}", op.a[i]);
  }
  return s;
}

std::string dot_ones_line(std::string_view fmt_text = "fp16") {
  // 0 + 16 x (1 x 1) = 16 -> 41800000.
  std::string s = fmt::format("dot {} 0", fmt_text);
  for (int i = 0; i < 32; ++i) s += " 3c00";
  return s;
}

std::string parse_error(const std::string& text) {
  std::istringstream in(text);
  try {
    pim::parse_mac_vectors(in, "v.txt");
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(MacVectors, ParsesBothOperationsWithAndWithoutPrefix) {
  MacOp axpy;
  axpy.mode = MacMode::axpy;
  axpy.fmt = Fmt::bf16;
  axpy.p = 0xBF80;
  for (int i = 0; i < 16; ++i) axpy.acc[i] = 0x3F800000u + i, axpy.a[i] = static_cast<std::uint16_t>(0x4000 + i);
  std::string ax_line = vector_line(axpy);
  ax_line.replace(ax_line.find(" bf80"), 5, " 0xBF80");  // upper case with 0x prefix
  // A dot line whose every field differs (A_i = 0x3c00 + i, B_i = 0x4000 + 2i, ACC 0x12345678), so
  // that a parser that swaps A and B or shifts a field fails (the all-3c00 line cannot show it).
  MacOp dot;
  dot.mode = MacMode::dot;
  dot.fmt = Fmt::fp16;
  dot.acc[0] = 0x12345678u;
  for (int i = 0; i < 16; ++i)
    dot.a[i] = static_cast<std::uint16_t>(0x3C00 + i), dot.b[i] = static_cast<std::uint16_t>(0x4000 + 2 * i);
  std::istringstream in("# comment\n\n" + vector_line(dot) + "\n   \t\n" + ax_line + "\r\n" + dot_ones_line() + "\n");
  auto v = pim::parse_mac_vectors(in, "v.txt");
  ASSERT_EQ(v.size(), 3u);
  EXPECT_EQ(v[0].line, 3u);
  EXPECT_EQ(v[0].op.mode, MacMode::dot);
  EXPECT_EQ(v[0].op.fmt, Fmt::fp16);
  EXPECT_EQ(v[0].op.acc[0], 0x12345678u);
  EXPECT_EQ(v[0].op.a, dot.a);
  EXPECT_EQ(v[0].op.b, dot.b);
  v[0].op.acc[0] = 0;  // the golden result below is of the all-ones line
  EXPECT_EQ(v[1].line, 5u);
  EXPECT_EQ(v[1].op.mode, MacMode::axpy);
  EXPECT_EQ(v[1].op.p, 0xBF80);
  EXPECT_EQ(v[1].op.acc, axpy.acc);
  EXPECT_EQ(v[1].op.a, axpy.a);
  EXPECT_EQ(v[2].line, 6u);
  EXPECT_EQ(pim::format_mac_result(v[2].op, pim::golden_mac(v[2].op, 16)), "41800000");
  const std::string ax_out = pim::format_mac_result(v[1].op, pim::golden_mac(v[1].op, 16));
  EXPECT_EQ(ax_out.size(), 16u * 9 - 1);
  EXPECT_EQ(ax_out.substr(0, 9), "bf800000 ");  // 1 + (-1 x 2) = -1
}

TEST(MacVectors, RoundTripsRandomOperations) {
  const std::uint64_t seed = pim::test::test_seed(0x7EC7);
  std::printf("seed %llu (STARC_SEED overrides)\n", static_cast<unsigned long long>(seed));
  pim::test::MacOpGen gen(seed);
  const auto ops = gen.stream(500);
  std::string text;
  for (const MacOp& op : ops) text += vector_line(op) + "\n";
  std::istringstream in(text);
  const auto v = pim::parse_mac_vectors(in, "v.txt");
  ASSERT_EQ(v.size(), ops.size());
  // The parsed fields themselves (not golden results of them, which could agree for swapped
  // operands: a x b = b x a), every field the operation's line carries.
  for (std::size_t k = 0; k < ops.size(); ++k) {
    SCOPED_TRACE(testing::Message() << "line " << k + 1);
    const MacOp& want = ops[k];
    const MacOp& got = v[k].op;
    EXPECT_EQ(got.mode, want.mode);
    EXPECT_EQ(got.fmt, want.fmt);
    EXPECT_EQ(got.a, want.a);
    if (want.mode == MacMode::dot) {
      EXPECT_EQ(got.acc[0], want.acc[0]);
      EXPECT_EQ(got.b, want.b);
    } else {
      EXPECT_EQ(got.p, want.p);
      EXPECT_EQ(got.acc, want.acc);
    }
  }
}

TEST(MacVectors, BadLinesNameTheLineAndTheProblem) {
  const std::string good = dot_ones_line();
  EXPECT_EQ(parse_error(good + "\n" + good + " 3c00\n"),
            "v.txt:2: dot line needs 35 fields (dot FMT ACC A0..A15 B0..B15), got 36");
  EXPECT_EQ(parse_error("axpy fp16 3c00 0\n"),
            "v.txt:1: axpy line needs 35 fields (axpy FMT P ACC0..ACC15 X0..X15), got 4");
  std::string bad_hex = good;
  bad_hex.replace(bad_hex.rfind("3c00"), 4, "3g00");
  EXPECT_EQ(parse_error("\n" + bad_hex), "v.txt:2: B15 '3g00' is not hexadecimal");
  EXPECT_EQ(parse_error(dot_ones_line("fp32")),
            "v.txt:1: unknown format 'fp32' (expected fp16 or bf16)");
  EXPECT_EQ(parse_error("mul fp16 0\n"), "v.txt:1: unknown operation 'mul' (expected dot or axpy)");
  std::string wide16 = good;
  wide16.replace(wide16.find(" 3c00"), 5, " 13c00");
  EXPECT_EQ(parse_error(wide16), "v.txt:1: A0 '13c00' does not fit in 16 bits");
  std::string wide32 = good;
  wide32.replace(wide32.find(" 0 "), 3, " 0x100000000 ");
  EXPECT_EQ(parse_error(wide32), "v.txt:1: ACC '0x100000000' does not fit in 32 bits");
  std::string huge = good;
  huge.replace(huge.find(" 0 "), 3, " 123456789abcdef0123 ");
  EXPECT_EQ(parse_error(huge), "v.txt:1: ACC '123456789abcdef0123' does not fit in 32 bits");
  std::string neg = good;
  neg.replace(neg.find(" 0 "), 3, " -1 ");
  EXPECT_EQ(parse_error(neg), "v.txt:1: ACC '-1' is not hexadecimal");
  std::string bare_prefix = good;
  bare_prefix.replace(bare_prefix.find(" 0 "), 3, " 0x ");
  EXPECT_EQ(parse_error(bare_prefix), "v.txt:1: ACC '0x' is not hexadecimal");
  EXPECT_THROW(pim::read_mac_vectors("/nonexistent/vectors.txt"), std::runtime_error);
}

// ---- starcsim vectors, end to end ----------------------------------------------------------

using starc::test::run_starcsim;
using starc::test::RunResult;
using starc::test::write_file;

TEST(StarcsimVectors, PrintsOneLinePerVectorAndMatchesGolden) {
  pim::test::MacOpGen gen(0x5151);
  const auto ops = gen.stream(300);
  std::string text = "# generated\n";
  std::string want;
  for (const MacOp& op : ops) {
    text += vector_line(op) + "\n";
    want += pim::format_mac_result(op, pim::golden_mac(op, 16)) + "\n";
  }
  const std::string path = write_file("vectors_good.txt", text);
  const RunResult r = run_starcsim("vectors '" + path + "'");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, want);
  EXPECT_EQ(r.err, "");
}

TEST(StarcsimVectors, BadFileFailsWithOneLineAndNoOutput) {
  const std::string good = dot_ones_line();
  const std::array<std::pair<std::string, std::string>, 4> cases{{
      {good + "\n" + good + " 1\n", ":2: dot line needs 35 fields"},
      {good + "\nzzz\n", ":2: unknown operation 'zzz'"},
      {good + "\n" + dot_ones_line("bf8") + "\n", ":2: unknown format 'bf8'"},
      {good + "\n" + good.substr(0, good.size() - 4) + "1ffff\n", ":2: B15 '1ffff' does not fit in 16 bits"},
  }};
  for (const auto& [text, expect] : cases) {
    const std::string path = write_file("vectors_bad.txt", text);
    const RunResult r = run_starcsim("vectors '" + path + "'");
    EXPECT_NE(r.status, 0);
    EXPECT_EQ(r.out, "") << "nothing may be printed for a bad file";
    EXPECT_NE(r.err.find(expect), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
  const RunResult missing = run_starcsim("vectors /nonexistent/v.txt");
  EXPECT_NE(missing.status, 0);
  EXPECT_NE(missing.err.find("/nonexistent/v.txt"), std::string::npos) << missing.err;
}

}  // namespace
