#include "host/sweep_manifest.hpp"

#include <algorithm>
#include <cctype>
#include <set>
#include <stdexcept>
#include <string_view>

#include <fmt/core.h>

namespace starc::sweep {
namespace {

[[noreturn]] void fail(const std::string& source, const std::string& detail) {
  throw std::invalid_argument(fmt::format("{}: {}", source, detail));
}

bool valid_name(const std::string& s) {
  if (s.empty() || s.size() > 64 || !(std::islower(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '_';
  });
}

// The placeholders of one argument; throws on a '{' that does not open "{name}".
std::vector<std::string> placeholders(const std::string& arg, const std::string& source) {
  std::vector<std::string> names;
  for (std::size_t i = 0; i < arg.size(); ++i) {
    if (arg[i] == '}') fail(source, fmt::format("argument '{}': '}}' without '{{'", arg));
    if (arg[i] != '{') continue;
    const auto close = arg.find('}', i);
    const std::string name = close == std::string::npos ? "" : arg.substr(i + 1, close - i - 1);
    if (!valid_name(name))
      fail(source, fmt::format("argument '{}': a placeholder is {{name}} with name of a-z, 0-9, _", arg));
    names.push_back(name);
    i = close;
  }
  return names;
}

std::string render(const ordered_json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

std::string substitute(const std::string& arg, const std::string& name, const std::string& value) {
  const std::string key = "{" + name + "}";
  std::string out;
  std::size_t pos = 0;
  for (auto at = arg.find(key); at != std::string::npos; at = arg.find(key, pos)) {
    out += arg.substr(pos, at - pos) + value;
    pos = at + key.size();
  }
  return out + arg.substr(pos);
}

// A grid axis: a non-empty array of strings/numbers/booleans, or {"range": [start, stop(, step)]}.
std::vector<ordered_json> axis_values(const ordered_json& v, const std::string& what, const std::string& source) {
  std::vector<ordered_json> values;
  if (v.is_object()) {
    if (v.size() != 1 || !v.contains("range"))
      fail(source, fmt::format("{}: an object must be {{\"range\": [start, stop(, step)]}}", what));
    const auto& r = v["range"];
    if (!r.is_array() || r.size() < 2 || r.size() > 3 ||
        !std::all_of(r.begin(), r.end(), [](const ordered_json& x) { return x.is_number_integer(); }))
      fail(source, fmt::format("{}: range must be 2 or 3 integers [start, stop(, step)]", what));
    const auto start = r[0].get<std::int64_t>(), stop = r[1].get<std::int64_t>();
    const auto step = r.size() == 3 ? r[2].get<std::int64_t>() : 1;
    if (step <= 0) fail(source, fmt::format("{}: range step must be >= 1", what));
    if (stop <= start) fail(source, fmt::format("{}: range [{}, {}) is empty", what, start, stop));
    if (static_cast<std::uint64_t>((stop - start + step - 1) / step) > kMaxPoints)
      fail(source, fmt::format("{}: range holds more than {} values", what, kMaxPoints));
    for (auto x = start; x < stop; x += step) values.emplace_back(x);
    return values;
  }
  if (!v.is_array() || v.empty()) fail(source, fmt::format("{}: must be a non-empty array or a range", what));
  std::set<std::string> seen;
  for (const auto& x : v) {
    if (!(x.is_string() || x.is_number() || x.is_boolean()))
      fail(source, fmt::format("{}: value {} is not a string, number or boolean", what, x.dump()));
    if (!seen.insert(x.dump()).second) fail(source, fmt::format("{}: value {} given twice", what, x.dump()));
    values.push_back(x);
  }
  return values;
}

std::vector<std::string> string_array(const ordered_json& v, const std::string& what, const std::string& source) {
  if (!v.is_array()) fail(source, fmt::format("{}: must be an array of strings", what));
  std::vector<std::string> out;
  for (const auto& x : v) {
    if (!x.is_string()) fail(source, fmt::format("{}: {} is not a string", what, x.dump()));
    out.push_back(x.get<std::string>());
  }
  return out;
}

void check_outputs(const std::vector<std::string>& outputs, const std::string& source) {
  std::set<std::string> seen;
  for (const auto& o : outputs) {
    if (o != "json" && o != "csv") fail(source, fmt::format("outputs: '{}' (expected json or csv)", o));
    if (!seen.insert(o).second) fail(source, fmt::format("outputs: '{}' given twice", o));
  }
}

// The runner adds --json/--csv itself; a sweep of sweeps is refused.
void check_command(const std::string& command, const std::vector<std::string>& args, const std::string& source) {
  if (command.empty() || command.front() == '-') fail(source, fmt::format("command: '{}' is not a subcommand", command));
  if (command == "sweep") fail(source, "command: a sweep point cannot be a sweep");
  for (const auto& a : args)
    for (const char* flag : {"--json", "--csv"})
      if (a == flag || a.rfind(std::string(flag) + "=", 0) == 0)
        fail(source, fmt::format("args: '{}' is added by the sweep runner (into the point's directory)", a));
}

}  // namespace

bool SweepPoint::wants(const std::string& output) const {
  return std::find(outputs.begin(), outputs.end(), output) != outputs.end();
}

SweepSpec parse_spec(const std::string& text, const std::string& source) {
  ordered_json j;
  try {
    j = ordered_json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    fail(source, fmt::format("not JSON ({})", e.what()));
  }
  if (!j.is_object()) fail(source, "must be a JSON object");
  for (const auto& [key, v] : j.items())
    if (key != "command" && key != "args" && key != "grid" && key != "seeds" && key != "outputs")
      fail(source, fmt::format("unknown key '{}' (expected command, args, grid, seeds, outputs)", key));
  SweepSpec s;
  if (!j.contains("command") || !j["command"].is_string()) fail(source, "command: must be a string");
  s.command = j["command"].get<std::string>();
  if (!j.contains("args")) fail(source, "args: missing");
  s.args = string_array(j["args"], "args", source);
  check_command(s.command, s.args, source);
  if (j.contains("grid")) {
    if (!j["grid"].is_object()) fail(source, "grid: must be an object of name: values");
    for (const auto& [name, v] : j["grid"].items()) {
      if (!valid_name(name) || name == "seed" || name == "dir" || name == "point")
        fail(source, fmt::format("grid: name '{}' (a-z, 0-9, _; not seed, dir or point)", name));
      s.grid.emplace_back(name, axis_values(v, "grid." + name, source));
    }
  }
  if (j.contains("seeds")) {
    for (const auto& v : axis_values(j["seeds"], "seeds", source)) {
      if (!v.is_number_integer() || v.get<std::int64_t>() < 0)
        fail(source, fmt::format("seeds: {} is not a non-negative integer", v.dump()));
      s.seeds.push_back(v.get<std::uint64_t>());
    }
  }
  if (j.contains("outputs")) s.outputs = string_array(j["outputs"], "outputs", source);
  check_outputs(s.outputs, source);
  // Every placeholder names a grid key, seed or dir; every grid key (and several seeds) is used.
  std::set<std::string> used;
  for (const auto& a : s.args)
    for (const auto& n : placeholders(a, source)) used.insert(n);
  for (const auto& n : used) {
    const bool known = n == "dir" || (n == "seed" && !s.seeds.empty()) ||
                       std::any_of(s.grid.begin(), s.grid.end(), [&](const auto& g) { return g.first == n; });
    if (!known) fail(source, fmt::format("args: placeholder {{{}}} is not a grid key{}", n, n == "seed" ? " (no seeds given)" : ""));
  }
  for (const auto& [name, values] : s.grid)
    if (!used.count(name)) fail(source, fmt::format("grid.{}: not used in args (every point would run the same)", name));
  if (s.seeds.size() > 1 && !used.count("seed"))
    fail(source, "seeds: several seeds but no {seed} in args (every seed would run the same)");
  if (count_points(s) > kMaxPoints) fail(source, fmt::format("the grid has more than {} points", kMaxPoints));
  return s;
}

std::uint64_t count_points(const SweepSpec& spec) {
  std::uint64_t n = std::max<std::size_t>(spec.seeds.size(), 1);
  for (const auto& [name, values] : spec.grid) {
    if (n > kMaxPoints) break;  // saturates above the cap: no overflow
    n *= values.size();
  }
  return n;
}

std::vector<SweepPoint> expand(const SweepSpec& spec, const std::string& commit) {
  const std::uint64_t n = count_points(spec);
  if (n > kMaxPoints) throw std::invalid_argument(fmt::format("spec: more than {} points", kMaxPoints));
  const std::size_t seeds = std::max<std::size_t>(spec.seeds.size(), 1);
  std::vector<SweepPoint> points;
  points.reserve(n);
  for (std::uint64_t i = 0; i < n; ++i) {
    SweepPoint p;
    p.index = i;
    p.command = spec.command;
    p.args = spec.args;
    p.outputs = spec.outputs;
    p.commit = commit;
    std::uint64_t rest = i / seeds;
    if (!spec.seeds.empty()) p.seed = spec.seeds[i % seeds];
    // Mixed radix, last grid key fastest (after the seed).
    std::vector<std::size_t> digit(spec.grid.size());
    for (std::size_t k = spec.grid.size(); k-- > 0;) {
      digit[k] = rest % spec.grid[k].second.size();
      rest /= spec.grid[k].second.size();
    }
    for (std::size_t k = 0; k < spec.grid.size(); ++k) {
      const auto& [name, values] = spec.grid[k];
      p.params[name] = values[digit[k]];
      for (auto& a : p.args) a = substitute(a, name, render(values[digit[k]]));
    }
    if (p.seed)
      for (auto& a : p.args) a = substitute(a, "seed", std::to_string(*p.seed));
    points.push_back(std::move(p));
  }
  return points;
}

std::string manifest_line(const SweepPoint& p) {
  ordered_json j;
  j["index"] = p.index;
  j["command"] = p.command;
  j["args"] = p.args;
  j["params"] = p.params;
  j["seed"] = p.seed ? ordered_json(*p.seed) : ordered_json(nullptr);
  j["outputs"] = p.outputs;
  j["commit"] = p.commit;
  return j.dump();
}

std::string manifest_text(const std::vector<SweepPoint>& points) {
  std::string text;
  for (const auto& p : points) text += manifest_line(p) + "\n";
  return text;
}

namespace {

// One manifest line, `number` from 1, checked to hold point `number - 1`.
SweepPoint parse_line(const std::string& line, std::size_t number, const std::string& source) {
  static const std::vector<std::string> kKeys{"index", "command", "args", "params", "seed", "outputs", "commit"};
  const std::string where = fmt::format("{}:{}", source, number);
  if (line.empty()) fail(where, "empty line");
  ordered_json j;
  try {
    j = ordered_json::parse(line);
  } catch (const nlohmann::json::parse_error& e) {
    fail(where, fmt::format("not JSON ({})", e.what()));
  }
  if (!j.is_object()) fail(where, "not a JSON object");
  for (const auto& k : kKeys)
    if (!j.contains(k)) fail(where, fmt::format("missing key '{}'", k));
  if (j.size() != kKeys.size())
    for (const auto& [k, v] : j.items())
      if (std::find(kKeys.begin(), kKeys.end(), k) == kKeys.end()) fail(where, fmt::format("unknown key '{}'", k));
  SweepPoint p;
  if (!j["index"].is_number_unsigned() || j["index"].get<std::uint64_t>() != number - 1)
    fail(where, fmt::format("index {} (expected {}: one line per point, in order)", j["index"].dump(), number - 1));
  p.index = number - 1;
  if (!j["command"].is_string()) fail(where, "command: not a string");
  p.command = j["command"].get<std::string>();
  p.args = string_array(j["args"], "args", where);
  check_command(p.command, p.args, where);
  for (const auto& a : p.args)
    for (const auto& n : placeholders(a, where))
      if (n != "dir") fail(where, fmt::format("args: placeholder {{{}}} left unsubstituted", n));
  if (!j["params"].is_object()) fail(where, "params: not an object");
  for (const auto& [k, v] : j["params"].items())
    if (!valid_name(k) || !(v.is_string() || v.is_number() || v.is_boolean()))
      fail(where, fmt::format("params: '{}': {} (a name and a string, number or boolean)", k, v.dump()));
  p.params = j["params"];
  if (j["seed"].is_null()) {
  } else if (j["seed"].is_number_unsigned()) {
    p.seed = j["seed"].get<std::uint64_t>();
  } else {
    fail(where, fmt::format("seed: {} (a non-negative integer or null)", j["seed"].dump()));
  }
  p.outputs = string_array(j["outputs"], "outputs", where);
  check_outputs(p.outputs, where);
  if (!j["commit"].is_string() || j["commit"].get<std::string>().empty()) fail(where, "commit: not a non-empty string");
  p.commit = j["commit"].get<std::string>();
  return p;
}

// A point that must agree with line 1's in commit, command, outputs, seed presence, parameters.
void check_like_first(const SweepPoint& p, const SweepPoint& first, const std::string& source) {
  const std::string where = fmt::format("{}:{}", source, p.index + 1);
  if (p.commit != first.commit) fail(where, fmt::format("commit {} differs from line 1's {}", p.commit, first.commit));
  if (p.command != first.command) fail(where, fmt::format("command '{}' differs from line 1's '{}'", p.command, first.command));
  if (p.outputs != first.outputs) fail(where, "outputs differ from line 1's");
  if (p.seed.has_value() != first.seed.has_value()) fail(where, "seed: null on some lines only");
  std::vector<std::string> a, b;
  for (const auto& [k, v] : p.params.items()) a.push_back(k);
  for (const auto& [k, v] : first.params.items()) b.push_back(k);
  if (a != b) fail(where, "params: names differ from line 1's");
}

// The lines of a manifest (a last line without its newline counts).
std::vector<std::string_view> manifest_lines(const std::string& text) {
  std::vector<std::string_view> lines;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const auto nl = text.find('\n', pos);
    const auto end = nl == std::string::npos ? text.size() : nl;
    lines.emplace_back(text.data() + pos, end - pos);
    pos = end + 1;
  }
  return lines;
}

}  // namespace

std::vector<SweepPoint> parse_manifest(const std::string& text, const std::string& source) {
  std::vector<SweepPoint> points;
  const auto lines = manifest_lines(text);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    points.push_back(parse_line(std::string(lines[i]), i + 1, source));
    if (i > 0) check_like_first(points.back(), points.front(), source);
  }
  if (points.empty()) fail(source, "no points (empty manifest)");
  return points;
}

ManifestEntry parse_manifest_point(const std::string& text, const std::string& source, const std::string& index_text,
                                   const std::string& index_source) {
  const auto lines = manifest_lines(text);
  if (lines.empty()) fail(source, "no points (empty manifest)");
  ManifestEntry e;
  e.points = lines.size();
  const std::size_t i = parse_index(index_text, lines.size(), index_source);
  const SweepPoint first = parse_line(std::string(lines[0]), 1, source);
  e.point = i == 0 ? first : parse_line(std::string(lines[i]), i + 1, source);
  check_like_first(e.point, first, source);
  return e;
}

std::vector<std::string> args_with_dir(const SweepPoint& p, const std::string& dir) {
  std::vector<std::string> out = p.args;
  for (auto& a : out) a = substitute(a, "dir", dir);
  return out;
}

std::string index_ranges(const std::vector<std::size_t>& v) {
  std::string out;
  for (std::size_t i = 0; i < v.size();) {
    std::size_t j = i;
    while (j + 1 < v.size() && v[j + 1] == v[j] + 1) ++j;
    if (!out.empty()) out += ",";
    out += j == i ? std::to_string(v[i]) : fmt::format("{}-{}", v[i], v[j]);
    i = j + 1;
  }
  return out;
}

std::size_t parse_index(const std::string& text, std::size_t points, const std::string& source) {
  if (text.empty() || text.size() > 18 ||
      !std::all_of(text.begin(), text.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
    throw std::invalid_argument(fmt::format("{}: '{}' is not a point index (a non-negative integer)", source, text));
  const auto i = std::stoull(text);
  if (i >= points)
    throw std::invalid_argument(fmt::format("{}: point {} is not in the manifest (points 0-{})", source, i, points - 1));
  return static_cast<std::size_t>(i);
}

}  // namespace starc::sweep
