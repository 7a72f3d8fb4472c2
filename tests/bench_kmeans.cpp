// STARC clustering throughput: 32K tokens at D = 128 (512 blocks of 64, K = 4, <= 16 Lloyd
// iterations), one and two threads, on the synthetic workload (clustered keys, as in a real
// head) and on i.i.d. Gaussian keys (no structure: the slow case, most blocks hit the cap).
// Counters: tokens_per_s = clustered tokens per wall-clock second (goal: >= 1 M tokens/s);
// tokens_per_cpu_s = per second of process CPU time summed over the threads, which is what the
// wall-clock rate per thread would be on an otherwise idle machine (the shared 2-core machine
// is often loaded, which inflates wall time).
#include <ctime>
#include <random>

#include <benchmark/benchmark.h>

#include "mapping/kmeans.hpp"
#include "host/synthetic_kv.hpp"

namespace {

constexpr int kTokens = 32768;
constexpr int kDim = 128;

const starc::Matrix& synthetic_keys() {
  static const starc::Matrix keys = [] {
    starc::SyntheticParams p;
    p.context = kTokens;
    p.steps = 1;
    p.head_dim = kDim;
    return starc::generate_synthetic(p, pim::Fmt::fp16).heads.at(0).keys;
  }();
  return keys;
}

const starc::Matrix& gaussian_keys() {
  static const starc::Matrix keys = [] {
    std::mt19937_64 rng(1);
    std::normal_distribution<float> nd(0.0f, 1.0f);
    starc::Matrix k(kTokens, kDim);
    for (int i = 0; i < kTokens; ++i) for (int j = 0; j < kDim; ++j) k(i, j) = nd(rng);
    return k;
  }();
  return keys;
}

void run(benchmark::State& state, const starc::Matrix& keys) {
  const auto threads = static_cast<unsigned>(state.range(0));
  const starc::KmeansParams p;
  double iterations = 0;
  const std::clock_t cpu0 = std::clock();
  for (auto _ : state) {
    auto blocks = starc::cluster_blocks(keys, kTokens / p.block, p, threads);
    iterations = 0;
    for (const auto& b : blocks) iterations += b.iterations;
    iterations /= static_cast<double>(blocks.size());
    benchmark::DoNotOptimize(blocks.data());
  }
  state.counters["tokens_per_s"] = benchmark::Counter(
      static_cast<double>(kTokens) * static_cast<double>(state.iterations()),
      benchmark::Counter::kIsRate);
  const double cpu_s = static_cast<double>(std::clock() - cpu0) / CLOCKS_PER_SEC;
  state.counters["tokens_per_cpu_s"] =
      static_cast<double>(kTokens) * static_cast<double>(state.iterations()) / cpu_s;
  state.counters["mean_lloyd_iters"] = iterations;
  state.counters["threads"] = threads;
}

void BM_KmeansSynthetic(benchmark::State& state) { run(state, synthetic_keys()); }
void BM_KmeansGaussian(benchmark::State& state) { run(state, gaussian_keys()); }

// Window clustering (issue 19, starcsim's default): 32K tokens in 32 windows of 1024 tokens (64
// clusters each, farthest-point seeds, clusters <= 32 tokens), through ClusteredKeys.
void BM_KmeansWindowSynthetic(benchmark::State& state) {
  const auto threads = static_cast<unsigned>(state.range(0));
  const starc::KmeansParams p = starc::KmeansParams::windowed_default();
  const std::clock_t cpu0 = std::clock();
  double iterations = 0;
  for (auto _ : state) {
    starc::ClusteredKeys ck(p);
    ck.extend(synthetic_keys(), threads);
    iterations = 0;
    for (const auto& s : ck.segments()) iterations += s.clusters.iterations;
    iterations /= static_cast<double>(ck.segments().size());
    benchmark::DoNotOptimize(ck.order().data());
  }
  state.counters["tokens_per_s"] = benchmark::Counter(
      static_cast<double>(kTokens) * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  const double cpu_s = static_cast<double>(std::clock() - cpu0) / CLOCKS_PER_SEC;
  state.counters["tokens_per_cpu_s"] = static_cast<double>(kTokens) * static_cast<double>(state.iterations()) / cpu_s;
  state.counters["mean_lloyd_iters"] = iterations;
  state.counters["threads"] = threads;
}

BENCHMARK(BM_KmeansSynthetic)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_KmeansWindowSynthetic)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_KmeansGaussian)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
