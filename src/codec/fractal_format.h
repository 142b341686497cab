// Shared by the encoder and the decoder: how a fractal is dealt to engines, how engine
// streams are interleaved when stored, and the 8-byte index entry. Local.
#pragma once

#include <nzcompress/codec.h>

#include <array>
#include <cstddef>
#include <cstdint>

namespace nzc::codec::detail {

/// Engine streams are stored interleaved in chunks of this many bytes: E0 E1 E2 E3 E0 ...
inline constexpr std::size_t kInterleaveBytes = 32;
inline constexpr std::uint16_t kCompressedFlag = 0x8000;
inline constexpr std::uint16_t kLengthMask = 0x01FF;

inline constexpr std::size_t roundUp(std::size_t value, std::size_t unit) {
    return (value + unit - 1) / unit * unit;
}

/// Byte `i` of engine `engine`'s stream lives at this offset of the fractal: 64-byte block
/// j of the fractal belongs to engine j mod 4.
inline constexpr std::size_t fractalOffsetOfEngineByte(std::size_t engine, std::size_t i) {
    return ((i / kBlockBytes) * kEngines + engine) * kBlockBytes + i % kBlockBytes;
}

struct IndexEntry {
    std::size_t storedBytes = 0; ///< multiple of 128
    bool compressed = false;
    std::uint32_t offsetUnits = 0; ///< ceil((cursor + initOffset) / 128)
};

inline void writeIndexEntry(const IndexEntry& entry, std::uint8_t* out) {
    const auto field = static_cast<std::uint16_t>((entry.storedBytes / kStoredUnit) |
                                                  (entry.compressed ? kCompressedFlag : 0));
    out[0] = static_cast<std::uint8_t>(field);
    out[1] = static_cast<std::uint8_t>(field >> 8);
    out[2] = 0;
    out[3] = 0;
    for (int b = 0; b < 4; ++b)
        out[4 + b] = static_cast<std::uint8_t>(entry.offsetUnits >> (8 * b));
}

/// The index offset of a fractal stored at `cursor` bytes into a call's output; it counts
/// 128-byte units from the start of the whole weight, rounded up when initOffset is not a
/// multiple of 128.
std::uint32_t offsetUnits(std::uint64_t cursor, std::uint64_t initOffset);

/// The XOR of an engine stream's bytes at even offsets and at odd offsets (its header
/// checksum). `size` is a multiple of 8.
struct EngineXor {
    std::uint8_t even = 0;
    std::uint8_t odd = 0;
    bool operator==(const EngineXor&) const = default;
};
EngineXor engineXor(const std::uint8_t* bytes, std::size_t size);

/// Copies engine `engine`'s bytes (every fourth 64-byte block) out of a fractal.
void gatherEngine(const std::uint8_t* fractal, std::size_t fractalSize, std::size_t engine,
                  std::uint8_t* out);
/// The inverse of gatherEngine: puts an engine's bytes back into its blocks of the fractal.
void scatterEngine(const std::uint8_t* engineBytes, std::size_t fractalSize, std::size_t engine,
                   std::uint8_t* fractal);

/// Stores `lengths[e]` bytes of each engine stream, zero-padded to `padded` bytes (a multiple
/// of 32), as 32-byte chunks taken from the engines in turn: 4 * padded bytes out.
void interleave(const std::array<const std::uint8_t*, kEngines>& streams,
                const std::array<std::size_t, kEngines>& lengths, std::size_t padded,
                std::uint8_t* out);
/// The inverse of interleave: splits 4 * padded stored bytes into the four padded streams.
void deinterleave(const std::uint8_t* stored, std::size_t padded,
                  const std::array<std::uint8_t*, kEngines>& streams);

} // namespace nzc::codec::detail
