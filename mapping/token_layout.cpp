#include "mapping/token_layout.hpp"

#include <stdexcept>

#include <fmt/core.h>

namespace starc {

Matrix page_min_max(const Eigen::Ref<const Matrix>& keys, unsigned n, unsigned page) {
  if (page == 0) throw std::invalid_argument("page size must be >= 1");
  if (n > keys.rows()) throw std::invalid_argument("page metadata: prefix longer than the keys");
  const unsigned pages = (n + page - 1) / page;
  Matrix out(2 * static_cast<Eigen::Index>(pages), keys.cols());
  for (unsigned p = 0; p < pages; ++p) {
    const unsigned first = p * page;
    const unsigned len = std::min(page, n - first);
    out.row(2 * p) = keys.middleRows(first, len).colwise().minCoeff();
    out.row(2 * p + 1) = keys.middleRows(first, len).colwise().maxCoeff();
  }
  return out;
}

namespace {
unsigned meta_slots(const KvHead& head, unsigned n, const TokenLayoutParams& p) {
  check_head(head, n, "token-order layout");
  if (p.page == 0) return 0;
  const unsigned cap = std::max(n, p.capacity);
  return 2 * ((cap + p.page - 1) / p.page);
}
}  // namespace

TokenLayout::TokenLayout(const KvHead& head, unsigned n, const pim::Org& org, pim::Fmt fmt,
                         const TokenLayoutParams& p)
    : KvLayout(org, fmt, static_cast<unsigned>(head.keys.cols()), n, p.capacity, 0,
               meta_slots(head, n, p)) {
  page_ = p.page;
  std::vector<unsigned> order(n);
  for (unsigned t = 0; t < n; ++t) order[t] = t;
  place(head, std::move(order));
  if (page_ == 0) return;
  const Matrix meta = page_min_max(head.keys, n, page_);
  for (Eigen::Index s = 0; s < meta.rows(); ++s) {
    write_vector(Region::page_meta, static_cast<unsigned>(s),
                 std::span<const float>(meta.row(s).data(), head_dim()));
  }
}

}  // namespace starc
