// KV layouts (docs/design.md section 4): where each token of one head lives in one channel, the
// DRAM image that holds it, and the reads a selection turns into.
//
// Every layout places vectors of head dimension D in "slots": a BG-row (one row index across
// the banks of one bank group) holds slots_per_row(D) slots, and a vector is split over the
// banks of its group by the element placement of pim_org.hpp. A region is a run of row indices
// [base_row, base_row + rows) in every bank group; slot s of a region is in BG-row s /
// slots_per_row, and consecutive BG-rows go to consecutive global bank groups, then to the next
// row index:  gbg = (s / spr) % G,  row = base_row + (s / spr) / G,  slot in row = s % spr.
//
// Regions, in row order, each starting on a fresh row index: keys, values (same slot for a
// token as its key), centroids (cluster layout: centroid of cluster g in slot g), page
// metadata (token layout: page p's elementwise key minimum in slot 2p, maximum in slot 2p+1).
// Regions are sized for `capacity` tokens so that later tokens of the same head can be
// appended without moving anything.
//
// What differs between layouts is the key/value slot of each token (slot_of / token_at): the
// token-order layout puts token t in slot t; the cluster layout puts each clustered block's
// tokens cluster by cluster (cluster_layout.hpp).
#pragma once

#include <cstdint>
#include <limits>
#include <span>
#include <string_view>
#include <vector>

#include "contracts/dram_image.hpp"
#include "contracts/kv_source.hpp"
#include "contracts/pim_arith.hpp"
#include "contracts/pim_org.hpp"
#include "contracts/policy_selection.hpp"
#include "contracts/read_list.hpp"

namespace starc {

enum class Region : std::uint8_t { keys = 0, values = 1, centroids = 2, page_meta = 3, groups = 4 };
inline constexpr unsigned kRegions = 5;
std::string_view region_name(Region r);

// A slot's place: global bank group, absolute row index, slot within the BG-row.
struct SlotAddress {
  unsigned gbg = 0;
  unsigned row = 0;
  unsigned slot = 0;
  bool operator==(const SlotAddress&) const = default;
};

// One element's place in DRAM.
struct ElementAddress {
  unsigned pch = 0, rank = 0, bg = 0, bank = 0, row = 0, col = 0, lane = 0;
  unsigned gbank = 0;  // global bank index (DramImage addressing)
};

// The reads of one decode step: what the selection costs, then the key and value phases.
struct PhaseReads {
  pim::ReadList selection;
  pim::ReadList keys;
  pim::ReadList values;
};

// Counts for reports and tests.
struct ReadCounts {
  std::size_t bg_rows = 0;  // RowRead entries
  std::size_t columns = 0;  // column reads (MACAB commands' worth, per bank group)
};
ReadCounts count(const pim::ReadList& reads);

class KvLayout {
 public:
  static constexpr unsigned kNoToken = std::numeric_limits<unsigned>::max();

  virtual ~KvLayout() = default;
  // Not copied (a copy's row cache would point into the original's image).
  KvLayout(const KvLayout&) = delete;
  KvLayout& operator=(const KvLayout&) = delete;
  virtual std::string_view name() const = 0;

  const pim::Org& org() const { return org_; }
  pim::Fmt fmt() const { return fmt_; }
  unsigned head_dim() const { return dim_; }
  unsigned tokens() const { return tokens_; }      // tokens placed (the prefix n)
  unsigned capacity() const { return capacity_; }  // tokens the regions are sized for
  unsigned slots_per_row() const { return spr_; }
  unsigned cols_per_token() const { return cpt_; }

  unsigned base_row(Region r) const { return base_[static_cast<unsigned>(r)]; }
  unsigned rows(Region r) const { return rows_[static_cast<unsigned>(r)]; }
  unsigned region_slots(Region r) const { return slots_[static_cast<unsigned>(r)]; }

  // Key/value slot of a token, and the token in a key/value slot (kNoToken when empty).
  unsigned slot_of(unsigned token) const { return slot_of_.at(token); }
  unsigned token_at(unsigned slot) const {
    return slot < token_at_.size() ? token_at_[slot] : kNoToken;
  }

  // Centroid slot of cluster g and the cluster in a centroid slot (identity unless the layout
  // orders its centroids otherwise; kNoToken for an empty slot); the same for the groups'
  // super-centroids (Region::groups, hierarchical selection).
  unsigned centroid_slot(unsigned cluster) const {
    return centroid_slot_.empty() ? cluster : centroid_slot_.at(cluster);
  }
  unsigned cluster_at_centroid(unsigned slot) const {
    if (centroid_slot_.empty()) return slot;
    return slot < cluster_at_centroid_.size() ? cluster_at_centroid_[slot] : kNoToken;
  }
  unsigned group_slot(unsigned group) const { return group_slot_.at(group); }
  unsigned group_at(unsigned slot) const {
    return slot < group_at_.size() ? group_at_[slot] : kNoToken;
  }

  SlotAddress slot_address(Region r, unsigned slot) const;
  SlotAddress token_address(unsigned token, Region r = Region::keys) const {
    return slot_address(r, slot_of(token));
  }
  // Where element `dim` of the vector in `slot` of region `r` is.
  ElementAddress element_address(Region r, unsigned slot, unsigned dim) const;

  // The DRAM image of keys, values and the layout's metadata (16-bit patterns in fmt()).
  const pim::DramImage& image() const { return image_; }
  // Reads the vector in `slot` of `r` back from the image (decoded to float).
  std::vector<float> read_vector(Region r, unsigned slot) const;

  // Every column of the given tokens' slots in the key or value region, grouped by BG-row
  // (ascending row, then bank group).
  pim::ReadList token_reads(Region r, std::span<const unsigned> tokens) const;
  // Every column of the given slots of region r.
  pim::ReadList slot_reads(Region r, std::span<const unsigned> slots) const;
  // For every token 0..n-1 of the key region, the columns that hold any of `dims`.
  pim::ReadList dim_reads(std::span<const unsigned> dims, unsigned n) const;
  // What the selection itself reads (SelectionCost), for a context of sel.context tokens.
  pim::ReadList cost_reads(const Selection& sel) const;
  // Selection cost, key phase and value phase of one step.
  PhaseReads plan(const Selection& sel) const;

  // The tokens whose key slots `reads` touch; throws if a slot is read partially or a read
  // touches an empty slot or another region. Used by tests and by the co-simulation checks.
  std::vector<unsigned> tokens_read(const pim::ReadList& reads, Region r = Region::keys) const;

 public:
  // Rows per bank that regions of these sizes take (keys and values of `capacity` tokens, then
  // the centroid, page-metadata and group regions), without building anything: what a caller
  // checks against org.rows before any work.
  static unsigned rows_for(const pim::Org& org, unsigned dim, unsigned capacity, unsigned centroid_slots,
                           unsigned meta_slots, unsigned group_slots = 0);

 protected:
  // Sizes the regions: `centroid_slots`, `meta_slots` and `group_slots` for `capacity` tokens.
  KvLayout(const pim::Org& org, pim::Fmt fmt, unsigned dim, unsigned tokens, unsigned capacity,
           unsigned centroid_slots, unsigned meta_slots, unsigned group_slots = 0);
  // Places token token_of_slot[s] in slot s (kNoToken for an empty slot) and writes the keys
  // and values of tokens [0, tokens()) of `head` to the image.
  void place(const KvHead& head, std::vector<unsigned> token_of_slot);
  // Writes one vector (rounded to fmt()) to `slot` of region `r`.
  void write_vector(Region r, unsigned slot, std::span<const float> v);

  unsigned kmeans_block_ = 0;  // cluster layout: tokens per block
  unsigned kmeans_k_ = 0;      // cluster layout: clusters per block
  unsigned page_ = 0;          // token layout: tokens per Quest page
  // Layouts that order their centroids: cluster -> centroid slot and back; group -> slot and back.
  std::vector<unsigned> centroid_slot_, cluster_at_centroid_, group_slot_, group_at_;

 private:
  pim::Org org_;
  pim::Fmt fmt_;
  unsigned dim_, tokens_, capacity_, spr_, cpt_;
  unsigned base_[kRegions]{}, rows_[kRegions]{}, slots_[kRegions]{};
  std::vector<unsigned> slot_of_, token_at_;
  pim::DramImage image_;
  // The last row write_vector wrote in each bank (row index, its cells): slots of one BG-row share
  // rows, so most writes need no lookup (an image's rows never move once created).
  std::vector<std::pair<unsigned, std::uint16_t*>> last_row_;
};

// Checks that `head` has at least n tokens of dimension d (shared by the layouts).
void check_head(const KvHead& head, unsigned n, std::string_view who);

}  // namespace starc
