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

/// Everything an engine needs that is fixed for a whole call.
struct CallCodes {
    CompressType type = CompressType::Low;
    Dictionary dictionary;
    std::array<Code, 256> byteCodes{}; ///< code of every non-zero byte (rank code or escape)
    std::uint8_t zeroByte = 0;
    std::array<std::uint32_t, 256> zeroMask{}; ///< all ones for the zero byte, else 0
    /// stepBits/stepLengths[pending * 256 + byte]: the bits reading `byte` appends when
    /// `pending` zero bytes are waiting (a flushed run of up to 8 zeros, at most 6 bits, then
    /// the byte's code, at most 12), assuming it all fits in the packet (the packer checks).
    /// Two arrays, so the hot loop loads each without unpacking.
    std::array<std::uint32_t, kMaxRunStates * 256> stepBits{};
    std::array<std::uint8_t, kMaxRunStates * 256> stepLengths{};
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
