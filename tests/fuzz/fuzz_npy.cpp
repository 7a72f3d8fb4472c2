// libFuzzer target (issue 15, `make fuzz`): the .npy reader (host/npy.hpp) on arbitrary bytes.
// read_npy takes a path, so each input is written to a per-process file under /dev/shm (or
// TMPDIR) first. Contract (DESIGN.md section 10): a bad file is a std::exception with a message,
// never a crash, a hang or a leak; an accepted array holds exactly shape-product elements.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

#include "host/npy.hpp"

namespace {

std::string input_path() {
  const char* dir = std::getenv("TMPDIR");
  std::string d = dir != nullptr ? dir : "/dev/shm";
  if (access(d.c_str(), W_OK) != 0) d = "/tmp";
  return d + "/starc_fuzz_npy_" + std::to_string(getpid()) + ".npy";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string path = input_path();
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) std::abort();
  if (size != 0 && std::fwrite(data, 1, size, f) != size) std::abort();
  std::fclose(f);
  try {
    const starc::NpyArray a = starc::read_npy(path);
    if (a.data.size() != a.element_count() * starc::npy_item_size(a.dtype)) std::abort();
    for (std::size_t i = 0; i < a.element_count() && i < 64; ++i) {
      if (a.dtype == starc::NpyDtype::f4) {
        volatile float x = a.f32(i);
        (void)x;
      } else {
        volatile std::uint16_t x = a.u16(i);
        (void)x;
      }
    }
  } catch (const std::exception&) {
  }
  return 0;
}
