// `starcsim kv-stats [kv options] [--json FILE]`: statistics of a KV source (synthetic or
// trace), per head, so that the synthetic workload can be compared with a real trace.
// --save-kv DIR writes the source as a trace (e.g. the synthetic workload for other tools).
#include <filesystem>
#include <memory>
#include <stdexcept>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/kv_options.hpp"
#include "host/kv_stats.hpp"
#include "host/kv_trace.hpp"
#include "cli/output_file.hpp"

namespace starc::cli {

void add_kv_stats_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "kv-stats",
      "Print attention statistics of a KV source: entropy, mass in the top 1%/5%/1024 tokens, "
      "sink and recent mass, outlier channels, key norms");
  struct Args {
    KvOptions kv;
    std::string json;
    std::string save;
  };
  auto args = std::make_shared<Args>();
  add_kv_options(*cmd, args->kv);
  cmd->add_option("--json", args->json, "also write the statistics as JSON to FILE");
  cmd->add_option("--save-kv", args->save,
                  "also write the KV source as a trace directory (k.npy, v.npy, q.npy; fp16, "
                  "or uint16 bfloat16 bits for --kv-dtype bf16), loadable with --kv");
  cmd->callback([args] {
    check_output_new_dir("--save-kv", args->save);
    std::vector<FlagPath> outs = {{"--json", args->json}};
    if (!args->save.empty())
      for (const char* name : {"k.npy", "v.npy", "q.npy"})
        outs.push_back({"--save-kv", (std::filesystem::path(args->save) / name).string()});
    if (!args->save.empty() && !std::filesystem::exists(args->save)) outs.resize(1);  // a new directory
    check_outputs(outs, kv_inputs(args->kv));
    const KvSource src = load_kv(args->kv);
    std::vector<KvHeadStats> stats;
    for (const auto& h : src.heads) stats.push_back(head_stats(h));

    fmt::print("# {}\n", src.description);
    fmt::print("# attention: exact softmax (double) of q.k/sqrt(D); step s sees L-S+s+1 tokens; "
               "means over steps\n");
    fmt::print("{:>4} {:<11} {:>6} {:>4} {:>4} {:>8} {:>7} {:>7} {:>7} {:>8} {:>7} {:>8}\n", "head",
               "kind", "L", "D", "S", "entropy", "H/logN", "top1%", "top5%", "top1024", "first4",
               "last256");
    for (std::size_t h = 0; h < stats.size(); ++h) {
      const auto& s = stats[h];
      fmt::print("{:>4} {:<11} {:>6} {:>4} {:>4} {:>8.3f} {:>7.3f} {:>7.3f} {:>7.3f} {:>8.3f} "
                 "{:>7.3f} {:>8.3f}\n",
                 h, s.kind.empty() ? "-" : s.kind, s.L, s.D, s.S, s.entropy, s.entropy_frac,
                 s.top1pct, s.top5pct, s.top1024, s.sink_mass, s.recent_mass);
    }
    fmt::print("\n{:>4} {:<34} {:>8} {:>8} {:>28} {:>6} {:>7}\n", "head",
               "top channels by mean|k| (ch:value)", "median", "top/med",
               "key norm mean/std/min/max", "rank90", "v-lag1");
    for (std::size_t h = 0; h < stats.size(); ++h) {
      const auto& s = stats[h];
      std::string top;
      for (std::size_t i = 0; i < s.outlier_channels.size(); ++i) {
        top += fmt::format("{}{}:{:.2f}", i ? " " : "", s.outlier_channels[i], s.outlier_mean_abs[i]);
      }
      const double ratio = s.median_channel_mean_abs > 0.0
                               ? s.outlier_mean_abs.front() / s.median_channel_mean_abs
                               : 0.0;
      fmt::print("{:>4} {:<34} {:>8.3f} {:>8.1f} {:>28} {:>6} {:>7.3f}\n", h, top,
                 s.median_channel_mean_abs, ratio,
                 fmt::format("{:.2f}/{:.2f}/{:.2f}/{:.2f}", s.key_norm_mean, s.key_norm_std,
                             s.key_norm_min, s.key_norm_max),
                 s.key_rank90, s.value_lag1_corr);
    }
    if (!args->save.empty()) {  // before the JSON, so that a failed save leaves no report
      try {
        save_kv_trace(src, args->save);
      } catch (const std::exception& e) {
        throw std::runtime_error(fmt::format("--save-kv: {}", e.what()));
      }
    }
    if (!args->json.empty()) {
      nlohmann::json j;
      j["source"] = src.description;
      j["fmt"] = std::string(pim::fmt_name(src.fmt));
      j["heads"] = nlohmann::json::array();
      for (const auto& s : stats) j["heads"].push_back(to_json(s));
      write_atomically("--json", args->json, j.dump(2) + "\n");
    }
  });
}

}  // namespace starc::cli
