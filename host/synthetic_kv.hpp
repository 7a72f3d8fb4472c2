// The built-in synthetic KV workload: a seeded, deterministic stand-in for a real LLM
// attention head that reproduces the properties sparse attention depends on.
//
// Geometry (D = head dim, rotary pairs are (i, i + D/2) as in Hugging Face `rotate_half`,
// pair i rotating by angle pos * rope_base^(-2i/D)). Pairs are assigned by frequency, from the
// slowest (i = D/2 - 1) down:
//   - outlier pairs: the ceil(outliers/2) slowest pairs; the first `outliers` of channels
//     D/2-1, D-1, D/2-2, D-2, ... carry a fixed offset +-outlier_offset (random sign) added to
//     every key before RoPE (slow pairs barely rotate, so the cached keys keep a near-constant
//     large channel, as in real KV caches; a constant shift of every logit does not change
//     attention, but it does dominate key norms and cosine clustering);
//   - sink pairs: the next 2 pairs hold the unit "sink direction" s;
//   - semantic band: the next rank/2 pairs (rank dims) hold the low-rank key subspace;
//   - the remaining, faster pairs hold a constant "positional" vector c (RoPE turns it into a
//     recency kernel for queries that share it) and isotropic noise.
// Keys (pre-RoPE) of token j in a segment of topic t:
//   k_j = topic_scale * u_t + lowrank_noise * z_j / sqrt(rank) + pos_scale * c
//       + iso_noise * n_j + [j < sinks] * a * s + outlier offsets,
// where u_t are `topics` random unit vectors of the semantic band, z_j is N(0, I) on that
// band, n_j is N(0, I) on all D channels, c has a unit-norm random-phase 2-vector on each
// positional pair, and a = sqrt(sink_logit * sqrt(D)). The context is a sequence of segments
// of uniform random length in [segment_min, segment_max], each drawn from a recurring topic
// (uniform); the topic sequence is shared by all heads (same text), the rest is per head.
// Values: v_j = value_topic_scale * w_t + AR(1) process e_j = value_ar * e_{j-1} +
// sqrt(1 - value_ar^2) * N(0, I).
// Queries at position p = L - S + s (step s), by head kind; every query also gets the sink
// component a * s added after RoPE (aligned with the practically unrotated sink keys at
// positions 0..sinks-1), so sink keys score about sink_logit more than they would otherwise,
// in every head, for any rope_base and context:
//   - retrieval: aligned with one or two topics that occur in the prefill
//     (q = beta * (u_a [+ u_b]), beta chosen so a fully aligned key scores retrieval_logit)
//     -> sparse attention on those topics' segments;
//   - local: the positional vector c scaled so the key at distance 0 scores local_logit
//     -> recency (RoPE makes q.k decay with distance), plus a pull to the current topic
//     (local_topic_logit);
//   - aggregation: only the sinks and noise -> flat attention.
// Every query also gets isotropic noise scaled so its logits vary with std query_noise_logit
// across the keys of the head.
// q (but its sink component) and k are rotated by RoPE at their positions; then q, k, v are
// rounded to the simulation input format (fp16 or bf16, round to nearest even).
//
// Defaults and their rationale (D = 128):
//   topics 32, rank 16, segment 32..256 tokens: at L = 16K about 110 segments, a topic covers
//     ~500 tokens (3% of the context), so a retrieval head has a few hundred relevant tokens;
//   topic_scale 6, lowrank_noise 2.5, iso_noise 0.3, pos_scale 0.5: keys of a topic have
//     cosine ~0.85 with each other in the semantic band, the centred post-RoPE keys need ~70
//     of 128 principal components for 90% of their variance (RoPE spreads the positional
//     part), and the outlier offset dominates the raw key norm (~18), as in real heads;
//   outliers 4, outlier_offset 8: a few channels with mean |k| ~20x the median channel (the
//     fixed-channel key outliers reported by KIVI and "massive activations");
//   sinks 4, sink_logit 7: the first 4 tokens take ~20% of a flat head's attention at 16K
//     (4 e^7 against 16K tokens near logit 0) and ~2/3 at 2K, as sinks do in real heads;
//   rope_base 500000 (LLaMA-3): the slowest semantic pair rotates ~0.4 rad over 16K tokens,
//     so topic similarity survives long distances as in long-context models (10000 gives
//     LLaMA-2's RoPE, under which far topics decorrelate);
//   retrieval_logit 10, local_logit 8, local_topic_logit 2, query_noise_logit 0.5;
//   value_ar 0.9, value_topic_scale 0.5.
// Randomness: std::mt19937_64 (fully specified by the standard) with our own uniform and
// Box-Muller normal samplers, so the integer stream is identical everywhere; the cos/log/sqrt
// of the platform libm may differ in the last bit across platforms, which rounding to 16 bits
// almost always absorbs (bit-identical results are guaranteed on one platform only).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "contracts/kv_source.hpp"
#include "contracts/pim_arith.hpp"

namespace starc {

struct SyntheticParams {
  int context = 4096;  // L, tokens (prefill + decode)
  int steps = 16;      // S, decode steps (queries)
  int head_dim = 128;  // D
  std::vector<std::string> kinds = {"retrieval"};  // one per head
  std::uint64_t seed = 1;

  int topics = 32;
  int rank = 16;  // even, rank/2 pairs
  int segment_min = 32;
  int segment_max = 256;
  double topic_scale = 6.0;
  double lowrank_noise = 2.5;
  double iso_noise = 0.3;
  double pos_scale = 0.5;
  int outliers = 4;
  double outlier_offset = 8.0;
  int sinks = 4;
  double sink_logit = 7.0;
  double rope_base = 500000.0;
  double value_ar = 0.9;
  double value_topic_scale = 0.5;
  double retrieval_logit = 10.0;
  double local_logit = 8.0;
  double local_topic_logit = 2.0;
  double query_noise_logit = 0.5;
};

// The head kinds the generator knows.
const std::vector<std::string>& synthetic_head_kinds();

// Throws std::invalid_argument naming the bad parameter (as its command-line flag).
void validate(const SyntheticParams& p);

// Deterministic in (p, fmt): the same parameters give bit-identical data.
// only_head: generate that head alone (heads[0] is then head *only_head, bit-identical to the
// same head of the full generation); the others are not generated.
KvSource generate_synthetic(const SyntheticParams& p, pim::Fmt fmt,
                            std::optional<std::size_t> only_head = std::nullopt);

// One-line summary of the parameters (KvSource::description).
std::string describe(const SyntheticParams& p, pim::Fmt fmt);

}  // namespace starc
