#include "host/model_preset.hpp"

#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "contracts/input_error.hpp"
#include "contracts/pim_org.hpp"

namespace starc {
namespace {

nlohmann::json read_json(const std::string& file) {
  std::ifstream in(file);
  if (!in) throw InputError(file, "cannot open the preset file");
  std::stringstream ss;
  ss << in.rdbuf();
  try {
    nlohmann::json j = nlohmann::json::parse(ss.str());
    if (!j.is_object()) throw InputError(file, "not a JSON object");
    return j;
  } catch (const nlohmann::json::parse_error& e) {
    std::string what = e.what();
    for (auto& c : what)
      if (c == '\n') c = ' ';
    throw InputError(file, fmt::format("not valid JSON ({})", what));
  }
}

// Every key must be one of `known` (a misspelt field is an error, not a default).
void only_known(const nlohmann::json& j, const std::string& file, const std::set<std::string>& known) {
  for (const auto& [k, v] : j.items())
    if (!known.count(k)) throw InputError(file, fmt::format("unknown field '{}'", k));
}

unsigned positive(const nlohmann::json& j, const std::string& file, const char* field, unsigned max) {
  if (!j.contains(field)) throw InputError(file, fmt::format("field '{}' is missing", field));
  const auto& v = j.at(field);
  if (!v.is_number_integer() || v.get<long long>() < 1 || v.get<long long>() > max)
    throw InputError(file, fmt::format("field '{}': {} is not an integer in [1, {}]", field, v.dump(), max));
  return v.get<unsigned>();
}

std::string text(const nlohmann::json& j, const std::string& file, const char* field, bool required) {
  if (!j.contains(field)) {
    if (required) throw InputError(file, fmt::format("field '{}' is missing", field));
    return "";
  }
  if (!j.at(field).is_string() || (required && j.at(field).get<std::string>().empty()))
    throw InputError(file, fmt::format("field '{}' must be a non-empty string", field));
  return j.at(field).get<std::string>();
}

}  // namespace

std::string preset_file(const std::string& name_or_path, const std::string& dir, const std::string& kind) {
  if (name_or_path.empty()) throw InputError(kind, "empty preset name");
  const bool path = name_or_path.find('/') != std::string::npos ||
                    (name_or_path.size() > 5 && name_or_path.ends_with(".json"));
  return path ? name_or_path : dir + "/" + kind + "/" + name_or_path + ".json";
}

ModelPreset load_model_preset(const std::string& file) {
  const nlohmann::json j = read_json(file);
  only_known(j, file, {"name", "description", "layers", "query_heads", "kv_heads", "head_dim", "source"});
  ModelPreset m;
  m.file = file;
  m.name = text(j, file, "name", true);
  m.description = text(j, file, "description", false);
  m.source = text(j, file, "source", false);
  m.layers = positive(j, file, "layers", 1024);
  m.query_heads = positive(j, file, "query_heads", 4096);
  m.kv_heads = positive(j, file, "kv_heads", 4096);
  m.head_dim = positive(j, file, "head_dim", 4096);
  if (!pim::is_supported_head_dim(m.head_dim))
    throw InputError(file, fmt::format("field 'head_dim': {} is not a head dimension the PIM channel serves (64, 128 or 256)",
                                       m.head_dim));
  if (m.query_heads % m.kv_heads != 0)
    throw InputError(file, fmt::format("field 'kv_heads': {} does not divide query_heads {}", m.kv_heads, m.query_heads));
  return m;
}

SystemPreset load_system_preset(const std::string& file) {
  const nlohmann::json j = read_json(file);
  only_known(j, file, {"name", "description", "devices", "stacks_per_device", "channels_per_stack", "channel", "mapping",
                       "source"});
  SystemPreset s;
  s.file = file;
  s.name = text(j, file, "name", true);
  s.description = text(j, file, "description", false);
  s.source = text(j, file, "source", false);
  s.devices = positive(j, file, "devices", 1024);
  s.stacks_per_device = positive(j, file, "stacks_per_device", 1024);
  s.channels_per_stack = positive(j, file, "channels_per_stack", 1024);
  s.channel = text(j, file, "channel", true);
  if (s.channel != "hbm3-pim" && s.channel != "hbm3-pim-npc")
    throw InputError(file, fmt::format("field 'channel': '{}' (expected hbm3-pim or hbm3-pim-npc)", s.channel));
  s.mapping = text(j, file, "mapping", true);
  if (s.mapping != "attacc") throw InputError(file, fmt::format("field 'mapping': '{}' (expected attacc)", s.mapping));
  return s;
}

}  // namespace starc
