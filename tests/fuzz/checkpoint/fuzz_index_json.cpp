// libFuzzer target: the sharded-checkpoint index and the quant description, both JSON
// documents read from untrusted folders. Malformed input must end in nzc::InputError.
#include "nzcompress/checkpoint_formats.h"
#include "nzcompress/errors.h"

#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view json(reinterpret_cast<const char*>(data), size);
    try {
        const auto index = nzc::checkpoint::parseShardIndex(json, "fuzz.index.json");
        // An accepted index never names a path that climbs or is absolute.
        for (const auto& [tensor, shard] : index.weightMap)
            if (shard.empty() || shard.front() == '/' || shard == ".." ||
                shard.starts_with("../") || shard.find("/../") != std::string::npos ||
                shard.ends_with("/.."))
                __builtin_trap();
    } catch (const nzc::InputError&) {
    }
    try {
        (void)nzc::checkpoint::parseQuantDescription(json, "fuzz.json");
    } catch (const nzc::InputError&) {
    }
    return 0;
}
