// Encodes one engine's stream of a fractal into header + packets (docs/ASCEND_CODEC.md
// section 4). Local.
#pragma once

#include "dictionary.h"

#include <array>
#include <cstddef>
#include <cstdint>

namespace nzc::codec::detail {

/// The most zero bytes one run code covers: 2 (low) or 9 (high).
inline constexpr std::size_t kMaxRunStates = 9;

/// One step of the packer: the bits reading a byte appends when `pending` zero bytes are
/// waiting (at most a flushed run of up to 8 zeros, 6 bits, plus a 12-bit escape) in the low
/// 32 bits, and their count in the high 32, so the hot loop needs no masking.
struct Step {
    static std::uint64_t pack(std::uint32_t code, std::uint32_t length) {
        return code | (std::uint64_t{length} << 32);
    }
    static std::uint32_t code(std::uint64_t step) { return static_cast<std::uint32_t>(step); }
    static std::size_t length(std::uint64_t step) { return static_cast<std::size_t>(step >> 32); }
};

/// Everything an engine needs that is fixed for a whole call.
struct CallCodes {
    CompressType type = CompressType::Low;
    Dictionary dictionary;
    std::array<Code, 256> byteCodes{}; ///< code of every non-zero byte (rank code or escape)
    std::uint8_t zeroByte = 0;
    /// steps[pending * 256 + byte]: what reading `byte` emits when `pending` zero bytes are
    /// waiting, assuming everything fits in the packet (the encoder checks that).
    std::array<std::uint64_t, kMaxRunStates * 256> steps{};
};

CallCodes buildCallCodes(const Dictionary& dictionary, CompressType type);

/// Worst-case engine output: header and packets stay below Le before the last packet, which
/// adds at most one packet and the detached end mark.
inline constexpr std::size_t engineOutputCapacity(std::size_t engineBytes) {
    return engineBytes + kPacketBytes + kDetachedEndMark.size();
}

/// Encodes `engineBytes` bytes (a multiple of 128) at `input` into `out` (at least
/// engineOutputCapacity bytes). Returns the encoded length, or 0 when the stream does not
/// compress and the fractal must be stored as bypass.
std::size_t encodeEngine(const std::uint8_t* input, std::size_t engineBytes, const CallCodes& codes,
                         std::uint8_t* out);

} // namespace nzc::codec::detail
