// Quant descriptions (`quant_model_description*.json`): a flat JSON object from tensor name
// to quantization type, plus a few description-wide settings.
#include "nzcompress/checkpoint_formats.h"
#include "nzcompress/errors.h"
#include "readers.h"
#include "strict_json.h"

namespace nzc::checkpoint {

QuantDescription parseQuantDescription(std::string_view json, const std::string& file) {
    const auto root = parseStrictJson(json, file, "quant description");
    if (!root.is_object())
        throw InputError(file, "", "quant description is not a JSON object");
    QuantDescription description;
    for (const auto& [key, value] : root.items()) {
        if (!value.is_string())
            continue; // version numbers and nested settings are not tensor entries
        const auto& type = value.get_ref<const std::string&>();
        if (isTensorKey(key) && type.empty())
            throw InputError(file, key, "quant description gives an empty type");
        description.emplace(key, type);
    }
    if (description.empty())
        throw InputError(file, "", "quant description has no tensor entries");
    return description;
}

QuantDescription loadQuantDescription(const std::string& path) {
    return parseQuantDescription(readSmallFile(path, kMaxSafetensorsHeaderBytes), path);
}

bool isTensorKey(std::string_view key) {
    return key.find('.') != std::string_view::npos;
}

std::vector<std::string> missingTensors(const QuantDescription& description,
                                        const Checkpoint& checkpoint) {
    std::vector<std::string> missing;
    for (const auto& [name, type] : description)
        if (isTensorKey(name) && !checkpoint.find(name))
            missing.push_back(name);
    return missing; // already sorted: the map is ordered
}

} // namespace nzc::checkpoint
