// The command-line flag of each input the library names in an InputError
// (contracts/input_error.hpp): the one place that maps library parameters to flags.
#pragma once

#include <string>

#include "contracts/input_error.hpp"

namespace starc::cli {

// The flag of a library input ("topics" -> "--syn-topics"); an unknown input is returned as is.
std::string flag_for(const std::string& input);
// "FLAG: detail", the message a user sees.
std::string flag_message(const InputError& e);

}  // namespace starc::cli
