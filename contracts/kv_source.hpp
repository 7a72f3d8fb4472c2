// KV-cache data of one or more attention heads, as the rest of the simulator consumes it.
//
// Decode-step convention (shared by every policy, the fidelity metrics and the co-simulation):
// a head has L keys/values and S queries; decode step s (0-based) attends to the first
// L - S + s + 1 tokens (the query's own token is the last key, as in a Hugging Face dump of
// a generation), so the prefill is the first L - S tokens.
#pragma once

#include <string>
#include <vector>

#include <Eigen/Core>

#include "contracts/pim_arith.hpp"

namespace starc {

// One token per row.
using Matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

struct KvHead {
  Matrix keys;     // [L, D]; every element exactly representable in KvSource::fmt
  Matrix values;   // [L, D]; idem
  Matrix queries;  // [S, D]; idem
  std::string kind;  // head type for synthetic heads ("retrieval", "local", ...), else ""
};

struct KvSource {
  pim::Fmt fmt = pim::Fmt::fp16;
  std::vector<KvHead> heads;
  std::string description;  // where the data came from (path or synthetic parameters)
};

}  // namespace starc
