#include "host/cmd_trace.hpp"

#include <fstream>
#include <istream>
#include <map>
#include <ostream>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>
#include <fmt/ostream.h>

namespace pim {

void write_trace_header(std::ostream& os, const Org& org, const Timing& t, std::uint64_t refreshes_before) {
  fmt::print(os, "# org pch={} rank={} bg={} bank={}\n", org.pseudo_channels, org.ranks,
             org.bank_groups, org.banks);
  fmt::print(os, "# timing nRCD={} nRP={} nRAS={} nRC={} nRTPL={} nCCDAB={} nRRDS={} nRRDL={} nFAW={} nBL={}\n",
             t.nRCD, t.nRP, t.nRAS, t.nRC, t.nRTPL, t.nCCDAB, t.nRRDS, t.nRRDL, t.nFAW, t.nBL);
  fmt::print(os, "# timing-extra nCCDS={} nCCDL={} nROW={}\n", t.nCCDS, t.nCCDL, t.nROW);
  fmt::print(os, "# refresh enabled={} nRFC={} nREFI={} postpone={} before={}\n", t.refresh ? 1 : 0, t.nRFC,
             t.nREFI, kRefreshPostpone, refreshes_before);
}

void write_trace_line(std::ostream& os, const Command& c) {
  auto f = [](bool used, unsigned v) { return used ? std::to_string(v) : std::string("-"); };
  const bool bank_addr = c.op == Op::ACT || c.op == Op::PRE;
  const bool bg_addr = bank_addr || c.op == Op::MVGB || c.op == Op::MVSB;
  const bool rank_addr = bg_addr || c.op == Op::REFAB;
  const bool row = c.op == Op::ACT || c.op == Op::ACTAB;
  const bool col = c.op == Op::MACAB || c.op == Op::WRGB || c.op == Op::MVGB;
  const std::string mask = c.op == Op::MACAB ? fmt::format("{:x}", c.mask) : "-";
  fmt::print(os, "{} {} {} {} {} {} {} {} {}\n", c.cycle, op_name(c.op), f(rank_addr, c.pch),
             f(rank_addr, c.rank), f(bg_addr, c.bg), f(bank_addr || c.op == Op::WRGB, c.bank),
             f(row, c.row), f(col, c.col), mask);
}

void write_trace(std::ostream& os, const Org& org, const Timing& timing,
                 std::span<const Command> cmds, std::span<const TraceMark> marks,
                 std::uint64_t refreshes_before) {
  write_trace_header(os, org, timing, refreshes_before);
  std::size_t m = 0;
  for (std::size_t i = 0; i < cmds.size(); ++i) {
    for (; m < marks.size() && marks[m].index == i; ++m) os << "# " << marks[m].text << "\n";
    write_trace_line(os, cmds[i]);
  }
}

void write_trace_file(const std::string& path, const Org& org, const Timing& timing,
                      const std::vector<Command>& cmds) {
  std::ofstream os(path);
  if (!os) throw std::runtime_error("cannot write command trace '" + path + "'");
  write_trace(os, org, timing, cmds);
  if (!os) throw std::runtime_error("error writing command trace '" + path + "'");
}

namespace {

std::map<std::string, unsigned> key_values(std::istringstream& ls, unsigned line) {
  std::map<std::string, unsigned> kv;
  std::string tok;
  while (ls >> tok) {
    const auto eq = tok.find('=');
    if (eq == std::string::npos) throw std::invalid_argument(fmt::format("trace line {}: bad field '{}'", line, tok));
    try {
      kv[tok.substr(0, eq)] = static_cast<unsigned>(std::stoul(tok.substr(eq + 1)));
    } catch (const std::exception&) {
      throw std::invalid_argument(fmt::format("trace line {}: bad value in '{}'", line, tok));
    }
  }
  return kv;
}

unsigned need(const std::map<std::string, unsigned>& kv, const char* key, unsigned line) {
  auto it = kv.find(key);
  if (it == kv.end()) throw std::invalid_argument(fmt::format("trace line {}: missing {}", line, key));
  return it->second;
}

}  // namespace

ParsedTrace parse_trace(std::istream& is) {
  ParsedTrace p;
  bool have_org = false, have_timing = false, have_extra = false, have_refresh = false;
  std::string text;
  unsigned line = 0;
  while (std::getline(is, text)) {
    ++line;
    if (text.empty()) continue;
    std::istringstream ls(text);
    if (text[0] == '#') {
      std::string hash, kind;
      ls >> hash >> kind;
      if (kind == "org") {
        auto kv = key_values(ls, line);
        p.org.pseudo_channels = need(kv, "pch", line);
        p.org.ranks = need(kv, "rank", line);
        p.org.bank_groups = need(kv, "bg", line);
        p.org.banks = need(kv, "bank", line);
        // A MACAB's mask has one bit per global bank group in 64 bits: a larger organisation
        // cannot be written as a trace (found by fuzzing: pch=70 made the checker shift a
        // 64-bit mask by 64 or more).
        const std::uint64_t groups = std::uint64_t{p.org.pseudo_channels} * p.org.ranks * p.org.bank_groups;
        if (groups == 0 || groups > 64 || p.org.banks == 0 || p.org.banks > 64)
          throw std::invalid_argument(fmt::format(
              "trace line {}: organisation pch={} rank={} bg={} bank={}: 1 to 64 bank groups in all and 1 to "
              "64 banks per group", line, p.org.pseudo_channels, p.org.ranks, p.org.bank_groups, p.org.banks));
        have_org = true;
      } else if (kind == "timing") {
        auto kv = key_values(ls, line);
        Timing& t = p.timing;
        t.name = "trace";
        t.nRCD = need(kv, "nRCD", line); t.nRP = need(kv, "nRP", line);
        t.nRAS = need(kv, "nRAS", line); t.nRC = need(kv, "nRC", line);
        t.nRTPL = need(kv, "nRTPL", line); t.nCCDAB = need(kv, "nCCDAB", line);
        t.nRRDS = need(kv, "nRRDS", line); t.nRRDL = need(kv, "nRRDL", line);
        t.nFAW = need(kv, "nFAW", line); t.nBL = need(kv, "nBL", line);
        have_timing = true;
      } else if (kind == "timing-extra") {
        auto kv = key_values(ls, line);
        p.timing.nCCDS = need(kv, "nCCDS", line);
        p.timing.nCCDL = need(kv, "nCCDL", line);
        p.timing.nROW = need(kv, "nROW", line);
        have_extra = true;
      } else if (kind == "refresh") {
        auto kv = key_values(ls, line);
        const unsigned enabled = need(kv, "enabled", line), postpone = need(kv, "postpone", line);
        if (enabled > 1) throw std::invalid_argument(fmt::format("trace line {}: enabled must be 0 or 1", line));
        if (postpone != kRefreshPostpone)
          throw std::invalid_argument(fmt::format("trace line {}: postpone={} (this checker knows {})", line,
                                                  postpone, kRefreshPostpone));
        p.timing.refresh = enabled == 1;
        p.timing.nRFC = need(kv, "nRFC", line);
        p.timing.nREFI = need(kv, "nREFI", line);
        const auto before = kv.find("before");
        p.refreshes_before = before == kv.end() ? 0 : before->second;
        have_refresh = true;
      }
      continue;
    }
    std::string f[9];
    for (auto& s : f) {
      if (!(ls >> s)) throw std::invalid_argument(fmt::format("trace line {}: expected 9 fields", line));
    }
    Command c;
    auto op = parse_op(f[1]);
    if (!op) throw std::invalid_argument(fmt::format("trace line {}: unknown command '{}'", line, f[1]));
    c.op = *op;
    auto num = [&](const std::string& s, int base = 10) -> unsigned long long {
      if (s == "-") return 0;
      try {
        std::size_t pos = 0;
        auto v = std::stoull(s, &pos, base);
        if (pos != s.size()) throw std::invalid_argument(s);
        return v;
      } catch (const std::exception&) {
        throw std::invalid_argument(fmt::format("trace line {}: bad number '{}'", line, s));
      }
    };
    c.cycle = num(f[0]);
    c.pch = static_cast<unsigned>(num(f[2]));
    c.rank = static_cast<unsigned>(num(f[3]));
    c.bg = static_cast<unsigned>(num(f[4]));
    c.bank = static_cast<unsigned>(num(f[5]));
    c.row = static_cast<unsigned>(num(f[6]));
    c.col = static_cast<unsigned>(num(f[7]));
    c.mask = num(f[8], 16);
    p.cmds.push_back(std::move(c));
    p.lines.push_back(line);
  }
  if (!have_org || !have_timing) throw std::invalid_argument("trace: missing '# org' or '# timing' header");
  // No defaults: nCCDS, nCCDL and the row commands' bus cycles are rules of the timing table
  // that the '# timing' line does not carry, and a trace must be checkable from the file alone.
  if (!have_extra)
    throw std::invalid_argument("trace: missing '# timing-extra nCCDS=.. nCCDL=.. nROW=..' header (no defaults)");
  if (!have_refresh) throw std::invalid_argument("trace: missing '# refresh' header line");
  return p;
}

}  // namespace pim
