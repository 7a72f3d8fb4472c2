#include "host/sweep_merge.hpp"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include <fmt/core.h>

namespace starc::sweep {
namespace {

namespace fs = std::filesystem;

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(fmt::format("cannot read '{}'", path.string()));
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string first_line(const std::string& s) {
  const auto nl = s.find('\n');
  return nl == std::string::npos ? s : s.substr(0, nl);
}

std::string param_text(const ordered_json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

}  // namespace

std::string point_dir(const std::string& out, std::size_t index) {
  return (fs::path(out) / fmt::format("point-{}", index)).string();
}

PointStatus point_status(const std::string& out, std::size_t index) {
  const fs::path dir = point_dir(out, index);
  std::error_code ec;
  if (fs::is_regular_file(dir / kDoneMarker, ec)) return {PointState::done, ""};
  if (fs::is_regular_file(dir / kFailedMarker, ec)) {
    std::string why;
    try {
      why = first_line(read_text(dir / kFailedMarker));
    } catch (const std::exception&) {
      why = "unreadable failure marker";
    }
    return {PointState::failed, why};
  }
  return {PointState::missing, ""};
}

std::string SweepStatus::summary(std::size_t total) const {
  std::string s = fmt::format("{} points: {} done, {} failed", total, done.size(), failed.size());
  if (!failed.empty()) s += fmt::format(" ({})", index_ranges(failed));
  s += fmt::format(", {} missing", missing.size());
  if (!missing.empty()) s += fmt::format(" ({})", index_ranges(missing));
  return s;
}

SweepStatus sweep_status(const std::vector<SweepPoint>& points, const std::string& out) {
  SweepStatus s;
  for (const auto& p : points) {
    switch (point_status(out, p.index).state) {
      case PointState::done: s.done.push_back(p.index); break;
      case PointState::failed: s.failed.push_back(p.index); break;
      case PointState::missing: s.missing.push_back(p.index); break;
    }
  }
  return s;
}

std::vector<std::string> csv_records(const std::string& text, const std::string& source) {
  std::vector<std::string> records;
  std::string cur;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '"') quoted = !quoted;  // "" inside a quoted field toggles twice
    if (!quoted && (c == '\n' || c == '\r')) {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      records.push_back(std::move(cur));
      cur.clear();
      continue;
    }
    cur += c;
  }
  if (quoted) throw std::runtime_error(fmt::format("{}: unterminated quoted field", source));
  if (!cur.empty()) records.push_back(std::move(cur));
  return records;
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) {
    if (c == '"') q += '"';
    q += c;
  }
  return q + "\"";
}

MergedSweep merge_sweep(const std::vector<SweepPoint>& points, const std::string& out) {
  if (points.empty()) throw std::runtime_error("merge: no points");
  const SweepStatus st = sweep_status(points, out);
  if (!st.failed.empty() || !st.missing.empty()) {
    std::string msg = fmt::format("{} of {} points not done:", st.failed.size() + st.missing.size(), points.size());
    if (!st.missing.empty()) msg += fmt::format(" missing {}", index_ranges(st.missing));
    if (!st.failed.empty())
      msg += fmt::format("{} failed {} (point {}: {})", st.missing.empty() ? "" : ";", index_ranges(st.failed),
                         st.failed.front(), point_status(out, st.failed.front()).detail);
    throw std::runtime_error(msg);
  }
  const SweepPoint& first = points.front();
  MergedSweep m;
  std::string header;
  if (first.wants("csv")) {
    header = "sweep_point";
    for (const auto& [k, v] : first.params.items()) header += "," + csv_field("sweep_" + k);
    if (first.seed) header += ",sweep_seed";
  }
  std::string csv_header;  // the points' own header, from point 0
  ordered_json merged;
  merged["sweep"] = {{"commit", first.commit}, {"command", first.command}, {"points", points.size()}};
  ordered_json names = ordered_json::array();
  for (const auto& [k, v] : first.params.items()) names.push_back(k);
  merged["sweep"]["params"] = names;
  merged["points"] = ordered_json::array();
  for (const auto& p : points) {
    const fs::path dir = point_dir(out, p.index);
    ordered_json entry;
    entry["index"] = p.index;
    entry["params"] = p.params;
    entry["seed"] = p.seed ? ordered_json(*p.seed) : ordered_json(nullptr);
    entry["args"] = p.args;
    if (p.wants("json")) {
      const fs::path file = dir / kResultJson;
      try {
        entry["result"] = ordered_json::parse(read_text(file));
      } catch (const nlohmann::json::parse_error& e) {
        throw std::runtime_error(fmt::format("point {}: '{}' is not JSON ({})", p.index, file.string(), e.what()));
      }
    }
    merged["points"].push_back(std::move(entry));
    if (!p.wants("csv")) continue;
    const fs::path file = dir / kResultCsv;
    const auto records = csv_records(read_text(file), file.string());
    if (records.empty()) throw std::runtime_error(fmt::format("point {}: '{}' has no header row", p.index, file.string()));
    if (csv_header.empty()) {
      csv_header = records[0];
      m.csv = header + "," + csv_header + "\n";
    } else if (records[0] != csv_header) {
      throw std::runtime_error(fmt::format("point {}: '{}' has columns other than point {}'s", p.index, file.string(),
                                           first.index));
    }
    std::string prefix = std::to_string(p.index);
    for (const auto& [k, v] : p.params.items()) prefix += "," + csv_field(param_text(v));
    if (p.seed) prefix += "," + std::to_string(*p.seed);
    for (std::size_t r = 1; r < records.size(); ++r) m.csv += prefix + "," + records[r] + "\n";
  }
  m.json = merged.dump(2) + "\n";
  return m;
}

}  // namespace starc::sweep
