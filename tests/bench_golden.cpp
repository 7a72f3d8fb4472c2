// Throughput of the bit-exact golden model (host/pim_arith): dot-mode and axpy-mode MAC
// commands of 16 lanes (docs/design.md section 3), and the scalar mul / encode_input, per format.
// Counters: commands/s (items_per_second) and lane MACs/s.
#include <benchmark/benchmark.h>

#include <array>
#include <cstdint>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "contracts/pim_arith.hpp"

namespace {

constexpr std::size_t kLanes = 16;
constexpr std::size_t kCommands = 4096;  // distinct operand sets cycled through

pim::Fmt fmt_of(const benchmark::State& state) {
  return state.range(0) == 0 ? pim::Fmt::fp16 : pim::Fmt::bf16;
}

// Attention-like operands: values of magnitude about 1, encoded in the input format.
std::vector<std::uint16_t> operands(pim::Fmt fmt, std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> dist(0.0f, 1.0f);
  std::vector<std::uint16_t> v(n);
  for (auto& x : v) x = pim::encode_input(dist(rng), fmt);
  return v;
}

void BM_GoldenDot(benchmark::State& state) {
  const pim::Fmt fmt = fmt_of(state);
  const auto k = operands(fmt, kCommands * kLanes, 1);
  const auto q = operands(fmt, kLanes, 2);
  float acc = 0.0f;
  std::size_t c = 0;
  for (auto _ : state) {
    acc = pim::dot(acc, std::span(k).subspan(c * kLanes, kLanes), q, fmt);
    benchmark::DoNotOptimize(acc);
    c = (c + 1) % kCommands;
    if (c == 0) acc = 0.0f;
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["lane_MACs/s"] = benchmark::Counter(
      static_cast<double>(state.iterations() * kLanes), benchmark::Counter::kIsRate);
  state.SetLabel(std::string(pim::fmt_name(fmt)));
}
BENCHMARK(BM_GoldenDot)->Arg(0)->Arg(1);

void BM_GoldenAxpy(benchmark::State& state) {
  const pim::Fmt fmt = fmt_of(state);
  const auto v = operands(fmt, kCommands * kLanes, 3);
  const auto p = operands(fmt, kCommands, 4);
  std::array<float, kLanes> acc{};
  std::size_t c = 0;
  for (auto _ : state) {
    pim::axpy(acc, p[c], std::span(v).subspan(c * kLanes, kLanes), fmt);
    benchmark::DoNotOptimize(acc.data());
    benchmark::ClobberMemory();
    c = (c + 1) % kCommands;
    if (c == 0) acc.fill(0.0f);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["lane_MACs/s"] = benchmark::Counter(
      static_cast<double>(state.iterations() * kLanes), benchmark::Counter::kIsRate);
  state.SetLabel(std::string(pim::fmt_name(fmt)));
}
BENCHMARK(BM_GoldenAxpy)->Arg(0)->Arg(1);

void BM_GoldenMul(benchmark::State& state) {
  const pim::Fmt fmt = fmt_of(state);
  const auto a = operands(fmt, kCommands, 5);
  const auto b = operands(fmt, kCommands, 6);
  std::size_t c = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(pim::mul(a[c], b[c], fmt));
    c = (c + 1) % kCommands;
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(std::string(pim::fmt_name(fmt)));
}
BENCHMARK(BM_GoldenMul)->Arg(0)->Arg(1);

void BM_GoldenEncode(benchmark::State& state) {
  const pim::Fmt fmt = fmt_of(state);
  std::mt19937_64 rng(7);
  std::normal_distribution<float> dist(0.0f, 1.0f);
  std::vector<float> x(kCommands);
  for (auto& v : x) v = dist(rng);
  std::size_t c = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(pim::encode_input(x[c], fmt));
    c = (c + 1) % kCommands;
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(std::string(pim::fmt_name(fmt)));
}
BENCHMARK(BM_GoldenEncode)->Arg(0)->Arg(1);

}  // namespace
