// Token-order layout (docs/design.md section 4), used by dense, oracle, token-wise and Quest: token t
// in key/value slot t, so slots_per_row(D) consecutive tokens share a BG-row and consecutive
// BG-rows go to consecutive bank groups. With D = 128 on the paper's channel a Quest page of 16
// tokens is exactly one BG-row. The page-metadata region holds, for each page of `page` tokens
// (the last one possibly partial), the elementwise minimum (slot 2p) and maximum (slot 2p+1)
// of its keys.
#pragma once

#include "mapping/kv_layout.hpp"

namespace starc {

struct TokenLayoutParams {
  unsigned page = 16;      // Quest page size in tokens; 0: no page-metadata region
  unsigned capacity = 0;   // tokens to size the regions for (0: the prefix)
};

class TokenLayout final : public KvLayout {
 public:
  // Places the first n tokens of `head`.
  TokenLayout(const KvHead& head, unsigned n, const pim::Org& org, pim::Fmt fmt,
              const TokenLayoutParams& p = {});
  std::string_view name() const override { return "token-order"; }
  unsigned page() const { return page_; }
};

// Elementwise min (row 2p) and max (row 2p+1) of the keys of each page of keys[0, n).
Matrix page_min_max(const Eigen::Ref<const Matrix>& keys, unsigned n, unsigned page);

}  // namespace starc
