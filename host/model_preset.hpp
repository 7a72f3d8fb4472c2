// Model and system presets of `starcsim model` (docs/design.md section 14): JSON data files in
// presets/models and presets/systems that a user can copy and edit, selected by name (the file
// NAME.json in the preset folder) or by path (an argument holding '/' or ending in .json).
//
// Model: layers, query_heads, kv_heads (query_heads a multiple of kv_heads: grouped-query
// attention when larger), head_dim. System: devices x stacks_per_device x channels_per_stack
// channels of one channel preset ("hbm3-pim" or "hbm3-pim-npc", docs/design.md section 2),
// and the mapping of head-steps onto them ("attacc", host/head_step_plan.hpp). Every field is
// validated; an error is one line naming the file and the field (starc::InputError).
#pragma once

#include <string>

namespace starc {

struct ModelPreset {
  std::string name, description, source, file;
  unsigned layers = 0, query_heads = 0, kv_heads = 0, head_dim = 0;
  unsigned group() const { return kv_heads ? query_heads / kv_heads : 0; }  // query heads per KV head
};

struct SystemPreset {
  std::string name, description, source, file;
  unsigned devices = 0, stacks_per_device = 0, channels_per_stack = 0;
  std::string channel;  // channel preset: hbm3-pim or hbm3-pim-npc
  std::string mapping;  // attacc
  unsigned stacks() const { return devices * stacks_per_device; }
  unsigned channels() const { return stacks() * channels_per_stack; }
};

// The file a name or path selects: a path as given, a name as DIR/KIND/NAME.json.
std::string preset_file(const std::string& name_or_path, const std::string& dir, const std::string& kind);

// Read and validate (throws starc::InputError with input = the file, detail naming the field).
ModelPreset load_model_preset(const std::string& file);
SystemPreset load_system_preset(const std::string& file);

}  // namespace starc
