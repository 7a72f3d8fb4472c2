#include "host/npy.hpp"

#include <bit>
#include <cctype>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <stdexcept>

#include <fmt/core.h>

static_assert(std::endian::native == std::endian::little, "npy.cpp assumes a little-endian host");

namespace starc {
namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr std::size_t kMagicLen = 6;

[[noreturn]] void fail(const std::string& what, const std::string& problem) {
  throw std::runtime_error(fmt::format("{}: {}", what, problem));
}

// A tiny parser for the Python dict literal NumPy writes as the header.
class HeaderParser {
 public:
  HeaderParser(const std::string& text, const std::string& what) : s_(text), what_(what) {}

  void parse(NpyDtype& dtype, std::vector<std::size_t>& shape) {
    bool have_descr = false, have_order = false, have_shape = false;
    skip_ws();
    expect('{');
    skip_ws();
    while (peek() != '}') {
      const std::string key = parse_string();
      skip_ws();
      expect(':');
      skip_ws();
      if (key == "descr") {
        if (have_descr) bad("duplicate key 'descr'");
        have_descr = true;
        const std::string d = parse_string();
        if (d == "<f2") {
          dtype = NpyDtype::f2;
        } else if (d == "<f4") {
          dtype = NpyDtype::f4;
        } else if (d == "<u2") {
          dtype = NpyDtype::u2;
        } else {
          fail(what_, fmt::format("unsupported dtype '{}' (expected '<f2' float16, '<f4' float32 "
                                  "or '<u2' bfloat16 bits)",
                                  d));
        }
      } else if (key == "fortran_order") {
        if (have_order) bad("duplicate key 'fortran_order'");
        have_order = true;
        if (parse_word() != "False") {
          fail(what_, "fortran_order is not False (only C-order arrays are supported; save "
                      "np.ascontiguousarray(a))");
        }
      } else if (key == "shape") {
        if (have_shape) bad("duplicate key 'shape'");
        have_shape = true;
        shape = parse_tuple();
      } else {
        bad(fmt::format("unexpected key '{}'", key));
      }
      skip_ws();
      if (peek() == ',') {
        ++pos_;
        skip_ws();
      } else if (peek() != '}') {
        bad("expected ',' or '}'");
      }
    }
    ++pos_;  // '}'
    skip_ws();
    if (pos_ != s_.size()) bad("trailing characters after the dictionary");
    if (!have_descr || !have_order || !have_shape) {
      bad("missing key (need 'descr', 'fortran_order' and 'shape')");
    }
  }

 private:
  [[noreturn]] void bad(const std::string& problem) {
    fail(what_, fmt::format("bad .npy header: {} at offset {}", problem, pos_));
  }
  char peek() {
    if (pos_ >= s_.size()) bad("unexpected end");
    return s_[pos_];
  }
  void expect(char c) {
    if (peek() != c) bad(fmt::format("expected '{}'", c));
    ++pos_;
  }
  void skip_ws() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\n' || s_[pos_] == '\t' ||
                                s_[pos_] == '\r')) {
      ++pos_;
    }
  }
  std::string parse_string() {
    const char q = peek();
    if (q != '\'' && q != '"') bad("expected a quoted string");
    ++pos_;
    std::string out;
    while (peek() != q) {
      if (s_[pos_] == '\\') bad("escape sequences are not supported");
      out += s_[pos_++];
    }
    ++pos_;
    return out;
  }
  std::string parse_word() {
    std::string out;
    while (pos_ < s_.size() && std::isalpha(static_cast<unsigned char>(s_[pos_]))) {
      out += s_[pos_++];
    }
    if (out.empty()) bad("expected True or False");
    return out;
  }
  std::vector<std::size_t> parse_tuple() {
    std::vector<std::size_t> dims;
    expect('(');
    skip_ws();
    while (peek() != ')') {
      if (!std::isdigit(static_cast<unsigned char>(peek()))) bad("expected a dimension");
      std::size_t v = 0;
      while (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) {
        const std::size_t digit = static_cast<std::size_t>(s_[pos_++] - '0');
        if (v > (std::numeric_limits<std::size_t>::max() - digit) / 10) bad("dimension overflows");
        v = v * 10 + digit;
      }
      if (pos_ < s_.size() && (s_[pos_] == 'L' || s_[pos_] == 'l')) ++pos_;  // Python 2 long
      dims.push_back(v);
      skip_ws();
      if (peek() == ',') {
        ++pos_;
        skip_ws();
      } else if (peek() != ')') {
        bad("expected ',' or ')' in shape");
      }
    }
    ++pos_;
    return dims;
  }

  const std::string& s_;
  const std::string& what_;
  std::size_t pos_ = 0;
};

}  // namespace

const char* npy_descr(NpyDtype dtype) {
  switch (dtype) {
    case NpyDtype::f2: return "<f2";
    case NpyDtype::f4: return "<f4";
    case NpyDtype::u2: return "<u2";
  }
  return "?";
}

std::size_t npy_item_size(NpyDtype dtype) { return dtype == NpyDtype::f4 ? 4 : 2; }

std::size_t NpyArray::element_count() const {
  std::size_t n = 1;
  for (std::size_t d : shape) n *= d;
  return n;
}

std::uint16_t NpyArray::u16(std::size_t i) const {
  std::uint16_t v;
  std::memcpy(&v, data.data() + 2 * i, 2);
  return v;
}

float NpyArray::f32(std::size_t i) const {
  float v;
  std::memcpy(&v, data.data() + 4 * i, 4);
  return v;
}

void parse_npy_header(const std::string& header, const std::string& what, NpyDtype& dtype,
                      std::vector<std::size_t>& shape) {
  HeaderParser(header, what).parse(dtype, shape);
}

NpyArray read_npy(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::exists(path, ec) && !std::filesystem::is_regular_file(path, ec))
    fail(path, "not a regular file (a directory or device)");
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, "cannot open file (missing or unreadable)");
  std::vector<std::uint8_t> bytes;
  try {
    bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  } catch (const std::exception& e) {
    fail(path, std::string("read error: ") + e.what());
  }
  if (in.bad()) fail(path, "read error");
  if (bytes.size() < kMagicLen + 2 || std::memcmp(bytes.data(), kMagic, kMagicLen) != 0) {
    fail(path, "not a .npy file (bad magic; expected \\x93NUMPY)");
  }
  const unsigned major = bytes[6];
  const unsigned minor = bytes[7];
  std::size_t header_len = 0;
  std::size_t prefix = 0;
  if (major == 1 && minor == 0) {
    if (bytes.size() < 10) fail(path, "truncated .npy header");
    header_len = bytes[8] | (static_cast<std::size_t>(bytes[9]) << 8);
    prefix = 10;
  } else if ((major == 2 || major == 3) && minor == 0) {
    if (bytes.size() < 12) fail(path, "truncated .npy header");
    header_len = bytes[8] | (static_cast<std::size_t>(bytes[9]) << 8) |
                 (static_cast<std::size_t>(bytes[10]) << 16) |
                 (static_cast<std::size_t>(bytes[11]) << 24);
    prefix = 12;
  } else {
    fail(path, fmt::format("unsupported .npy format version {}.{} (1.0, 2.0, 3.0 are)", major,
                           minor));
  }
  if (bytes.size() - prefix < header_len) {
    fail(path, fmt::format("truncated .npy header ({} header bytes declared, {} present)",
                           header_len, bytes.size() - prefix));
  }
  const std::string header(reinterpret_cast<const char*>(bytes.data() + prefix), header_len);
  NpyArray a;
  parse_npy_header(header, path, a.dtype, a.shape);

  const std::size_t offset = prefix + header_len;
  const std::size_t available = bytes.size() - offset;
  const std::size_t item = npy_item_size(a.dtype);
  // Element count with overflow protection: anything beyond the file size is truncated.
  std::size_t need = item;
  bool overflow = false;
  for (std::size_t d : a.shape) {
    if (d != 0 && need > std::numeric_limits<std::size_t>::max() / d) overflow = true;
    need = overflow ? need : need * d;
  }
  std::string shape_text;
  for (std::size_t i = 0; i < a.shape.size(); ++i) {
    shape_text += fmt::format("{}{}", i ? ", " : "", a.shape[i]);
  }
  if (overflow || need > available) {
    fail(path, fmt::format("truncated data: shape ({}) of {} needs {} bytes, file has {}",
                           shape_text, npy_descr(a.dtype),
                           overflow ? std::string("more than 2^64") : std::to_string(need),
                           available));
  }
  if (need < available) {
    fail(path, fmt::format("{} trailing bytes after the data of shape ({})", available - need,
                           shape_text));
  }
  a.data.assign(bytes.begin() + static_cast<std::ptrdiff_t>(offset), bytes.end());
  return a;
}

void write_npy(const std::string& path, NpyDtype dtype, const std::vector<std::size_t>& shape,
               std::span<const std::uint8_t> data) {
  std::size_t n = 1;
  for (std::size_t d : shape) n *= d;
  if (data.size() != n * npy_item_size(dtype)) {
    throw std::invalid_argument(fmt::format("{}: write_npy: {} data bytes for {} elements", path,
                                            data.size(), n));
  }
  std::string shape_text;  // Python tuple syntax: "()", "(3,)", "(3, 4)"
  for (std::size_t i = 0; i < shape.size(); ++i) {
    shape_text += fmt::format("{}{}", i ? ", " : "", shape[i]);
  }
  if (shape.size() == 1) shape_text += ',';
  std::string header = fmt::format("{{'descr': '{}', 'fortran_order': False, 'shape': ({}), }}",
                                   npy_descr(dtype), shape_text);
  const std::size_t total = kMagicLen + 4 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  std::ofstream out(path, std::ios::binary);
  if (!out) throw std::runtime_error(fmt::format("{}: cannot create file", path));
  out.write(kMagic, kMagicLen);
  const char version[2] = {1, 0};
  out.write(version, 2);
  const char len[2] = {static_cast<char>(header.size() & 0xFF),
                       static_cast<char>((header.size() >> 8) & 0xFF)};
  out.write(len, 2);
  out.write(header.data(), static_cast<std::streamsize>(header.size()));
  out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
  if (!out) throw std::runtime_error(fmt::format("{}: write failed", path));
}

void write_npy_f32(const std::string& path, const std::vector<std::size_t>& shape,
                   std::span<const float> data) {
  write_npy(path, NpyDtype::f4, shape,
            {reinterpret_cast<const std::uint8_t*>(data.data()), data.size() * 4});
}

void write_npy_u16(const std::string& path, NpyDtype dtype, const std::vector<std::size_t>& shape,
                   std::span<const std::uint16_t> data) {
  write_npy(path, dtype, shape,
            {reinterpret_cast<const std::uint8_t*>(data.data()), data.size() * 2});
}

}  // namespace starc
