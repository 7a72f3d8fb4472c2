#include "host/golden_channel.hpp"

#include <span>

namespace pim {

GoldenChannel::GoldenChannel(const Org& org, unsigned head_dim, Fmt fmt, const DramImage& image)
    : org_(org),
      head_dim_(head_dim),
      cpt_(org.cols_per_token(head_dim)),
      slots_(org.slots_per_row(head_dim)),
      fmt_(fmt),
      image_(image),
      row_(org.total_banks(), -1),
      gbuf_(org.total_banks(), std::vector<std::uint16_t>(cpt_ * org.lanes, 0)),
      scal_(org.total_bank_groups(), std::vector<std::uint16_t>(slots_, 0)),
      acc_dot_(org.total_banks(), std::vector<float>(slots_, 0.0f)),
      acc_axpy_(org.total_banks(), std::vector<float>(cpt_ * org.lanes, 0.0f)) {}

std::optional<MvsbResult> GoldenChannel::step(const Command& c) {
  const unsigned nb = org_.banks, lanes = org_.lanes;
  const unsigned g = org_.global_bank_group(c.pch, c.rank, c.bg);
  switch (c.op) {
    case Op::ACTAB:
      for (auto& r : row_) r = c.row;
      break;
    case Op::ACT:
      row_[g * nb + c.bank] = c.row;
      break;
    case Op::WRGB:
      for (unsigned grp = 0; grp < org_.total_bank_groups(); ++grp)
        for (unsigned i = 0; i < lanes; ++i) gbuf_[grp * nb + c.bank][c.col * lanes + i] = c.data.at(i);
      break;
    case Op::MVGB:
      for (unsigned i = 0; i < lanes && c.col * lanes + i < slots_; ++i) scal_[g][c.col * lanes + i] = c.data.at(i);
      break;
    case Op::MACAB: {
      const unsigned slot = c.col / cpt_, chunk = c.col % cpt_;
      zeros_.assign(lanes, 0);
      const std::vector<std::uint16_t>& zeros = zeros_;
      for (unsigned grp = 0; grp < org_.total_bank_groups(); ++grp) {
        if (!(c.mask >> grp & 1u)) continue;
        for (unsigned k = 0; k < nb; ++k) {
          const unsigned b = grp * nb + k;
          const std::uint16_t* r = row_[b] < 0 ? nullptr : image_.row(b, static_cast<unsigned>(row_[b]));
          std::span<const std::uint16_t> col = r ? std::span<const std::uint16_t>(r + c.col * lanes, lanes)
                                                 : std::span<const std::uint16_t>(zeros);
          if (c.mode == Mode::dot) {
            acc_dot_[b][slot] = dot(acc_dot_[b][slot], col,
                                    std::span<const std::uint16_t>(gbuf_[b]).subspan(chunk * lanes, lanes), fmt_);
          } else {
            axpy(std::span<float>(acc_axpy_[b]).subspan(chunk * lanes, lanes), scal_[grp][slot], col, fmt_);
          }
        }
      }
      break;
    }
    case Op::MVSB: {
      MvsbResult res;
      res.cycle = c.cycle;
      res.gbg = g;
      res.mode = c.mode;
      if (c.mode == Mode::dot) {
        std::vector<float> p(nb);
        for (unsigned s = 0; s < slots_; ++s) {
          for (unsigned k = 0; k < nb; ++k) p[k] = acc_dot_[g * nb + k][s];
          res.words.push_back(bits_of(tree(p)));
        }
        for (unsigned k = 0; k < nb; ++k) std::fill(acc_dot_[g * nb + k].begin(), acc_dot_[g * nb + k].end(), 0.0f);
      } else {
        for (unsigned k = 0; k < nb; ++k) {
          for (float v : acc_axpy_[g * nb + k]) res.words.push_back(bits_of(v));
          std::fill(acc_axpy_[g * nb + k].begin(), acc_axpy_[g * nb + k].end(), 0.0f);
        }
      }
      return res;
    }
    default:
      break;
  }
  return std::nullopt;
}

}  // namespace pim
