// The 8x8-block tiles of a Nz weight in the order they are compressed (spec section 6):
// n-tile major, k-tile minor; a narrow last k-tile; one narrow tile when N1 < 8; when N1 > 8
// and N1 % 8 != 0 a full-width last n-tile that overlaps the one before it. Internal.
#pragma once

#include <nzcompress/layout.h>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace nzc::layout::detail {

struct Tile {
    std::size_t kBlock = 0;  ///< first block column (k1 index)
    std::size_t kBlocks = 0; ///< block columns in the tile (1..8)
    std::size_t nBlock = 0;  ///< first block row (n1 index)
    std::size_t nBlocks = 0; ///< block rows in the tile (1..8)
    std::size_t nSkip = 0;   ///< leading block rows an earlier tile already holds (overlap)
    std::size_t bytes() const noexcept { return kBlocks * nBlocks * kBlockBytes; }
};

/// The tiles of a Nz weight in compression (= index) order.
std::vector<Tile> planTiles(NzShape shape);

/// Copies a tile out of Nz bytes into `out` (tile.bytes() bytes: blocks k outer, n inner).
void gatherTileFromNz(const std::uint8_t* nz, NzShape shape, const Tile& tile, std::uint8_t* out);

/// Copies a tile straight out of the ND byte matrix (with the Nz zero padding) into `out`.
void gatherTileFromNd(const std::uint8_t* nd, ByteShape shape, const Tile& tile, std::uint8_t* out);

/// Whether gatherTileFromTransposed handles this element size (elements never straddle the
/// 32-byte block columns).
inline bool canGatherTransposed(std::size_t elementSize) noexcept {
    return elementSize != 0 && kBlockCols % elementSize == 0;
}

/// Copies a tile of the byte view of transpose(W) straight out of W, a row-major
/// [wRows, wCols] matrix of `elementSize`-byte elements (so the byte matrix is
/// [wCols, wRows * elementSize]). `scratch` holds at least 32 KiB.
void gatherTileFromTransposed(const std::uint8_t* w, std::size_t wRows, std::size_t wCols,
                              std::size_t elementSize, const Tile& tile, std::uint8_t* scratch,
                              std::uint8_t* out);

/// Writes a decompressed tile back into Nz bytes, skipping its first `tile.nSkip` block rows.
void scatterTileToNz(const std::uint8_t* in, NzShape shape, const Tile& tile, std::uint8_t* nz);

} // namespace nzc::layout::detail
