#include "host/mac_vectors.hpp"

#include <charconv>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <fmt/core.h>

namespace pim {

namespace {

// Parses `text` as hexadecimal bits (optional 0x/0X) that must fit in `bits` bits.
std::uint32_t parse_hex(std::string_view text, int bits, std::string_view field) {
  std::string_view digits = text;
  if (digits.size() > 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) {
    digits.remove_prefix(2);
  }
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value, 16);
  if (digits.empty() || end != digits.data() + digits.size() ||
      (ec != std::errc{} && ec != std::errc::result_out_of_range)) {
    throw std::invalid_argument(fmt::format("{} '{}' is not hexadecimal", field, text));
  }
  if (ec == std::errc::result_out_of_range || value >> bits != 0) {
    throw std::invalid_argument(fmt::format("{} '{}' does not fit in {} bits", field, text, bits));
  }
  return static_cast<std::uint32_t>(value);
}

MacOp parse_line(const std::vector<std::string_view>& f) {
  constexpr std::size_t kFields = 3 + 2 * kVectorLanes;
  MacOp op;
  if (f[0] == "dot") {
    op.mode = MacMode::dot;
  } else if (f[0] == "axpy") {
    op.mode = MacMode::axpy;
  } else {
    throw std::invalid_argument(
        fmt::format("unknown operation '{}' (expected dot or axpy)", f[0]));
  }
  const bool dot = op.mode == MacMode::dot;
  if (f.size() != kFields) {
    throw std::invalid_argument(fmt::format(
        "{} line needs {} fields ({}), got {}", f[0], kFields,
        dot ? "dot FMT ACC A0..A15 B0..B15" : "axpy FMT P ACC0..ACC15 X0..X15", f.size()));
  }
  op.fmt = parse_fmt(f[1]);
  if (dot) {
    op.acc[0] = parse_hex(f[2], 32, "ACC");
    for (int i = 0; i < kVectorLanes; ++i) {
      op.a[i] = static_cast<std::uint16_t>(parse_hex(f[3 + i], 16, fmt::format("A{}", i)));
      op.b[i] = static_cast<std::uint16_t>(
          parse_hex(f[3 + kVectorLanes + i], 16, fmt::format("B{}", i)));
    }
  } else {
    op.p = static_cast<std::uint16_t>(parse_hex(f[2], 16, "P"));
    for (int i = 0; i < kVectorLanes; ++i) {
      op.acc[i] = parse_hex(f[3 + i], 32, fmt::format("ACC{}", i));
      op.a[i] = static_cast<std::uint16_t>(
          parse_hex(f[3 + kVectorLanes + i], 16, fmt::format("X{}", i)));
    }
  }
  return op;
}

}  // namespace

std::vector<MacVector> parse_mac_vectors(std::istream& in, std::string_view source) {
  std::vector<MacVector> out;
  std::string text;
  std::size_t line = 0;
  while (std::getline(in, text)) {
    ++line;
    std::vector<std::string_view> fields;
    std::string_view rest(text);
    while (!rest.empty()) {
      const auto start = rest.find_first_not_of(" \t\r");
      if (start == std::string_view::npos) break;
      rest.remove_prefix(start);
      const auto len = std::min(rest.find_first_of(" \t\r"), rest.size());
      fields.push_back(rest.substr(0, len));
      rest.remove_prefix(len);
    }
    if (fields.empty() || fields[0].front() == '#') continue;
    try {
      out.push_back({line, parse_line(fields)});
    } catch (const std::exception& e) {
      throw std::runtime_error(fmt::format("{}:{}: {}", source, line, e.what()));
    }
  }
  if (in.bad()) throw std::runtime_error(fmt::format("{}: read error", source));
  return out;
}

std::vector<MacVector> read_mac_vectors(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(fmt::format("{}: cannot open vector file", path));
  return parse_mac_vectors(in, path);
}

std::string format_mac_result(const MacOp& op, const MacResult& res) {
  if (op.mode == MacMode::dot) return fmt::format("{:08x}", res[0]);
  std::string s;
  for (int i = 0; i < kVectorLanes; ++i) {
    if (i) s += ' ';
    s += fmt::format("{:08x}", res[i]);
  }
  return s;
}

}  // namespace pim
