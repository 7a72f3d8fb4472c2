// Strict reader and writer of NumPy .npy files (format versions 1.0, 2.0 and 3.0).
//
// Only what KV traces need is accepted: little-endian '<f2' (float16), '<f4' (float32) and
// '<u2' (uint16, bfloat16 bit patterns), C order. Everything else (big-endian or other dtypes,
// fortran_order True, a malformed header, a truncated file or trailing bytes) throws
// std::runtime_error with a message that starts with the file name and names the problem.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace starc {

enum class NpyDtype : std::uint8_t { f2, f4, u2 };

// The dtype string as written in the header ("<f2", "<f4", "<u2").
const char* npy_descr(NpyDtype dtype);
std::size_t npy_item_size(NpyDtype dtype);

struct NpyArray {
  NpyDtype dtype = NpyDtype::f4;
  std::vector<std::size_t> shape;  // C order; rank 0 is a scalar
  std::vector<std::uint8_t> data;  // raw little-endian elements, element_count() * item size

  std::size_t element_count() const;
  // Element i as 16-bit pattern (f2, u2) or float (f4); the caller checks the dtype.
  std::uint16_t u16(std::size_t i) const;
  float f32(std::size_t i) const;
};

// Reads `path`; throws std::runtime_error("<path>: <problem>") on any deviation.
NpyArray read_npy(const std::string& path);

// Parses the header dictionary text (between the length field and the data). Exposed for
// tests; `what` prefixes error messages.
void parse_npy_header(const std::string& header, const std::string& what, NpyDtype& dtype,
                      std::vector<std::size_t>& shape);

// Writes a version 1.0 file (header padded to a multiple of 64 bytes, as NumPy does).
// `data` holds element_count(shape) * npy_item_size(dtype) little-endian bytes.
void write_npy(const std::string& path, NpyDtype dtype, const std::vector<std::size_t>& shape,
               std::span<const std::uint8_t> data);
void write_npy_f32(const std::string& path, const std::vector<std::size_t>& shape,
                   std::span<const float> data);
void write_npy_u16(const std::string& path, NpyDtype dtype, const std::vector<std::size_t>& shape,
                   std::span<const std::uint16_t> data);

}  // namespace starc
