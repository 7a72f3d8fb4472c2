// Decode-step co-simulation of any sparsity policy (docs/design.md section 5): the engine behind
// `starcsim run`, tests/test_decode_cosim.cpp and bench_decode.
//
// Per policy and decode step s (context n = L - S + s + 1, kv_source.hpp convention):
//   1. layout: the policy's layout (token order, or cluster for STARC) of tokens [0, n), sized
//      for all L tokens so that regions never move; the new token of each step is appended
//      (decode-time append) and a completed 64-token block is re-placed in cluster order;
//   2. selection on the RTL:
//      - starc: dot-mode phase over the centroid region (WRGB q, MACAB, MVSB); the scores stream
//        (one per cycle, from the cycle after their MVSB result leaves the channel) into the
//        Verilated centroid-match unit with budget B - recent; its output is compared with the
//        golden select_centroids on the golden model's scores, and with the policy's own fill
//        (StarcPolicy scores the centroids with the RTL's bit-exact scores);
//      - quest: one dot-mode pass with q over the page min/max metadata (what the selection reads);
//      - tokenwise: one dot-mode pass over the key columns holding the r chosen dimensions, with
//        q masked to those dimensions (the approximate scores);
//      quest and tokenwise rank on the host (policy.hpp, double precision);
//   3. key phase (dot) over the selected tokens' key slots; scores from the RTL's MVSB results;
//   4. softmax in binary32 on the host over the selected scores x 1/sqrt(D) (0 cycles);
//      probabilities rounded to the input format go out by MVGB;
//   5. value phase (axpy); partial context vectors reduced with tree_padded over bank groups.
// Every command goes to the Verilated channel and to the golden channel; the scoreboard compares
// every MVSB result bit for bit. The command stream of the whole run (all policies, one clock)
// is kept for --cmd-trace and checked by the independent trace checker.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/centroid_match_harness.hpp"
#include "sim/centroid_matcher.hpp"
#include "sim/channel_sim.hpp"
#include "sim/lockstep.hpp"
#include "host/controller.hpp"
#include "contracts/kv_source.hpp"
#include "host/policy.hpp"
#include "host/cmd_trace.hpp"
#include "host/report.hpp"
#include "mapping/striped_layout.hpp"

namespace starc {
class DenseReference;
}

namespace pim {

// The KV layout a policy runs on (docs/design.md section 4): token order; the paper's cluster
// layout (clusters contiguous per block); striped (clusters striped across the bank groups,
// similar clusters in the same rows).
enum class LayoutKind { token_order, cluster, striped };
std::string_view layout_kind_name(LayoutKind k);  // "token-order", "cluster", "striped"
// automatic: striped for a cluster-selecting policy, token order for the others.
enum class LayoutChoice { automatic, token_order, cluster, striped };
// "auto" | "token" | "cluster" | "striped"; throws std::invalid_argument naming the value.
LayoutChoice parse_layout_choice(std::string_view text);

struct DecodeConfig {
  unsigned budget = 1024;
  CtrlMode mode = CtrlMode::lockstep;
  // automatic: the policy's own (cluster for a cluster-selecting policy, token order otherwise)
  LayoutChoice layout = LayoutChoice::automatic;
  starc::StripedParams striped;  // the striped layout's buckets
  starc::PolicyParams params;
  unsigned head = 0;            // which head of the KV source
};

class DecodeCosim {
 public:
  // `channel`, `cmatch` and `kv` must outlive the object; the engine is the pair (channel,
  // cmatch): the Verilated RTL or the fast engine (sim/fast_channel.hpp). `cmatch` may be null when no policy
  // that scores centroids runs. Throws std::invalid_argument naming a bad parameter (budget 0,
  // head out of range, head dimension not the channel's, ...).
  DecodeCosim(ChannelSim& channel, CentroidMatcher* cmatch, const starc::KvSource& kv,
              const DecodeConfig& cfg);
  ~DecodeCosim();

  // Runs every decode step of the head under `policy`, after everything run before.
  PolicyStats run_policy(std::string_view policy);

  // Layout a policy runs on under this configuration ("token-order" or "cluster"); throws for
  // an unsupported pair (starc needs the centroid region of the cluster layout, quest the page
  // metadata of the token-order layout).
  std::string layout_for(std::string_view policy) const;
  LayoutKind layout_kind_for(std::string_view policy) const;

  // The layout kind of `policy` under `cfg` (layout_kind_for without an object).
  static LayoutKind layout_kind(const DecodeConfig& cfg, std::string_view policy);
  // Rows per bank the layout of `policy` takes for a context of `context` tokens of dimension
  // `dim` under `cfg`, from the sizes alone (checked against org.rows before any work).
  static unsigned rows_needed(const Org& org, unsigned dim, unsigned context, const DecodeConfig& cfg,
                              std::string_view policy);

  const std::vector<Command>& commands() const { return cmds_; }
  const std::vector<TraceMark>& marks() const { return marks_; }

 private:
  struct Step;
  void run_step(starc::Policy& policy, LayoutKind kind, unsigned s, PolicyStats& st);
  starc::Selection select_tokens(Step& step, starc::Policy& policy, LayoutKind kind);
  void place_tokens(Step& step, const starc::Policy& policy, LayoutKind kind, const starc::Selection& sel);
  void charge_selection_reads(Step& step, const starc::Selection& sel);
  PhaseResult key_phase(Step& step, const starc::Selection& sel, std::vector<float>& score);
  PhaseResult value_phase(Step& step, const starc::Selection& sel, const std::vector<std::uint16_t>& prob,
                          std::uint64_t start);
  void record_step(Step& step, const starc::Selection& sel, const std::vector<float>& score,
                   const PhaseResult& kr, const PhaseResult& vr);
  // The clustered layout (cluster or striped) of tokens [0, n).
  // `groups`: the policy's groups of `ck` (nullptr: the layout computes them).
  std::unique_ptr<starc::KvLayout> clustered_layout(LayoutKind kind, const starc::ClusteredKeys& ck,
                                                    unsigned n, const starc::CentroidGroups* groups) const;
  starc::ScoreResult score_round(Step& step, const starc::Policy& policy, const starc::ScoreRequest& req,
                                 LayoutKind kind, unsigned s);
  std::vector<std::uint16_t> query_bits(unsigned s) const;

  ChannelSim& sim_;
  CentroidMatcher* cmatch_;
  const starc::KvSource& kv_;
  DecodeConfig cfg_;
  Controller ctl_;
  std::vector<Command> cmds_;
  std::vector<TraceMark> marks_;
  std::unique_ptr<starc::ClusteredKeys> clustered_;  // cluster layout of non-STARC policies
  // The exact double-precision reference of each step: it does not depend on the policy, so it
  // is computed once per step for all policies of the run (at 1M tokens, 1M x D products).
  std::map<unsigned, std::unique_ptr<const starc::DenseReference>> refs_;
  const starc::DenseReference& reference(unsigned s);
  // The last token-order layout built, with its step and page-metadata size (0: none).
  struct CachedLayout {
    unsigned step = 0, page = 0;
    std::shared_ptr<const starc::KvLayout> layout;
  };
  CachedLayout token_layout_;
};

}  // namespace pim
