// compress(): one reference CompressWeights call. Builds the call's dictionary, then encodes
// each fractal's four engine streams, falls back to bypass where an engine does not
// compress, interleaves the streams and writes the index entry.
#include "engine_encoder.h"
#include "fractal_format.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <limits>
#include <string>

namespace nzc::codec {

void validateConfig(std::size_t inputSize, const CodecConfig& config) {
    const std::size_t fractal = config.fractalSize;
    if (fractal == 0 || fractal % kFractalUnit != 0 || fractal > kMaxFractalSize)
        throw CodecError("fractal size " + std::to_string(fractal) +
                         " is not a multiple of 512 between 512 and 32768");
    if (inputSize == 0 || inputSize % fractal != 0)
        throw CodecError("input size " + std::to_string(inputSize) +
                         " is not a non-zero multiple of the fractal size " +
                         std::to_string(fractal));
    if (config.type != CompressType::Low && config.type != CompressType::High)
        throw CodecError("compress type must be 0 (low-sparse) or 1 (high-sparse)");
}

std::size_t maxCompressedSize(std::size_t inputSize, std::size_t fractalSize) {
    return inputSize / fractalSize * (fractalSize + kStoredUnit);
}

namespace detail {

std::uint32_t offsetUnits(std::uint64_t cursor, std::uint64_t initOffset) {
    const std::uint64_t units = (cursor + initOffset + kStoredUnit - 1) / kStoredUnit;
    if (units > std::numeric_limits<std::uint32_t>::max())
        throw CodecError("compressed offset " + std::to_string(cursor + initOffset) +
                         " does not fit the index's 32-bit offset field");
    return static_cast<std::uint32_t>(units);
}

namespace {

/// Copies engine `engine`'s bytes (every fourth 64-byte block) out of a fractal.
void gatherEngine(const std::uint8_t* fractal, std::size_t fractalSize, std::size_t engine,
                  std::uint8_t* out) {
    for (std::size_t block = engine; block * kBlockBytes < fractalSize; block += kEngines) {
        std::memcpy(out, fractal + block * kBlockBytes, kBlockBytes);
        out += kBlockBytes;
    }
}

/// Stores `lengths[e]` bytes of each engine stream padded to `padded` bytes, as 32-byte chunks
/// taken from the engines in turn.
void interleave(const std::array<const std::uint8_t*, kEngines>& streams,
                const std::array<std::size_t, kEngines>& lengths, std::size_t padded,
                std::uint8_t* out) {
    for (std::size_t chunk = 0; chunk < padded; chunk += kInterleaveBytes) {
        for (std::size_t e = 0; e < kEngines; ++e) {
            const std::size_t have = lengths[e] > chunk ? std::min(kInterleaveBytes, lengths[e] - chunk) : 0;
            std::memcpy(out, streams[e] + chunk, have);
            std::memset(out + have, 0, kInterleaveBytes - have);
            out += kInterleaveBytes;
        }
    }
}

/// Encodes one fractal into `out` (capacity fractalSize + 128); returns its index entry
/// (offset not yet set).
IndexEntry encodeFractal(const std::uint8_t* fractal, std::size_t fractalSize,
                         const CallCodes& codes, std::uint8_t* engineInput,
                         std::uint8_t* engineOutput, std::uint8_t* out) {
    const std::size_t engineBytes = fractalSize / kEngines;
    const std::size_t capacity = engineOutputCapacity(engineBytes);
    std::array<const std::uint8_t*, kEngines> streams{};
    std::array<std::size_t, kEngines> lengths{};
    bool compressible = true;
    for (std::size_t e = 0; e < kEngines && compressible; ++e) {
        std::uint8_t* input = engineInput + e * engineBytes;
        gatherEngine(fractal, fractalSize, e, input);
        lengths[e] = encodeEngine(input, engineBytes, codes, engineOutput + e * capacity);
        streams[e] = engineOutput + e * capacity;
        compressible = lengths[e] != 0;
    }
    if (!compressible) {
        // Bypass keeps the raw bytes but still engine-split and interleaved.
        for (std::size_t e = 0; e < kEngines; ++e) {
            gatherEngine(fractal, fractalSize, e, engineInput + e * engineBytes);
            streams[e] = engineInput + e * engineBytes;
            lengths[e] = engineBytes;
        }
        interleave(streams, lengths, engineBytes, out);
        return {fractalSize, false, 0};
    }
    const std::size_t longest = *std::max_element(lengths.begin(), lengths.end());
    const std::size_t padded = roundUp(longest, kInterleaveBytes);
    interleave(streams, lengths, padded, out);
    return {padded * kEngines, true, 0};
}

} // namespace
} // namespace detail

std::size_t compress(std::span<const std::uint8_t> input, const CodecConfig& config,
                     std::vector<std::uint8_t>& weight, std::vector<std::uint8_t>& index) {
    using namespace detail;
    validateConfig(input.size(), config);
    const std::size_t fractalSize = config.fractalSize;
    const std::size_t fractals = input.size() / fractalSize;
    const CallCodes codes = buildCallCodes(buildDictionary(input, config.type), config.type);

    const std::size_t engineBytes = fractalSize / kEngines;
    std::vector<std::uint8_t> engineInput(fractalSize);
    std::vector<std::uint8_t> engineOutput(kEngines * engineOutputCapacity(engineBytes));

    const std::size_t weightStart = weight.size();
    const std::size_t indexStart = index.size();
    weight.resize(weightStart + maxCompressedSize(input.size(), fractalSize));
    index.resize(indexStart + fractals * kIndexEntryBytes);
    std::size_t cursor = 0;
    for (std::size_t f = 0; f < fractals; ++f) {
        IndexEntry entry = encodeFractal(input.data() + f * fractalSize, fractalSize, codes,
                                         engineInput.data(), engineOutput.data(),
                                         weight.data() + weightStart + cursor);
        entry.offsetUnits = offsetUnits(cursor, config.initOffset);
        writeIndexEntry(entry, index.data() + indexStart + f * kIndexEntryBytes);
        cursor += entry.storedBytes;
    }
    weight.resize(weightStart + cursor);
    return cursor;
}

} // namespace nzc::codec
