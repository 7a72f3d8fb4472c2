// MAC unit throughput: simulated operations per second of the Verilated 16-lane pim_mac
// streaming one operation per cycle, and of the golden model on the same operations; the
// pipeline latency is reported as a counter. Run: build/tests/bench_mac (or `make bench`).
#include <benchmark/benchmark.h>

#include <vector>

#include "sim/mac_harness.hpp"
#include "host/mac_model.hpp"
#include "mac_op_gen.hpp"

namespace {

constexpr std::size_t kBatch = 4096;

// Arg: 0 mixed stream (dot/axpy, fp16/bf16), 1 dot fp16, 2 axpy fp16.
std::vector<pim::MacOp> make_ops(int kind) {
  pim::test::MacOpGen gen(0xBE7C);
  if (kind == 0) return gen.stream(kBatch);
  std::vector<pim::MacOp> ops;
  for (std::size_t k = 0; k < kBatch; ++k) {
    ops.push_back(gen.op(kind == 1 ? pim::MacMode::dot : pim::MacMode::axpy, pim::Fmt::fp16));
  }
  return ops;
}

void label(benchmark::State& state, int kind) {
  state.SetLabel(kind == 0 ? "mixed" : kind == 1 ? "dot fp16" : "axpy fp16");
}

void BM_MacRtl16(benchmark::State& state) {
  const auto ops = make_ops(static_cast<int>(state.range(0)));
  pim::MacHarness rtl({16, 1, ""});
  const std::uint64_t c0 = rtl.cycles();
  for (auto _ : state) {
    auto res = rtl.run_batch(ops);
    benchmark::DoNotOptimize(res.data());
  }
  const double iters = static_cast<double>(state.iterations());
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * ops.size()));
  state.counters["ops_per_s"] =
      benchmark::Counter(iters * static_cast<double>(ops.size()), benchmark::Counter::kIsRate);
  state.counters["cycles_per_op"] =
      static_cast<double>(rtl.cycles() - c0) / (iters * static_cast<double>(ops.size()));
  state.counters["latency_cycles"] = rtl.latency();
  label(state, static_cast<int>(state.range(0)));
}
BENCHMARK(BM_MacRtl16)->Arg(0)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond);

void BM_MacGolden16(benchmark::State& state) {
  const auto ops = make_ops(static_cast<int>(state.range(0)));
  pim::GoldenMac golden(16);
  for (auto _ : state) {
    auto res = golden.run_batch(ops);
    benchmark::DoNotOptimize(res.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * ops.size()));
  state.counters["ops_per_s"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * static_cast<double>(ops.size()),
      benchmark::Counter::kIsRate);
  label(state, static_cast<int>(state.range(0)));
}
BENCHMARK(BM_MacGolden16)->Arg(0)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond);

}  // namespace
