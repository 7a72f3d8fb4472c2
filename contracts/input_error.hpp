// An error in a value a user gave (docs/design.md section 10). Library code names the input as
// it knows it (a parameter such as "context" or "topics", or a file) and never a command-line
// flag; the command line (cli/input_flags.hpp) puts the flag in its place.
#pragma once

#include <stdexcept>
#include <string>
#include <utility>

namespace starc {

class InputError : public std::invalid_argument {
 public:
  InputError(std::string input, std::string detail)
      : std::invalid_argument(input + ": " + detail), input_(std::move(input)), detail_(std::move(detail)) {}
  const std::string& input() const { return input_; }
  const std::string& detail() const { return detail_; }

 private:
  std::string input_, detail_;
};

}  // namespace starc
