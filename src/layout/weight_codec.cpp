// A whole weight through the codec: one call per 8x8-block tile, each call's init offset the
// compressed bytes already output, so the index offsets run across the whole weight.
#include "tile_plan.h"

#include <string>

namespace nzc::layout {

namespace {

using detail::Tile;

constexpr std::size_t kIndexLengthBits = 9; // bits 0-8 of an entry: stored length / 128

std::string describeTile(std::size_t number, const Tile& tile) {
    return "tile " + std::to_string(number) + " (k blocks " + std::to_string(tile.kBlock) + "+" +
           std::to_string(tile.kBlocks) + ", n blocks " + std::to_string(tile.nBlock) + "+" +
           std::to_string(tile.nBlocks) + ")";
}

/// Runs the codec over every tile; `gather(tile, out)` supplies a tile's input bytes.
template <typename Gather>
CompressedWeight compressTiles(ByteShape shape, codec::CompressType type, Gather&& gather) {
    const std::vector<Tile> tiles = detail::planTiles(nzShapeOf(shape));
    CompressedWeight result;
    result.info = infoOf(shape);
    result.index.reserve(tiles.size() * codec::kIndexEntryBytes);
    // The worst case up front: growing the vector tile by tile copied and re-faulted the
    // whole output several times over on large weights; untouched reserve costs nothing.
    std::size_t worst = 0;
    for (const Tile& tile : tiles)
        worst += codec::maxCompressedSize(tile.bytes(), tile.bytes());
    result.weight.reserve(worst);
    // One tile buffer reused for every call: at most 32 KiB, so it stays in L1/L2 while the
    // codec reads it.
    std::vector<std::uint8_t> buffer(kTileBlocks * kTileBlocks * kBlockBytes);
    for (const Tile& tile : tiles) {
        gather(tile, buffer.data());
        codec::CodecConfig config;
        config.fractalSize = tile.bytes();
        config.type = type;
        config.initOffset = result.weight.size();
        codec::compress(std::span<const std::uint8_t>(buffer.data(), tile.bytes()), config,
                        result.weight, result.index);
    }
    return result;
}

std::uint32_t readLittleEndian(const std::uint8_t* bytes, std::size_t count) {
    std::uint32_t value = 0;
    for (std::size_t i = count; i-- > 0;)
        value = (value << 8) | bytes[i];
    return value;
}

} // namespace

ByteShape byteShapeOf(const NdWeight& weight) {
    if (weight.transpose)
        return {weight.cols, weight.rows * weight.elementSize};
    return {weight.rows, weight.cols * weight.elementSize};
}

std::array<std::int64_t, kInfoSize> infoOf(ByteShape shape) {
    return {static_cast<std::int64_t>(kTileBlocks), static_cast<std::int64_t>(kTileBlocks),
            static_cast<std::int64_t>(shape.rowBytes), static_cast<std::int64_t>(shape.rows), 1};
}

ByteShape byteShapeOfInfo(const std::array<std::int64_t, kInfoSize>& info) {
    const auto tiling = static_cast<std::int64_t>(kTileBlocks);
    if (info[0] != tiling || info[1] != tiling || info[2] <= 0 || info[3] <= 0 || info[4] != 1)
        throw LayoutError("info [" + std::to_string(info[0]) + ", " + std::to_string(info[1]) +
                          ", " + std::to_string(info[2]) + ", " + std::to_string(info[3]) + ", " +
                          std::to_string(info[4]) + "] is not [8, 8, k > 0, n > 0, 1]");
    return {static_cast<std::size_t>(info[3]), static_cast<std::size_t>(info[2])};
}

std::size_t tileCount(NzShape shape) {
    return ((shape.n1 + kTileBlocks - 1) / kTileBlocks) *
           ((shape.k1 + kTileBlocks - 1) / kTileBlocks);
}

CompressedWeight compressNzWeight(std::span<const std::uint8_t> nz, ByteShape shape,
                                  codec::CompressType type) {
    const NzShape nzShape = nzShapeOf(shape);
    if (nz.size() != nzShape.bytes())
        throw LayoutError("Nz buffer holds " + std::to_string(nz.size()) + " bytes, shape (" +
                          std::to_string(nzShape.k1) + ", " + std::to_string(nzShape.n1) +
                          ", 16, 32) needs " + std::to_string(nzShape.bytes()));
    return compressTiles(shape, type, [&](const Tile& tile, std::uint8_t* out) {
        detail::gatherTileFromNz(nz.data(), nzShape, tile, out);
    });
}

CompressedWeight compressWeight(const NdWeight& weight, codec::CompressType type) {
    if (weight.elementSize == 0)
        throw LayoutError("element size must be at least 1 byte");
    const std::size_t bytes = weight.rows * weight.cols * weight.elementSize;
    if (weight.data.size() != bytes)
        throw LayoutError("weight holds " + std::to_string(weight.data.size()) + " bytes, [" +
                          std::to_string(weight.rows) + ", " + std::to_string(weight.cols) +
                          "] elements of " + std::to_string(weight.elementSize) + " B need " +
                          std::to_string(bytes));
    const ByteShape shape = byteShapeOf(weight);
    nzShapeOf(shape); // rejects an empty matrix before any work
    if (!weight.transpose)
        return compressTiles(shape, type, [&](const Tile& tile, std::uint8_t* out) {
            detail::gatherTileFromNd(weight.data.data(), shape, tile, out);
        });
    if (detail::canGatherTransposed(weight.elementSize)) {
        std::vector<std::uint8_t> scratch(kTileBlocks * kTileBlocks * kBlockBytes);
        return compressTiles(shape, type, [&](const Tile& tile, std::uint8_t* out) {
            detail::gatherTileFromTransposed(weight.data.data(), weight.rows, weight.cols,
                                             weight.elementSize, tile, scratch.data(), out);
        });
    }
    // Odd element sizes can straddle block columns: transpose the whole weight first.
    const auto transposed =
        transposeElements(weight.data, weight.rows, weight.cols, weight.elementSize);
    return compressTiles(shape, type, [&](const Tile& tile, std::uint8_t* out) {
        detail::gatherTileFromNd(transposed.data(), shape, tile, out);
    });
}

std::vector<std::uint8_t> decompressNzWeight(std::span<const std::uint8_t> weight,
                                             std::span<const std::uint8_t> index,
                                             const std::array<std::int64_t, kInfoSize>& info,
                                             codec::CompressType type) {
    const NzShape nzShape = nzShapeOf(byteShapeOfInfo(info));
    const std::vector<Tile> tiles = detail::planTiles(nzShape);
    if (index.size() != tiles.size() * codec::kIndexEntryBytes)
        throw LayoutError("index holds " + std::to_string(index.size()) + " bytes, " +
                          std::to_string(tiles.size()) + " tiles need " +
                          std::to_string(tiles.size() * codec::kIndexEntryBytes));
    std::vector<std::uint8_t> nz(nzShape.bytes());
    std::vector<std::uint8_t> buffer(kTileBlocks * kTileBlocks * kBlockBytes);
    std::size_t cursor = 0; // tiles are stored back to back in index order
    for (std::size_t t = 0; t < tiles.size(); ++t) {
        const Tile& tile = tiles[t];
        const std::uint8_t* entry = index.data() + t * codec::kIndexEntryBytes;
        const std::size_t length =
            (readLittleEndian(entry, 2) & ((1u << kIndexLengthBits) - 1)) * codec::kStoredUnit;
        const std::size_t offset = std::size_t{readLittleEndian(entry + 4, 4)} * codec::kStoredUnit;
        if (offset != cursor || length == 0 || length > weight.size() - cursor)
            throw LayoutError(describeTile(t, tile) + ": index entry says " +
                              std::to_string(length) + " bytes at offset " +
                              std::to_string(offset) + ", expected a tile at offset " +
                              std::to_string(cursor) + " within the " +
                              std::to_string(weight.size()) + " compressed bytes");
        codec::CodecConfig config;
        config.fractalSize = tile.bytes();
        config.type = type;
        config.initOffset = offset;
        try {
            codec::decompress(weight.subspan(offset, length),
                              index.subspan(t * codec::kIndexEntryBytes, codec::kIndexEntryBytes),
                              config, std::span<std::uint8_t>(buffer.data(), tile.bytes()));
        } catch (const codec::DecodeError& error) {
            throw codec::DecodeError(t, describeTile(t, tile) + ": " + error.what());
        }
        detail::scatterTileToNz(buffer.data(), nzShape, tile, nz.data());
        cursor += length;
    }
    if (cursor != weight.size())
        throw LayoutError("the index covers " + std::to_string(cursor) + " of the " +
                          std::to_string(weight.size()) + " compressed bytes");
    return nz;
}

std::vector<std::uint8_t> decompressWeight(const CompressedWeight& compressed,
                                           codec::CompressType type, std::size_t elementSize,
                                           bool transpose) {
    if (elementSize == 0)
        throw LayoutError("element size must be at least 1 byte");
    const ByteShape shape = byteShapeOfInfo(compressed.info);
    if (shape.rowBytes % elementSize != 0)
        throw LayoutError("info row length " + std::to_string(shape.rowBytes) +
                          " bytes is not a whole number of " + std::to_string(elementSize) +
                          "-byte elements");
    std::vector<std::uint8_t> nd = fromNz(
        decompressNzWeight(compressed.weight, compressed.index, compressed.info, type), shape);
    if (!transpose)
        return nd;
    // The byte matrix is the transposed weight [cols, rows * elementSize]; turn it back.
    return transposeElements(nd, shape.rows, shape.rowBytes / elementSize, elementSize);
}

} // namespace nzc::layout
