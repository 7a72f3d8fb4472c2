// KV sources: the .npy reader, trace loading and validation (docs/design.md section 10), the
// synthetic workload (determinism and each of its properties) and the kv-stats figures.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <unistd.h>

#include "cli/input_flags.hpp"
#include "cli/kv_options.hpp"
#include "host/kv_trace.hpp"
#include "host/kv_stats.hpp"
#include "host/npy.hpp"
#include "host/synthetic_kv.hpp"
#include "test_seed.hpp"

namespace fs = std::filesystem;
using starc::KvOptions;
using starc::KvSource;
using starc::NpyDtype;

namespace {

std::uint64_t test_seed() {
  static const std::uint64_t seed = starc::test::test_seed(12345);
  return seed;
}

// A fresh temporary directory per test, removed at the end.
class TempDir {
 public:
  TempDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = fs::temp_directory_path() /
            (std::string("starc_kv_") + std::to_string(::getpid()) + "_" + info->name());
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  std::string operator/(const std::string& name) const { return (path_ / name).string(); }
  std::string str() const { return path_.string(); }

 private:
  fs::path path_;
};

std::vector<float> random_floats(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> u(-4.0f, 4.0f);
  std::vector<float> v(n);
  for (auto& x : v) x = u(rng);
  return v;
}

std::vector<std::uint16_t> to_bits(const std::vector<float>& v, pim::Fmt fmt) {
  std::vector<std::uint16_t> out;
  for (float x : v) out.push_back(pim::encode_input(x, fmt));
  return out;
}

// Writes k, v ([H,] L, D) and q ([H,] S, D) as float32 (or 16-bit patterns for f2/u2).
struct TraceSpec {
  std::size_t H = 0;  // 0: rank-2 files
  std::size_t L = 8, S = 3, D = 64;
  NpyDtype dtype = NpyDtype::f4;
};

std::vector<std::size_t> shape_of(std::size_t H, std::size_t rows, std::size_t D) {
  return H ? std::vector<std::size_t>{H, rows, D} : std::vector<std::size_t>{rows, D};
}

void write_array(const std::string& path, NpyDtype dtype, const std::vector<std::size_t>& shape,
                 const std::vector<float>& data) {
  if (dtype == NpyDtype::f4) {
    starc::write_npy_f32(path, shape, data);
  } else {
    starc::write_npy_u16(path, dtype, shape,
                         to_bits(data, dtype == NpyDtype::u2 ? pim::Fmt::bf16 : pim::Fmt::fp16));
  }
}

std::vector<std::vector<float>> write_trace(const TempDir& dir, const TraceSpec& t,
                                            std::uint64_t seed) {
  const std::size_t h = t.H ? t.H : 1;
  std::vector<std::vector<float>> data = {random_floats(h * t.L * t.D, seed),
                                          random_floats(h * t.L * t.D, seed + 1),
                                          random_floats(h * t.S * t.D, seed + 2)};
  write_array(dir / "k.npy", t.dtype, shape_of(t.H, t.L, t.D), data[0]);
  write_array(dir / "v.npy", t.dtype, shape_of(t.H, t.L, t.D), data[1]);
  write_array(dir / "q.npy", t.dtype, shape_of(t.H, t.S, t.D), data[2]);
  return data;
}

void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// A raw .npy file with the given version and header text (no padding logic) and data bytes.
std::string raw_npy(int major, const std::string& header, const std::string& data) {
  std::string s = "\x93NUMPY";
  s += static_cast<char>(major);
  s += '\0';
  const std::size_t n = header.size();
  s += static_cast<char>(n & 0xFF);
  s += static_cast<char>((n >> 8) & 0xFF);
  if (major >= 2) {
    s += static_cast<char>((n >> 16) & 0xFF);
    s += static_cast<char>((n >> 24) & 0xFF);
  }
  return s + header + data;
}

std::string f32_bytes(const std::vector<float>& v) {
  return std::string(reinterpret_cast<const char*>(v.data()), v.size() * 4);
}

// Expects `f` to throw an exception whose message contains every one of `parts`.
template <class F>
void expect_error(F&& f, const std::vector<std::string>& parts) {
  try {
    f();
    ADD_FAILURE() << "no exception; expected one mentioning '" << parts.front() << "'";
  } catch (const std::exception& e) {
    const std::string msg = e.what();
    for (const auto& p : parts) {
      EXPECT_NE(msg.find(p), std::string::npos) << "message '" << msg << "' lacks '" << p << "'";
    }
  }
}

KvSource load_dir(const TempDir& dir, const std::string& dtype = "auto") {
  KvOptions o;
  o.kv_dir = dir.str();
  o.kv_dtype = dtype;
  return starc::load_kv(o);
}

}  // namespace

// ---------------------------------------------------------------- .npy reader

TEST(Npy, RoundTripAllDtypes) {
  TempDir dir;
  const auto data = random_floats(5 * 64, test_seed());
  starc::write_npy_f32(dir / "a.npy", {5, 64}, data);
  const auto a = starc::read_npy(dir / "a.npy");
  EXPECT_EQ(a.dtype, NpyDtype::f4);
  EXPECT_EQ(a.shape, (std::vector<std::size_t>{5, 64}));
  for (std::size_t i = 0; i < data.size(); ++i) ASSERT_EQ(a.f32(i), data[i]);

  for (NpyDtype dt : {NpyDtype::f2, NpyDtype::u2}) {
    const auto bits = to_bits(data, dt == NpyDtype::f2 ? pim::Fmt::fp16 : pim::Fmt::bf16);
    starc::write_npy_u16(dir / "b.npy", dt, {2, 5, 32}, bits);
    const auto b = starc::read_npy(dir / "b.npy");
    EXPECT_EQ(b.dtype, dt);
    EXPECT_EQ(b.shape, (std::vector<std::size_t>{2, 5, 32}));
    for (std::size_t i = 0; i < bits.size(); ++i) ASSERT_EQ(b.u16(i), bits[i]);
  }
  // The writer pads the header so the data starts at a multiple of 64, as NumPy does.
  EXPECT_EQ(fs::file_size(dir / "a.npy") % 64, 0u);
}

TEST(Npy, AcceptsVersions2And3AndAnyKeyOrder) {
  TempDir dir;
  const std::vector<float> v = {1.5f, -2.0f, 3.25f};
  write_bytes(dir / "v2.npy",
              raw_npy(2, "{'shape': (3,), 'descr': '<f4', 'fortran_order': False}\n", f32_bytes(v)));
  write_bytes(dir / "v3.npy",
              raw_npy(3, "{\"fortran_order\": False, \"descr\": \"<f4\", \"shape\": (1, 3), }  \n",
                      f32_bytes(v)));
  const auto a = starc::read_npy(dir / "v2.npy");
  const auto b = starc::read_npy(dir / "v3.npy");
  EXPECT_EQ(a.shape, (std::vector<std::size_t>{3}));
  EXPECT_EQ(b.shape, (std::vector<std::size_t>{1, 3}));
  EXPECT_EQ(a.f32(2), 3.25f);
  EXPECT_EQ(b.f32(1), -2.0f);
}

TEST(Npy, RejectsBadFiles) {
  TempDir dir;
  const std::string ok = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }\n";
  const std::string two = f32_bytes({1.0f, 2.0f});
  struct Case {
    std::string name, bytes, expect;
  };
  const std::vector<Case> cases = {
      {"magic.npy", "PK\x03\x04 this is a zip", "bad magic"},
      {"short.npy", "\x93NUM", "bad magic"},
      {"version.npy", raw_npy(4, ok, two), "unsupported .npy format version 4.0"},
      {"hdr_trunc.npy", raw_npy(1, ok, "").substr(0, 30), "truncated .npy header"},
      {"data_trunc.npy", raw_npy(1, ok, two.substr(0, 6)), "truncated data"},
      {"trailing.npy", raw_npy(1, ok, two + "xx"), "trailing bytes"},
      {"fortran.npy",
       raw_npy(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2,), }\n", two),
       "fortran_order"},
      {"f8.npy", raw_npy(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }\n", two),
       "unsupported dtype '<f8'"},
      {"big.npy", raw_npy(1, "{'descr': '>f2', 'fortran_order': False, 'shape': (2,), }\n", two),
       "unsupported dtype '>f2'"},
      {"nokey.npy", raw_npy(1, "{'descr': '<f4', 'shape': (2,), }\n", two), "missing key"},
      {"extra.npy",
       raw_npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'x': 1}\n", two),
       "unexpected key 'x'"},
      {"garbage.npy", raw_npy(1, "not a dict\n", two), "bad .npy header"},
      {"shape.npy", raw_npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, x), }\n", two),
       "bad .npy header"},
      {"huge.npy",
       raw_npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999, 99999999999, "
                  "99999999999), }\n",
               two),
       "truncated data"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    write_bytes(dir / c.name, c.bytes);
    expect_error([&] { starc::read_npy(dir / c.name); }, {c.name, c.expect});
  }
  expect_error([&] { starc::read_npy(dir / "absent.npy"); }, {"absent.npy", "cannot open"});
}

// ---------------------------------------------------------------- traces

TEST(KvTrace, LoadsFloat16ExactlyAndFloat32Rounded) {
  TempDir dir;
  TraceSpec t;
  t.dtype = NpyDtype::f2;
  auto data = write_trace(dir, t, test_seed());
  KvSource src = load_dir(dir);
  ASSERT_EQ(src.heads.size(), 1u);
  EXPECT_EQ(src.fmt, pim::Fmt::fp16);
  const auto& h = src.heads[0];
  ASSERT_EQ(h.keys.rows(), 8);
  ASSERT_EQ(h.keys.cols(), 64);
  ASSERT_EQ(h.queries.rows(), 3);
  for (int i = 0; i < 8; ++i) {
    for (int d = 0; d < 64; ++d) {
      const float k = data[0][static_cast<std::size_t>(i * 64 + d)];
      ASSERT_EQ(h.keys(i, d), pim::decode_input(pim::encode_input(k, pim::Fmt::fp16), pim::Fmt::fp16));
    }
  }

  // float32 data is rounded to fp16 (not truncated): a value between two fp16 neighbours.
  TempDir dir2;
  t.dtype = NpyDtype::f4;
  data = write_trace(dir2, t, test_seed() + 10);
  data[0][0] = 1.0f + 0x1.8p-11f;  // exactly 3/4 of an fp16 ulp above 1 -> rounds up
  starc::write_npy_f32(dir2 / "k.npy", {8, 64}, data[0]);
  src = load_dir(dir2);
  EXPECT_EQ(src.heads[0].keys(0, 0), 1.0f + 0x1p-10f);
  for (int i = 0; i < 3; ++i) {
    for (int d = 0; d < 64; ++d) {
      const float q = data[2][static_cast<std::size_t>(i * 64 + d)];
      ASSERT_EQ(src.heads[0].queries(i, d),
                pim::decode_input(pim::encode_input(q, pim::Fmt::fp16), pim::Fmt::fp16));
    }
  }
}

TEST(KvTrace, LoadsBf16BitsAndMultipleHeads) {
  TempDir dir;
  TraceSpec t;
  t.H = 3;
  t.dtype = NpyDtype::u2;
  const auto data = write_trace(dir, t, test_seed());
  expect_error([&] { load_dir(dir); }, {"k.npy", "--kv-dtype bf16"});
  const KvSource src = load_dir(dir, "bf16");
  EXPECT_EQ(src.fmt, pim::Fmt::bf16);
  ASSERT_EQ(src.heads.size(), 3u);
  const std::size_t h = 2, i = 5, d = 17;
  EXPECT_EQ(src.heads[h].values(5, 17),
            pim::decode_input(pim::encode_input(data[1][(h * 8 + i) * 64 + d], pim::Fmt::bf16),
                              pim::Fmt::bf16));
  // --heads and --steps select a prefix; step s still sees L' - S' + s + 1 tokens.
  KvOptions o;
  o.kv_dir = dir.str();
  o.kv_dtype = "bf16";
  o.heads = 2;
  o.steps = 1;
  const KvSource sub = starc::load_kv(o);
  ASSERT_EQ(sub.heads.size(), 2u);
  EXPECT_EQ(sub.heads[1].keys.rows(), 6);  // L - S + S' = 8 - 3 + 1
  EXPECT_EQ(sub.heads[1].queries.rows(), 1);
  EXPECT_EQ(sub.heads[1].queries(0, 3), src.heads[1].queries(0, 3));
}

TEST(KvTrace, RejectsEveryBadInput) {
  const std::uint64_t seed = test_seed();
  struct Case {
    const char* name;
    std::function<void(const TempDir&)> make;  // writes a bad trace into the dir
    std::vector<std::string> expect;
    std::string dtype = "auto";
  };
  TraceSpec good;
  const std::vector<Case> cases = {
      {"missing_q", [&](const TempDir& d) { write_trace(d, good, seed); fs::remove(d / "q.npy"); },
       {"missing file q.npy"}},
      {"rank1", [&](const TempDir& d) {
         write_trace(d, good, seed);
         starc::write_npy_f32(d / "k.npy", {512}, random_floats(512, seed));
       }, {"k.npy", "rank 1", "expected [L, D] or [H, L, D]"}},
      {"rank_mismatch", [&](const TempDir& d) {
         write_trace(d, good, seed);
         starc::write_npy_f32(d / "q.npy", {1, 3, 64}, random_floats(192, seed));
       }, {"q.npy", "rank 3", "k.npy has rank 2"}},
      {"v_shape", [&](const TempDir& d) {
         write_trace(d, good, seed);
         starc::write_npy_f32(d / "v.npy", {7, 64}, random_floats(7 * 64, seed));
       }, {"v.npy", "shape (7, 64) differs from k.npy (8, 64)"}},
      {"q_dim", [&](const TempDir& d) {
         write_trace(d, good, seed);
         starc::write_npy_f32(d / "q.npy", {3, 128}, random_floats(3 * 128, seed));
       }, {"q.npy", "D = 128 differs from k.npy D = 64"}},
      {"q_heads", [&](const TempDir& d) {
         TraceSpec t = good;
         t.H = 2;
         write_trace(d, t, seed);
         starc::write_npy_f32(d / "q.npy", {3, 3, 64}, random_floats(9 * 64, seed));
       }, {"q.npy", "3 heads, but k.npy has 2"}},
      {"d_not_64", [&](const TempDir& d) {
         TraceSpec t = good;
         t.D = 96;
         write_trace(d, t, seed);
       }, {"k.npy", "D = 96", "multiple of 64"}},
      {"s_gt_l", [&](const TempDir& d) {
         TraceSpec t = good;
         t.S = 9;
         write_trace(d, t, seed);
       }, {"q.npy", "S = 9", "exceed the L = 8"}},
      {"no_prefill", [&](const TempDir& d) {
         TraceSpec t = good;
         t.S = 8;
         write_trace(d, t, seed);
       }, {"q.npy", "L - S = 8 - 8", "need L - S >= 1"}},
      {"nan", [&](const TempDir& d) {
         auto data = write_trace(d, good, seed);
         data[0][2 * 64 + 5] = std::nanf("");
         starc::write_npy_f32(d / "k.npy", {8, 64}, data[0]);
       }, {"k.npy", "NaN at [2, 5]"}},
      {"inf_f16", [&](const TempDir& d) {
         TraceSpec t = good;
         t.dtype = NpyDtype::f2;
         auto data = write_trace(d, t, seed);
         auto bits = to_bits(data[1], pim::Fmt::fp16);
         bits[64 + 1] = 0xFC00;  // -inf
         starc::write_npy_u16(d / "v.npy", NpyDtype::f2, {8, 64}, bits);
       }, {"v.npy", "Inf at [1, 1]"}},
      {"overflow_fp16", [&](const TempDir& d) {
         auto data = write_trace(d, good, seed);
         data[2][7] = 1.0e6f;
         starc::write_npy_f32(d / "q.npy", {3, 64}, data[2]);
       }, {"q.npy", "overflows fp16", "--kv-dtype bf16"}},
      {"f16_as_bf16", [&](const TempDir& d) {
         TraceSpec t = good;
         t.dtype = NpyDtype::f2;
         write_trace(d, t, seed);
       }, {"k.npy", "float16 data with --kv-dtype bf16"}, "bf16"},
      {"bad_dtype_flag", [&](const TempDir& d) { write_trace(d, good, seed); },
       {"--kv-dtype", "'fp32'"}, "fp32"},
      {"truncated", [&](const TempDir& d) {
         write_trace(d, good, seed);
         fs::resize_file(d / "v.npy", fs::file_size(d / "v.npy") - 4);
       }, {"v.npy", "truncated data"}},
      {"bad_header", [&](const TempDir& d) {
         write_trace(d, good, seed);
         write_bytes(d / "k.npy", raw_npy(1, "{'descr': '<f4', 'fortran_order': False}\n", ""));
       }, {"k.npy", "bad .npy header", "missing key"}},
      {"bad_magic", [&](const TempDir& d) {
         write_trace(d, good, seed);
         write_bytes(d / "q.npy", "hello");
       }, {"q.npy", "bad magic"}},
      {"unsupported_dtype", [&](const TempDir& d) {
         write_trace(d, good, seed);
         write_bytes(d / "k.npy",
                     raw_npy(1, "{'descr': '<i4', 'fortran_order': False, 'shape': (8, 64), }\n",
                             std::string(8 * 64 * 4, '\0')));
       }, {"k.npy", "unsupported dtype '<i4'"}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    TempDir dir;
    c.make(dir);
    expect_error([&] { load_dir(dir, c.dtype); }, c.expect);
  }
  expect_error([&] { starc::load_kv_trace("/nonexistent/kv", "auto"); },
               {"/nonexistent/kv", "not a directory"});
}

TEST(KvTrace, RejectsFlagsThatContradictTheTrace) {
  TempDir dir;
  write_trace(dir, TraceSpec{}, test_seed());
  auto with = [&](auto set) {
    KvOptions o;
    o.kv_dir = dir.str();
    set(o);
    return [o] { starc::load_kv(o); };
  };
  expect_error(with([](KvOptions& o) { o.heads = 2; }), {"--heads", "2"});
  expect_error(with([](KvOptions& o) { o.steps = 4; }), {"--steps", "4"});
  expect_error(with([](KvOptions& o) { o.context = 100; }), {"--context", "100"});
  expect_error(with([](KvOptions& o) { o.head_dim = 128; }), {"--head-dim", "128", "D = 64"});
  // A synthetic-only flag on the command line together with --kv.
  CLI::App app;
  KvOptions o;
  starc::add_kv_options(app, o);
  app.parse("--kv " + dir.str() + " --syn-topics 7");
  EXPECT_EQ(o.synthetic.topics, 7);
  expect_error([&] { starc::load_kv(o); }, {"--syn-topics", "synthetic workload only"});
}

// ---------------------------------------------------------------- synthetic workload

namespace {

starc::SyntheticParams small_params(std::uint64_t seed) {
  starc::SyntheticParams p;
  p.context = 2048;
  p.steps = 4;
  p.seed = seed;
  p.kinds = {"retrieval", "local", "aggregation"};
  return p;
}

bool same(const KvSource& a, const KvSource& b) {
  if (a.heads.size() != b.heads.size()) return false;
  for (std::size_t h = 0; h < a.heads.size(); ++h) {
    if (a.heads[h].keys != b.heads[h].keys || a.heads[h].values != b.heads[h].values ||
        a.heads[h].queries != b.heads[h].queries) {
      return false;
    }
  }
  return true;
}

}  // namespace

TEST(Synthetic, DeterministicPerSeed) {
  const auto p = small_params(test_seed());
  const KvSource a = starc::generate_synthetic(p, pim::Fmt::fp16);
  const KvSource b = starc::generate_synthetic(p, pim::Fmt::fp16);
  EXPECT_TRUE(same(a, b));
  const KvSource c = starc::generate_synthetic(small_params(test_seed() + 1), pim::Fmt::fp16);
  EXPECT_FALSE(same(a, c));
  ASSERT_EQ(a.heads.size(), 3u);
  EXPECT_EQ(a.heads[0].kind, "retrieval");
  EXPECT_EQ(a.heads[2].kind, "aggregation");
  EXPECT_EQ(a.heads[1].keys.rows(), 2048);
  EXPECT_EQ(a.heads[1].keys.cols(), 128);
  EXPECT_EQ(a.heads[1].queries.rows(), 4);
}

TEST(Synthetic, ValuesAreExactlyRepresentableInTheFormat) {
  for (pim::Fmt fmt : {pim::Fmt::fp16, pim::Fmt::bf16}) {
    auto p = small_params(test_seed());
    p.context = 256;
    const KvSource src = starc::generate_synthetic(p, fmt);
    EXPECT_EQ(src.fmt, fmt);
    for (const auto& h : src.heads) {
      for (const starc::Matrix* m : {&h.keys, &h.values, &h.queries}) {
        for (Eigen::Index i = 0; i < m->size(); ++i) {
          const float x = m->data()[i];
          ASSERT_TRUE(std::isfinite(x));
          ASSERT_EQ(x, pim::decode_input(pim::encode_input(x, fmt), fmt)) << pim::fmt_name(fmt);
        }
      }
    }
  }
}

TEST(Synthetic, HasEachPropertyOfRealHeads) {
  auto p = small_params(test_seed());
  // At L = 2048 the default sink_logit 7 gives the sinks ~2/3 of a flat head's attention (as
  // many real heads do); a weaker sink keeps the head-type checks about the other tokens.
  p.sink_logit = 4.0;
  const KvSource src = starc::generate_synthetic(p, pim::Fmt::fp16);
  const auto retrieval = starc::head_stats(src.heads[0]);
  const auto local = starc::head_stats(src.heads[1]);
  const auto aggregation = starc::head_stats(src.heads[2]);

  // Attention sinks (default sink_logit): in every head the sink tokens draw on average far
  // more than the median token.
  const KvSource defaults = starc::generate_synthetic(small_params(test_seed()), pim::Fmt::fp16);
  for (const auto& head : defaults.heads) {
    double sink = 0.0, median = 0.0;
    for (int step = 0; step < p.steps; ++step) {
      const Eigen::VectorXd w = starc::attention_weights(head, step);
      std::vector<double> sorted(w.data(), w.data() + w.size());
      std::nth_element(sorted.begin(), sorted.begin() + w.size() / 2, sorted.end());
      sink += w.head(4).mean();
      median += sorted[static_cast<std::size_t>(w.size() / 2)];
    }
    EXPECT_GT(sink, 20.0 * median) << head.kind;
  }
  // A flat head gives its sinks a large share (4 e^7 / (2048 + 4 e^7) ~ 0.68 expected).
  EXPECT_GT(starc::head_stats(defaults.heads[2]).sink_mass, 0.4);
  // Head types: retrieval sparse, aggregation flat, local concentrated on recent tokens.
  EXPECT_LT(retrieval.entropy, aggregation.entropy - 1.0);
  EXPECT_GT(retrieval.top5pct, 0.6);
  EXPECT_GT(aggregation.entropy_frac, 0.75);
  EXPECT_LT(aggregation.top5pct, 0.5);
  EXPECT_GT(local.recent_mass, 0.5);
  EXPECT_GT(local.recent_mass, 4.0 * aggregation.recent_mass);
  // Outlier channels: the 4 largest channels by mean |k| are the outlier dims (the slowest
  // rotary pairs: 62, 63, 126, 127), each with mean |k| well above the median channel, and
  // their |mean| (not only mean |k|) is large: a fixed offset.
  std::vector<int> ch = retrieval.outlier_channels;
  std::sort(ch.begin(), ch.end());
  EXPECT_EQ(ch, (std::vector<int>{62, 63, 126, 127}));
  for (double m : retrieval.outlier_mean_abs) EXPECT_GT(m, 5.0 * retrieval.median_channel_mean_abs);
  const Eigen::VectorXd col_mean = src.heads[0].keys.cast<double>().colwise().mean().transpose();
  for (int c = 0; c < 128; ++c) {
    const bool outlier = c == 62 || c == 63 || c == 126 || c == 127;
    if (outlier) EXPECT_GT(std::abs(col_mean[c]), 6.0) << c;
    else EXPECT_LT(std::abs(col_mean[c]), 2.0) << c;
  }
  // Low rank: 90% of the centred key variance in well under D components.
  EXPECT_LT(retrieval.key_rank90, 100);
  // Values autocorrelated along the sequence (AR(1) with 0.9).
  EXPECT_GT(retrieval.value_lag1_corr, 0.7);
}

TEST(Synthetic, SegmentsMakeNearbyKeysSimilarAndRopeRotates) {
  auto p = small_params(test_seed());
  p.kinds = {"retrieval"};
  p.outliers = 0;  // so cosine similarity reflects the topic structure
  const KvSource src = starc::generate_synthetic(p, pim::Fmt::fp16);
  const Eigen::MatrixXd k = src.heads[0].keys.cast<double>();
  const Eigen::MatrixXd c = k.rowwise() - k.colwise().mean();
  auto cosine = [&](int i, int j) {
    return c.row(i).dot(c.row(j)) / (c.row(i).norm() * c.row(j).norm());
  };
  double near = 0.0, far = 0.0;
  int n = 0;
  for (int i = 8; i + 1024 < 2048; i += 7, ++n) {
    near += cosine(i, i + 1);     // usually the same segment
    far += cosine(i, i + 1024);   // usually another topic
  }
  EXPECT_GT(near / n, far / n + 0.2);

  // RoPE: with the positional structure, the local head's attention decays with distance;
  // without rotation (huge base and all pairs slow) it would not. Check the decay directly.
  p.kinds = {"local"};
  const KvSource loc = starc::generate_synthetic(p, pim::Fmt::fp16);
  const Eigen::VectorXd w = starc::attention_weights(loc.heads[0], 3);
  const int n_ctx = static_cast<int>(w.size());
  EXPECT_GT(w.tail(16).sum(), 4.0 * w.segment(n_ctx - 1040, 16).sum());
}

// The library names its inputs, never a flag; the command line puts the flag in their place.
TEST(Synthetic, LibraryErrorsNameTheInputAndTheCommandLineTheFlag) {
  starc::SyntheticParams p;
  p.topics = 0;
  try {
    starc::validate(p);
    ADD_FAILURE() << "accepted topics = 0";
  } catch (const starc::InputError& e) {
    EXPECT_EQ(e.input(), "topics");
    EXPECT_EQ(std::string(e.what()).find("--"), std::string::npos) << e.what();
    EXPECT_EQ(starc::cli::flag_message(e), "--syn-topics: " + e.detail());
  }
  EXPECT_EQ(starc::cli::flag_for("head_dim"), "--head-dim");
  EXPECT_EQ(starc::cli::flag_for("not_an_input"), "not_an_input");
}

TEST(Synthetic, RejectsBadParameters) {
  auto with = [](auto set) {
    KvOptions o;
    set(o);
    return [o] { starc::load_kv(o); };
  };
  expect_error(with([](KvOptions& o) { o.head_dim = 96; }), {"--head-dim", "96", "multiple of 64"});
  expect_error(with([](KvOptions& o) { o.context = 16; o.steps = 17; }), {"--steps", "exceeds"});
  expect_error(with([](KvOptions& o) { o.context = 16; o.steps = 16; }), {"--steps", "L - S >= 1"});
  expect_error(with([](KvOptions& o) { o.head_kinds = "retrieval,sorting"; }),
               {"--head-kinds", "'sorting'"});
  expect_error(with([](KvOptions& o) { o.head_kinds = "retrieval,"; }), {"--head-kinds"});
  expect_error(with([](KvOptions& o) { o.synthetic.rank = 7; }), {"--syn-rank", "7"});
  expect_error(with([](KvOptions& o) { o.head_dim = 64; o.synthetic.rank = 60; }),
               {"--syn-rank", "no positional"});
  expect_error(with([](KvOptions& o) { o.synthetic.value_ar = 1.0; }), {"--syn-value-ar"});
  expect_error(with([](KvOptions& o) { o.synthetic.segment_min = 10; o.synthetic.segment_max = 5; }),
               {"--syn-segment-min"});
  expect_error(with([](KvOptions& o) { o.context = 20; o.steps = 10; o.synthetic.sinks = 11; }),
               {"--context", "attention sinks"});
  expect_error(with([](KvOptions& o) { o.synthetic.sink_logit = std::nan(""); }),
               {"--syn-sink-logit"});
  expect_error(with([](KvOptions& o) { o.kv_dtype = "int8"; }), {"--kv-dtype", "int8"});
  expect_error(with([](KvOptions& o) { o.steps = -1; }), {"--steps", "-1"});
}

TEST(Synthetic, HeadsCycleKindsAndOptionsApply) {
  CLI::App app;
  KvOptions o;
  starc::add_kv_options(app, o);
  app.parse("--head-dim 64 --head-kinds local,aggregation --heads 4 --context 128 --steps 2 "
            "--kv-dtype bf16");
  const KvSource src = starc::load_kv(o);
  EXPECT_EQ(src.fmt, pim::Fmt::bf16);
  ASSERT_EQ(src.heads.size(), 4u);
  EXPECT_EQ(src.heads[2].kind, "local");
  EXPECT_EQ(src.heads[3].kind, "aggregation");
  EXPECT_EQ(src.heads[0].keys.rows(), 128);
  EXPECT_EQ(src.heads[0].keys.cols(), 64);
  EXPECT_EQ(src.heads[0].queries.rows(), 2);
}

// Former defect (issue 14, item 7): `run --heads 1024 --context 65536` generated every head
// (about 100 GB) to simulate one. Only the simulated head is generated now, bit-identical to the
// same head of the full generation; a source that cannot fit in memory is refused up front.
TEST(Synthetic, OnlyTheSimulatedHeadIsGeneratedAndTooMuchIsRefused) {
  CLI::App app;
  KvOptions o;
  starc::add_kv_options(app, o);
  app.parse("--head-kinds local,aggregation,retrieval --heads 4 --context 200 --steps 2");
  const KvSource all = starc::load_kv(o);
  o.only_head = 2;
  const KvSource one = starc::load_kv(o);
  ASSERT_EQ(one.heads.size(), 1u);
  EXPECT_EQ(one.heads[0].kind, all.heads[2].kind);
  EXPECT_TRUE(one.heads[0].keys == all.heads[2].keys);
  EXPECT_TRUE(one.heads[0].values == all.heads[2].values);
  EXPECT_TRUE(one.heads[0].queries == all.heads[2].queries);
  o.only_head = 4;
  expect_error([&] { starc::load_kv(o); }, {"--head", "4"});
  KvOptions big;
  big.heads = 1024;
  big.context = 1 << 20;
  expect_error([&] { starc::load_kv(big); }, {"--heads 1024", "--context 1048576", "GiB"});
}

TEST(Synthetic, SavedAsTraceLoadsBackIdentically) {
  for (pim::Fmt fmt : {pim::Fmt::fp16, pim::Fmt::bf16}) {
    TempDir dir;
    auto p = small_params(test_seed());
    p.context = 300;
    const KvSource src = starc::generate_synthetic(p, fmt);
    starc::save_kv_trace(src, dir.str());
    const KvSource back = load_dir(dir, fmt == pim::Fmt::bf16 ? "bf16" : "auto");
    EXPECT_EQ(back.fmt, fmt);
    EXPECT_TRUE(same(src, back)) << pim::fmt_name(fmt);
    EXPECT_EQ(starc::read_npy(dir / "k.npy").shape, (std::vector<std::size_t>{3, 300, 128}));
  }
}

// The PIM channel serves D = 64, 128 and 256 (its head-dimension mode register, docs/design.md
// section 2): anything else is refused naming --head-dim, or --kv DIR when the D is the trace's.
TEST(KvOptions, ChannelHeadDimensionIsOneOfThreeNamingTheFlagOrTheTrace) {
  KvOptions synthetic;
  for (unsigned d : {64u, 128u, 256u}) EXPECT_NO_THROW(starc::check_channel_head_dim(synthetic, d));
  expect_error([&] { starc::check_channel_head_dim(synthetic, 192); }, {"--head-dim", "192", "64, 128 or 256"});
  KvOptions trace;
  trace.kv_dir = "traces/gpt2";
  expect_error([&] { starc::check_channel_head_dim(trace, 96); }, {"--kv traces/gpt2", "96"});
  trace.head_dim = 32;
  expect_error([&] { starc::check_channel_head_dim(trace, 32); }, {"--head-dim", "32"});
}
