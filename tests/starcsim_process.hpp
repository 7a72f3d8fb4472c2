// Runs the built starcsim binary (STARCSIM_PATH, set by tests/CMakeLists.txt) as a process and
// captures its exit status, stdout and stderr. Every file it writes carries the running test's
// name: ctest runs the tests of one binary as parallel processes that share TempDir().
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>

#include <fmt/core.h>

namespace starc::test {

inline std::string test_file(const std::string& name) {
  return ::testing::TempDir() + ::testing::UnitTest::GetInstance()->current_test_info()->name() +
         "_" + name;
}

inline std::string slurp(const std::string& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

struct RunResult {
  int status = -1;
  std::string out, err;
};

inline RunResult run_starcsim(const std::string& args) {
  const std::string out = test_file("stdout.txt"), err = test_file("stderr.txt");
  const std::string cmd = fmt::format("'{}' {} >'{}' 2>'{}'", STARCSIM_PATH, args, out, err);
  RunResult r;
  r.status = std::system(cmd.c_str());
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

inline std::string write_file(const std::string& name, const std::string& text) {
  const std::string path = test_file(name);
  std::ofstream(path) << text;
  return path;
}

}  // namespace starc::test
