#include "host/kv_trace.hpp"

#include <cmath>
#include <filesystem>
#include <sstream>
#include <stdexcept>

#include <fmt/core.h>

#include "contracts/input_error.hpp"
#include "host/npy.hpp"

namespace starc {
namespace {

std::string shape_str(const std::vector<std::size_t>& shape) {
  std::string s = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) s += fmt::format("{}{}", i ? ", " : "", shape[i]);
  return s + ")";
}

std::string index_str(std::size_t flat, const std::vector<std::size_t>& shape) {
  std::vector<std::size_t> idx(shape.size());
  for (std::size_t i = shape.size(); i-- > 0;) {
    idx[i] = flat % shape[i];
    flat /= shape[i];
  }
  std::string s = shape_str(idx);
  s.front() = '[';
  s.back() = ']';
  return s;
}

// Converts one array to values exactly representable in `fmt`, validating every element.
std::vector<float> convert(const NpyArray& a, const std::string& name, const std::string& kv_dtype,
                           pim::Fmt fmt) {
  if (a.dtype == NpyDtype::u2 && fmt != pim::Fmt::bf16) {
    throw std::runtime_error(fmt::format(
        "{}: uint16 data is read as bfloat16 bit patterns only with --kv-dtype bf16 (got "
        "--kv-dtype {})",
        name, kv_dtype));
  }
  if (a.dtype == NpyDtype::f2 && fmt == pim::Fmt::bf16) {
    throw std::runtime_error(fmt::format(
        "{}: float16 data with --kv-dtype bf16 would be re-rounded to bfloat16; use --kv-dtype "
        "fp16 (or auto), or store bfloat16 bits as uint16",
        name));
  }
  const std::size_t n = a.element_count();
  std::vector<float> out(n);
  for (std::size_t i = 0; i < n; ++i) {
    float x;
    if (a.dtype == NpyDtype::f4) {
      const float raw = a.f32(i);
      if (!std::isfinite(raw)) {
        throw std::runtime_error(fmt::format("{}: {} at {} (KV data must be finite)", name,
                                             std::isnan(raw) ? "NaN" : "Inf",
                                             index_str(i, a.shape)));
      }
      x = pim::decode_input(pim::encode_input(raw, fmt), fmt);
      if (!std::isfinite(x)) {
        throw std::runtime_error(fmt::format(
            "{}: value {} at {} overflows {} when rounded{}", name, raw, index_str(i, a.shape),
            pim::fmt_name(fmt), fmt == pim::Fmt::fp16 ? " (max 65504); try --kv-dtype bf16" : ""));
      }
    } else {
      x = pim::decode_input(a.u16(i), a.dtype == NpyDtype::u2 ? pim::Fmt::bf16 : pim::Fmt::fp16);
      if (!std::isfinite(x)) {
        throw std::runtime_error(fmt::format("{}: {} at {} (KV data must be finite)", name,
                                             std::isnan(x) ? "NaN" : "Inf",
                                             index_str(i, a.shape)));
      }
    }
    out[i] = x;
  }
  return out;
}

}  // namespace

pim::Fmt fmt_of_dtype(const std::string& kv_dtype) {
  if (kv_dtype == "auto" || kv_dtype == "fp16") return pim::Fmt::fp16;
  if (kv_dtype == "bf16") return pim::Fmt::bf16;
  throw InputError("kv_dtype", fmt::format("unknown value '{}' (expected auto, fp16 or bf16)", kv_dtype));
}

KvSource load_kv_trace(const std::string& dir, const std::string& kv_dtype, int heads, int steps,
                       int context, int head_dim) {
  namespace fs = std::filesystem;
  const pim::Fmt fmt = fmt_of_dtype(kv_dtype);
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    throw InputError("kv", fmt::format("{}: not a directory", dir));
  }
  const char* names[3] = {"k.npy", "v.npy", "q.npy"};
  NpyArray arr[3];
  std::string path[3];
  for (int i = 0; i < 3; ++i) {
    path[i] = (fs::path(dir) / names[i]).string();
    if (!fs::exists(path[i], ec)) {
      throw InputError("kv", fmt::format("{}: missing file {} (a trace holds k.npy, v.npy and q.npy)", dir,
                                         names[i]));
    }
    arr[i] = read_npy(path[i]);
  }
  const auto& ks = arr[0].shape;
  const std::size_t rank = ks.size();
  if (rank != 2 && rank != 3) {
    throw std::runtime_error(fmt::format("{}: rank {} shape {}, expected [L, D] or [H, L, D]",
                                         path[0], rank, shape_str(ks)));
  }
  for (int i = 1; i < 3; ++i) {
    if (arr[i].shape.size() != rank) {
      throw std::runtime_error(fmt::format("{}: rank {} shape {}, but k.npy has rank {} {}",
                                           path[i], arr[i].shape.size(),
                                           shape_str(arr[i].shape), rank, shape_str(ks)));
    }
  }
  if (arr[1].shape != ks) {
    throw std::runtime_error(fmt::format("{}: shape {} differs from k.npy {}", path[1],
                                         shape_str(arr[1].shape), shape_str(ks)));
  }
  const auto& qs = arr[2].shape;
  const std::size_t H = rank == 3 ? ks[0] : 1;
  const std::size_t L = ks[rank - 2], D = ks[rank - 1];
  const std::size_t S = qs[rank - 2];
  if (qs[rank - 1] != D) {
    throw std::runtime_error(fmt::format("{}: head dim D = {} differs from k.npy D = {}", path[2],
                                         qs[rank - 1], D));
  }
  if (rank == 3 && qs[0] != H) {
    throw std::runtime_error(fmt::format("{}: {} heads, but k.npy has {}", path[2], qs[0], H));
  }
  if (H == 0) throw std::runtime_error(fmt::format("{}: no heads (H = 0)", path[0]));
  if (D == 0 || D % 64 != 0) {
    throw std::runtime_error(fmt::format(
        "{}: head dim D = {} is not a positive multiple of 64 (4 banks x 16 lanes)", path[0], D));
  }
  if (S == 0) throw std::runtime_error(fmt::format("{}: no queries (S = 0)", path[2]));
  if (S > L) {
    throw std::runtime_error(fmt::format("{}: S = {} queries exceed the L = {} tokens of k.npy",
                                         path[2], S, L));
  }
  if (L - S < 1) {
    throw std::runtime_error(fmt::format(
        "{}: L - S = {} - {} leaves no prefill token (step s attends to the first L - S + s + 1 "
        "tokens; need L - S >= 1)",
        path[2], L, S));
  }
  if (heads < 0 || static_cast<std::size_t>(heads) > H) {
    throw InputError("heads", fmt::format("{} outside [0, {}] for the trace {}", heads, H, dir));
  }
  if (steps < 0 || static_cast<std::size_t>(steps) > S) {
    throw InputError("steps", fmt::format("{} outside [0, {}] (queries in q.npy)", steps, S));
  }
  if (head_dim != 0 && static_cast<std::size_t>(head_dim) != D) {
    throw InputError("head_dim", fmt::format("{} differs from the trace's D = {}", head_dim, D));
  }
  const std::size_t S_use = steps ? static_cast<std::size_t>(steps) : S;
  const std::size_t L_use = L - S + S_use;
  if (context != 0 && static_cast<std::size_t>(context) != L_use) {
    throw InputError("context", fmt::format("{} differs from the trace's L = {} (with {} steps); a trace's "
                                            "context is set by its files and the steps",
                                            context, L_use, S_use));
  }
  const std::vector<float> k = convert(arr[0], path[0], kv_dtype, fmt);
  const std::vector<float> v = convert(arr[1], path[1], kv_dtype, fmt);
  const std::vector<float> q = convert(arr[2], path[2], kv_dtype, fmt);

  KvSource src;
  src.fmt = fmt;
  const std::size_t H_use = heads ? static_cast<std::size_t>(heads) : H;
  src.description = fmt::format("trace {} ({} heads of {}, L={}, S={}, D={}, k.npy {}, fmt={})",
                                dir, H_use, H, L_use, S_use, D, npy_descr(arr[0].dtype),
                                pim::fmt_name(fmt));
  const auto Li = static_cast<Eigen::Index>(L_use), Si = static_cast<Eigen::Index>(S_use),
             Di = static_cast<Eigen::Index>(D);
  for (std::size_t h = 0; h < H_use; ++h) {
    KvHead head;
    head.keys = Eigen::Map<const Matrix>(k.data() + h * L * D, Li, Di);
    head.values = Eigen::Map<const Matrix>(v.data() + h * L * D, Li, Di);
    head.queries = Eigen::Map<const Matrix>(q.data() + h * S * D, Si, Di);
    src.heads.push_back(std::move(head));
  }
  return src;
}

void save_kv_trace(const KvSource& src, const std::string& dir) {
  if (src.heads.empty()) throw std::invalid_argument(fmt::format("{}: no heads to save", dir));
  const auto& h0 = src.heads.front();
  for (const auto& h : src.heads) {
    if (h.keys.rows() != h0.keys.rows() || h.keys.cols() != h0.keys.cols() ||
        h.values.rows() != h0.keys.rows() || h.values.cols() != h0.keys.cols() ||
        h.queries.rows() != h0.queries.rows() || h.queries.cols() != h0.keys.cols()) {
      throw std::invalid_argument(fmt::format("{}: heads of different shapes cannot share one "
                                              "trace", dir));
    }
  }
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw std::runtime_error(fmt::format("{}: cannot create directory: {}", dir, ec.message()));
  const NpyDtype dtype = src.fmt == pim::Fmt::bf16 ? NpyDtype::u2 : NpyDtype::f2;
  const std::size_t H = src.heads.size(), D = static_cast<std::size_t>(h0.keys.cols());
  auto write = [&](const char* name, auto member) {
    const std::size_t rows = static_cast<std::size_t>((h0.*member).rows());
    std::vector<std::uint16_t> bits;
    bits.reserve(H * rows * D);
    for (const auto& h : src.heads) {
      const Matrix& m = h.*member;
      for (Eigen::Index i = 0; i < m.size(); ++i) bits.push_back(pim::encode_input(m.data()[i], src.fmt));
    }
    const std::vector<std::size_t> shape =
        H == 1 ? std::vector<std::size_t>{rows, D} : std::vector<std::size_t>{H, rows, D};
    write_npy_u16((std::filesystem::path(dir) / name).string(), dtype, shape, bits);
  };
  write("k.npy", &KvHead::keys);
  write("v.npy", &KvHead::values);
  write("q.npy", &KvHead::queries);
}

}  // namespace starc
