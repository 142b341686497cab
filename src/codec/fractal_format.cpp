#include "fractal_format.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <string>

namespace nzc::codec::detail {

std::uint32_t offsetUnits(std::uint64_t cursor, std::uint64_t initOffset) {
    const std::uint64_t units = (cursor + initOffset + kStoredUnit - 1) / kStoredUnit;
    if (units > std::numeric_limits<std::uint32_t>::max())
        throw CodecError("compressed offset " + std::to_string(cursor + initOffset) +
                         " does not fit the index's 32-bit offset field");
    return static_cast<std::uint32_t>(units);
}

EngineXor engineXor(const std::uint8_t* bytes, std::size_t size) {
    // XOR 8 bytes at a time; on a little-endian host even offsets land in the even bytes of
    // the word, so folding the word's halves leaves even in byte 0 and odd in byte 1.
    std::uint64_t folded = 0;
    for (std::size_t i = 0; i < size; i += 8) {
        std::uint64_t word;
        std::memcpy(&word, bytes + i, 8);
        folded ^= word;
    }
    folded ^= folded >> 32;
    folded ^= folded >> 16;
    return {static_cast<std::uint8_t>(folded), static_cast<std::uint8_t>(folded >> 8)};
}

void gatherEngine(const std::uint8_t* fractal, std::size_t fractalSize, std::size_t engine,
                  std::uint8_t* out) {
    for (std::size_t block = engine; block * kBlockBytes < fractalSize; block += kEngines) {
        std::memcpy(out, fractal + block * kBlockBytes, kBlockBytes);
        out += kBlockBytes;
    }
}

void scatterEngine(const std::uint8_t* engineBytes, std::size_t fractalSize, std::size_t engine,
                   std::uint8_t* fractal) {
    for (std::size_t block = engine; block * kBlockBytes < fractalSize; block += kEngines) {
        std::memcpy(fractal + block * kBlockBytes, engineBytes, kBlockBytes);
        engineBytes += kBlockBytes;
    }
}

void interleave(const std::array<const std::uint8_t*, kEngines>& streams,
                const std::array<std::size_t, kEngines>& lengths, std::size_t padded,
                std::uint8_t* out) {
    for (std::size_t chunk = 0; chunk < padded; chunk += kInterleaveBytes) {
        for (std::size_t e = 0; e < kEngines; ++e) {
            const std::size_t have =
                lengths[e] > chunk ? std::min(kInterleaveBytes, lengths[e] - chunk) : 0;
            std::memcpy(out, streams[e] + chunk, have);
            std::memset(out + have, 0, kInterleaveBytes - have);
            out += kInterleaveBytes;
        }
    }
}

void deinterleave(const std::uint8_t* stored, std::size_t padded,
                  const std::array<std::uint8_t*, kEngines>& streams) {
    for (std::size_t chunk = 0; chunk < padded; chunk += kInterleaveBytes) {
        for (std::size_t e = 0; e < kEngines; ++e) {
            std::memcpy(streams[e] + chunk, stored, kInterleaveBytes);
            stored += kInterleaveBytes;
        }
    }
}

} // namespace nzc::codec::detail
