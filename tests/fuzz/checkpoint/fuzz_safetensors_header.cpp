// libFuzzer target: the safetensors header checks. The first 8 bytes give the data-area
// size (bounded, so matching offsets are reachable); the rest is the JSON header.
// Malformed input must end in nzc::InputError; anything else (a crash, a sanitizer report,
// another exception) is a finding.
#include "nzcompress/checkpoint_formats.h"
#include "nzcompress/errors.h"

#include <cstdint>
#include <cstring>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 8)
        return 0;
    std::uint64_t dataBytes = 0;
    std::memcpy(&dataBytes, data, 8);
    dataBytes %= 1u << 20;
    const std::string_view json(reinterpret_cast<const char*>(data) + 8, size - 8);
    try {
        (void)nzc::checkpoint::safetensorsHeaderLength({data, size}, size, "fuzz.safetensors");
    } catch (const nzc::InputError&) {
    }
    try {
        auto header = nzc::checkpoint::parseSafetensorsHeader(json, dataBytes, "fuzz.safetensors");
        // An accepted table must tile the data area exactly.
        std::uint64_t end = 0;
        for (const auto& t : header.tensors) {
            if (t.offset != end)
                __builtin_trap();
            end = t.offset + t.bytes;
        }
        if (end != dataBytes)
            __builtin_trap();
    } catch (const nzc::InputError&) {
    }
    return 0;
}
