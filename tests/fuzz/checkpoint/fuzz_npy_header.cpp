// libFuzzer target: npy prefix, literal dict and descr checks, on the input as a file's
// first bytes. Malformed input must end in nzc::InputError.
#include "nzcompress/checkpoint_formats.h"
#include "nzcompress/errors.h"

#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        const auto header = nzc::checkpoint::parseNpyHeader({data, size}, "fuzz.npy");
        if (header.dataOffset > size ||
            header.dataOffset != nzc::checkpoint::npyHeaderSize({data, size}, "fuzz.npy"))
            __builtin_trap();
    } catch (const nzc::InputError&) {
    }
    return 0;
}
