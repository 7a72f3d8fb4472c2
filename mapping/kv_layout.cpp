#include "mapping/kv_layout.hpp"

#include <algorithm>
#include <stdexcept>

#include <fmt/core.h>

namespace starc {
namespace {

unsigned ceil_div(unsigned a, unsigned b) { return (a + b - 1) / b; }

// Collects columns per BG-row index of one region and emits them as a ReadList.
class ReadCollector {
 public:
  ReadCollector(const KvLayout& l, Region r) : l_(l), r_(r), cols_(bg_rows(l, r)) {}
  void add(unsigned slot, unsigned col_in_token) {
    const unsigned spr = l_.slots_per_row();
    cols_.at(slot / spr).push_back((slot % spr) * l_.cols_per_token() + col_in_token);
  }
  void add_slot(unsigned slot) {
    for (unsigned c = 0; c < l_.cols_per_token(); ++c) add(slot, c);
  }
  pim::ReadList finish() {
    pim::ReadList out;
    const unsigned g = l_.org().total_bank_groups();
    for (unsigned i = 0; i < cols_.size(); ++i) {
      auto& c = cols_[i];
      if (c.empty()) continue;
      std::sort(c.begin(), c.end());
      c.erase(std::unique(c.begin(), c.end()), c.end());
      out.push_back(pim::RowRead{i % g, l_.base_row(r_) + i / g, std::move(c)});
    }
    return out;
  }

 private:
  static std::size_t bg_rows(const KvLayout& l, Region r) {
    return static_cast<std::size_t>(l.rows(r)) * l.org().total_bank_groups();
  }
  const KvLayout& l_;
  Region r_;
  std::vector<std::vector<unsigned>> cols_;
};

}  // namespace

std::string_view region_name(Region r) {
  switch (r) {
    case Region::keys: return "keys";
    case Region::values: return "values";
    case Region::centroids: return "centroids";
    case Region::page_meta: return "page_meta";
    case Region::groups: return "groups";
  }
  return "?";
}

ReadCounts count(const pim::ReadList& reads) {
  ReadCounts c;
  c.bg_rows = reads.size();
  for (const auto& r : reads) c.columns += r.columns.size();
  return c;
}

void check_head(const KvHead& head, unsigned n, std::string_view who) {
  if (head.keys.rows() != head.values.rows() || head.keys.cols() != head.values.cols()) {
    throw std::invalid_argument(fmt::format("{}: keys [{}, {}] and values [{}, {}] differ in shape",
                                            who, head.keys.rows(), head.keys.cols(),
                                            head.values.rows(), head.values.cols()));
  }
  if (n == 0 || n > head.keys.rows()) {
    throw std::invalid_argument(
        fmt::format("{}: prefix of {} tokens, head has {}", who, n, head.keys.rows()));
  }
}

KvLayout::KvLayout(const pim::Org& org, pim::Fmt fmt, unsigned dim, unsigned tokens,
                   unsigned capacity, unsigned centroid_slots, unsigned meta_slots,
                   unsigned group_slots)
    : org_(org), fmt_(fmt), dim_(dim), tokens_(tokens), capacity_(std::max(tokens, capacity)),
      spr_(org.slots_per_row(dim)), cpt_(org.cols_per_token(dim)), image_(org) {
  const unsigned slots[kRegions] = {capacity_, capacity_, centroid_slots, meta_slots, group_slots};
  const unsigned g = org_.total_bank_groups();
  unsigned next = 0;
  for (unsigned r = 0; r < kRegions; ++r) {
    slots_[r] = slots[r];
    base_[r] = next;
    rows_[r] = ceil_div(ceil_div(slots[r], spr_), g);
    next += rows_[r];
  }
  if (next > org_.rows) {
    throw std::invalid_argument(fmt::format(
        "layout: {} tokens of dimension {} need {} rows per bank, the organisation has {}",
        capacity_, dim_, next, org_.rows));
  }
}

unsigned KvLayout::rows_for(const pim::Org& org, unsigned dim, unsigned capacity, unsigned centroid_slots,
                            unsigned meta_slots, unsigned group_slots) {
  const unsigned spr = org.slots_per_row(dim), g = org.total_bank_groups();
  const std::uint64_t slots[kRegions] = {capacity, capacity, centroid_slots, meta_slots, group_slots};
  std::uint64_t rows = 0;
  for (std::uint64_t s : slots) rows += ((s + spr - 1) / spr + g - 1) / g;  // as the constructor
  return static_cast<unsigned>(std::min<std::uint64_t>(rows, ~0u));
}

void KvLayout::place(const KvHead& head, std::vector<unsigned> token_of_slot) {
  check_head(head, tokens_, name());
  if (static_cast<unsigned>(head.keys.cols()) != dim_) {
    throw std::invalid_argument(fmt::format("{}: head dimension {} differs from the layout's {}",
                                            name(), head.keys.cols(), dim_));
  }
  if (token_of_slot.size() > capacity_) throw std::logic_error("layout: more slots than capacity");
  token_at_ = std::move(token_of_slot);
  slot_of_.assign(tokens_, kNoToken);
  for (unsigned s = 0; s < token_at_.size(); ++s) {
    const unsigned t = token_at_[s];
    if (t == kNoToken) continue;
    if (t >= tokens_ || slot_of_[t] != kNoToken) {
      throw std::logic_error(fmt::format("{}: token {} placed twice or out of range", name(), t));
    }
    slot_of_[t] = s;
  }
  for (unsigned t = 0; t < tokens_; ++t) {
    if (slot_of_[t] == kNoToken) {
      throw std::logic_error(fmt::format("{}: token {} has no slot", name(), t));
    }
    write_vector(Region::keys, slot_of_[t],
                 std::span<const float>(head.keys.row(t).data(), dim_));
    write_vector(Region::values, slot_of_[t],
                 std::span<const float>(head.values.row(t).data(), dim_));
  }
}

SlotAddress KvLayout::slot_address(Region r, unsigned slot) const {
  const auto ri = static_cast<unsigned>(r);
  if (slot >= slots_[ri]) {
    throw std::out_of_range(fmt::format("{}: slot {} beyond the {} slots of region {}", name(),
                                        slot, slots_[ri], region_name(r)));
  }
  const unsigned g = org_.total_bank_groups();
  const unsigned bgrow = slot / spr_;
  return SlotAddress{bgrow % g, base_[ri] + bgrow / g, slot % spr_};
}

ElementAddress KvLayout::element_address(Region r, unsigned slot, unsigned dim) const {
  if (dim >= dim_) throw std::out_of_range(fmt::format("{}: dimension {} >= {}", name(), dim, dim_));
  const SlotAddress a = slot_address(r, slot);
  const unsigned per_bank = dim_ / org_.banks;
  const unsigned within = dim % per_bank;
  ElementAddress e;
  e.bank = dim / per_bank;
  e.row = a.row;
  e.col = a.slot * cpt_ + within / org_.lanes;
  e.lane = within % org_.lanes;
  e.bg = a.gbg % org_.bank_groups;
  e.rank = (a.gbg / org_.bank_groups) % org_.ranks;
  e.pch = a.gbg / (org_.bank_groups * org_.ranks);
  e.gbank = a.gbg * org_.banks + e.bank;
  return e;
}

void KvLayout::write_vector(Region r, unsigned slot, std::span<const float> v) {
  if (v.size() != dim_) throw std::logic_error("layout: vector size mismatch");
  const SlotAddress a = slot_address(r, slot);
  const unsigned per_bank = dim_ / org_.banks;
  for (unsigned b = 0; b < org_.banks; ++b) {
    // One row lookup per bank (the slot's cpt_ columns are adjacent in the row).
    const unsigned gbank = a.gbg * org_.banks + b;
    if (last_row_.empty()) last_row_.assign(org_.total_banks(), {~0u, nullptr});
    auto& last = last_row_[gbank];
    if (last.first != a.row) last = {a.row, image_.row_for_write(gbank, a.row)};
    std::uint16_t* row = last.second;
    std::uint16_t* out = row + static_cast<std::size_t>(a.slot) * cpt_ * org_.lanes;
    for (unsigned k = 0; k < cpt_ * org_.lanes; ++k) out[k] = pim::encode_input(v[b * per_bank + k], fmt_);
  }
}

std::vector<float> KvLayout::read_vector(Region r, unsigned slot) const {
  std::vector<float> v(dim_);
  for (unsigned d = 0; d < dim_; ++d) {
    const ElementAddress e = element_address(r, slot, d);
    v[d] = pim::decode_input(image_.element(e.gbank, e.row, e.col, e.lane), fmt_);
  }
  return v;
}

pim::ReadList KvLayout::token_reads(Region r, std::span<const unsigned> tokens) const {
  if (r != Region::keys && r != Region::values) {
    throw std::invalid_argument("layout: token reads are for the key or value region");
  }
  ReadCollector rc(*this, r);
  for (unsigned t : tokens) {
    if (t >= tokens_) {
      throw std::out_of_range(fmt::format("{}: token {} not placed (context {})", name(), t, tokens_));
    }
    rc.add_slot(slot_of_[t]);
  }
  return rc.finish();
}

pim::ReadList KvLayout::slot_reads(Region r, std::span<const unsigned> slots) const {
  ReadCollector rc(*this, r);
  for (unsigned s : slots) {
    slot_address(r, s);  // range check
    rc.add_slot(s);
  }
  return rc.finish();
}

pim::ReadList KvLayout::dim_reads(std::span<const unsigned> dims, unsigned n) const {
  if (n > tokens_) {
    throw std::out_of_range(fmt::format("{}: {} tokens, {} placed", name(), n, tokens_));
  }
  const unsigned per_bank = dim_ / org_.banks;
  std::vector<unsigned> offs;
  for (unsigned d : dims) {
    if (d >= dim_) throw std::out_of_range(fmt::format("{}: dimension {} >= {}", name(), d, dim_));
    offs.push_back((d % per_bank) / org_.lanes);
  }
  std::sort(offs.begin(), offs.end());
  offs.erase(std::unique(offs.begin(), offs.end()), offs.end());
  ReadCollector rc(*this, Region::keys);
  for (unsigned t = 0; t < n; ++t) {
    for (unsigned c : offs) rc.add(slot_of_[t], c);
  }
  return rc.finish();
}

pim::ReadList KvLayout::cost_reads(const Selection& sel) const {
  if (sel.context > tokens_) {
    throw std::out_of_range(fmt::format("{}: selection over {} tokens, layout holds {}", name(),
                                        sel.context, tokens_));
  }
  std::vector<unsigned> slots;
  switch (sel.cost) {
    case SelectionCost::none: return {};
    case SelectionCost::dims: return dim_reads(sel.dims, sel.context);
    case SelectionCost::centroids:
      if (kmeans_block_ == 0) {
        throw std::invalid_argument(fmt::format("{} layout holds no centroids", name()));
      }
      for (unsigned g = 0; g < sel.context / kmeans_block_ * kmeans_k_; ++g)
        if (centroid_slot(g) != kNoToken) slots.push_back(centroid_slot(g));  // empty clusters may have none
      return slot_reads(Region::centroids, slots);
    case SelectionCost::page_meta:
      if (page_ == 0) {
        throw std::invalid_argument(fmt::format("{} layout holds no page metadata", name()));
      }
      for (unsigned s = 0; s < 2 * ceil_div(sel.context, page_); ++s) slots.push_back(s);
      return slot_reads(Region::page_meta, slots);
  }
  return {};
}

PhaseReads KvLayout::plan(const Selection& sel) const {
  PhaseReads p;
  p.selection = cost_reads(sel);
  p.keys = token_reads(Region::keys, sel.tokens);
  p.values = token_reads(Region::values, sel.tokens);
  return p;
}

std::vector<unsigned> KvLayout::tokens_read(const pim::ReadList& reads, Region r) const {
  const auto ri = static_cast<unsigned>(r);
  const unsigned g = org_.total_bank_groups();
  std::vector<unsigned> out;
  for (const auto& rr : reads) {
    if (rr.bank_group >= g || rr.row < base_[ri] || rr.row >= base_[ri] + rows_[ri]) {
      throw std::invalid_argument(fmt::format("{}: read of bank group {} row {} is outside region {}",
                                              name(), rr.bank_group, rr.row, region_name(r)));
    }
    const unsigned first_slot = ((rr.row - base_[ri]) * g + rr.bank_group) * spr_;
    std::vector<unsigned> per_slot(spr_, 0);
    for (unsigned c : rr.columns) {
      if (c >= org_.columns) throw std::invalid_argument(fmt::format("{}: column {} out of range", name(), c));
      ++per_slot[c / cpt_];
    }
    for (unsigned s = 0; s < spr_; ++s) {
      if (per_slot[s] == 0) continue;
      if (per_slot[s] != cpt_) {
        throw std::invalid_argument(fmt::format("{}: slot {} read partially", name(), first_slot + s));
      }
      const unsigned t = token_at(first_slot + s);
      if (t == kNoToken || (r != Region::keys && r != Region::values)) {
        throw std::invalid_argument(fmt::format("{}: read of empty slot {}", name(), first_slot + s));
      }
      out.push_back(t);
    }
  }
  std::sort(out.begin(), out.end());
  if (std::adjacent_find(out.begin(), out.end()) != out.end()) {
    throw std::invalid_argument(fmt::format("{}: a token is read twice", name()));
  }
  return out;
}

}  // namespace starc
