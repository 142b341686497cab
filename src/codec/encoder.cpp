// compress(): one reference CompressWeights call. Builds the call's dictionary, then encodes
// each fractal's four engine streams, falls back to bypass where an engine does not
// compress, interleaves the streams and writes the index entry.
#include "engine_encoder.h"
#include "fractal_format.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <memory>
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

namespace {

/// Encodes one fractal into `out` (capacity fractalSize + 128); returns its index entry
/// (offset not yet set).
IndexEntry encodeFractal(const std::uint8_t* fractal, std::size_t fractalSize,
                         const CallCodes& codes, std::uint8_t* engineInput,
                         std::uint8_t* engineOutput, std::uint8_t* out) {
    const std::size_t engineBytes = fractalSize / kEngines;
    const std::size_t capacity = engineOutputCapacity(engineBytes);
    // Every engine's bytes are needed either way: to encode, or raw for the bypass.
    std::array<const std::uint8_t*, kEngines> inputs{};
    for (std::size_t e = 0; e < kEngines; ++e) {
        gatherEngine(fractal, fractalSize, e, engineInput + e * engineBytes);
        inputs[e] = engineInput + e * engineBytes;
    }
    std::array<const std::uint8_t*, kEngines> streams{};
    std::array<std::size_t, kEngines> lengths{};
    for (std::size_t e = 0; e < kEngines; ++e) {
        lengths[e] = encodeEngine(inputs[e], engineBytes, codes, engineOutput + e * capacity);
        streams[e] = engineOutput + e * capacity;
        if (lengths[e] == 0) {
            // Bypass keeps the raw bytes, still engine-split and interleaved.
            lengths.fill(engineBytes);
            interleave(inputs, lengths, engineBytes, out);
            return {fractalSize, false, 0};
        }
    }
    const std::size_t longest = *std::max_element(lengths.begin(), lengths.end());
    const std::size_t padded = roundUp(longest, kInterleaveBytes);
    interleave(streams, lengths, padded, out);
    return {padded * kEngines, true, 0};
}

/// Working memory of compress(), kept per thread and reused: a whole weight makes one call per
/// 32 KiB tile, and allocating and zero-filling these on every call cost as much as building
/// the dictionary.
struct Scratch {
    std::size_t fractalSize = 0;
    std::unique_ptr<std::uint8_t[]> engineInput;  ///< the fractal split by engine
    std::unique_ptr<std::uint8_t[]> engineOutput; ///< each engine's encoded stream
    std::unique_ptr<std::uint8_t[]> fractal;      ///< the fractal as stored
};

Scratch& scratch(std::size_t fractalSize) {
    thread_local Scratch work;
    if (work.fractalSize < fractalSize) {
        const std::size_t engineBytes = fractalSize / kEngines;
        work.engineInput = std::make_unique_for_overwrite<std::uint8_t[]>(fractalSize);
        work.engineOutput = std::make_unique_for_overwrite<std::uint8_t[]>(
            kEngines * engineOutputCapacity(engineBytes));
        work.fractal = std::make_unique_for_overwrite<std::uint8_t[]>(fractalSize + kStoredUnit);
        work.fractalSize = fractalSize;
    }
    return work;
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
    Scratch& work = scratch(fractalSize);

    const std::size_t indexStart = index.size();
    index.resize(indexStart + fractals * kIndexEntryBytes);
    std::size_t cursor = 0;
    for (std::size_t f = 0; f < fractals; ++f) {
        IndexEntry entry =
            encodeFractal(input.data() + f * fractalSize, fractalSize, codes,
                          work.engineInput.get(), work.engineOutput.get(), work.fractal.get());
        weight.insert(weight.end(), work.fractal.get(), work.fractal.get() + entry.storedBytes);
        entry.offsetUnits = offsetUnits(cursor, config.initOffset);
        writeIndexEntry(entry, index.data() + indexStart + f * kIndexEntryBytes);
        cursor += entry.storedBytes;
    }
    return cursor;
}

} // namespace nzc::codec
