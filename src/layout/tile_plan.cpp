#include "tile_plan.h"

#include "block_copy.h"
#include "transpose_strided.h"

#include <algorithm>
#include <cstring>

namespace nzc::layout::detail {

std::vector<Tile> planTiles(NzShape shape) {
    const std::size_t nTiles = (shape.n1 + kTileBlocks - 1) / kTileBlocks;
    const std::size_t kTiles = (shape.k1 + kTileBlocks - 1) / kTileBlocks;
    std::vector<Tile> tiles;
    tiles.reserve(nTiles * kTiles);
    for (std::size_t nt = 0; nt < nTiles; ++nt) {
        Tile column;
        column.nBlock = nt * kTileBlocks;
        column.nBlocks = std::min(kTileBlocks, shape.n1 - column.nBlock);
        if (column.nBlocks < kTileBlocks && shape.n1 > kTileBlocks) {
            // The ragged last n-tile is widened to 8 blocks by starting it earlier: the card's
            // kernel reads it full width, skipping the blocks the previous n-tile holds.
            column.nBlock = shape.n1 - kTileBlocks;
            column.nSkip = kTileBlocks - column.nBlocks;
            column.nBlocks = kTileBlocks;
        }
        for (std::size_t kt = 0; kt < kTiles; ++kt) {
            Tile tile = column;
            tile.kBlock = kt * kTileBlocks;
            tile.kBlocks = std::min(kTileBlocks, shape.k1 - tile.kBlock);
            tiles.push_back(tile);
        }
    }
    return tiles;
}

void gatherTileFromNz(const std::uint8_t* nz, NzShape shape, const Tile& tile, std::uint8_t* out) {
    // In Nz the blocks of one block column are contiguous along n, and a tile takes them k
    // outer, n inner: each block column of the tile is one contiguous run.
    const std::size_t run = tile.nBlocks * kBlockBytes;
    for (std::size_t kk = 0; kk < tile.kBlocks; ++kk) {
        const std::size_t block = (tile.kBlock + kk) * shape.n1 + tile.nBlock;
        std::memcpy(out + kk * run, nz + block * kBlockBytes, run);
    }
}

void gatherTileFromNd(const std::uint8_t* nd, ByteShape shape, const Tile& tile,
                      std::uint8_t* out) {
    // Row by row through the ND strip (each row read once, up to 256 contiguous bytes), each
    // 32-byte piece dropped into its block of the tile.
    const std::size_t blockColStride = tile.nBlocks * kBlockBytes;
    const bool interior = (tile.nBlock + tile.nBlocks) * kBlockRows <= shape.rows &&
                          (tile.kBlock + tile.kBlocks) * kBlockCols <= shape.rowBytes;
    if (interior) {
        // No padding anywhere in the tile (almost every tile of a real weight): fixed-size
        // copies without the bounds checks.
        for (std::size_t nn = 0; nn < tile.nBlocks; ++nn) {
            for (std::size_t r = 0; r < kBlockRows; ++r) {
                const std::size_t row = (tile.nBlock + nn) * kBlockRows + r;
                const std::uint8_t* src = nd + row * shape.rowBytes + tile.kBlock * kBlockCols;
                std::uint8_t* dst = out + nn * kBlockBytes + r * kBlockCols;
                for (std::size_t kk = 0; kk < tile.kBlocks; ++kk)
                    std::memcpy(dst + kk * blockColStride, src + kk * kBlockCols, kBlockCols);
            }
        }
        return;
    }
    for (std::size_t nn = 0; nn < tile.nBlocks; ++nn) {
        for (std::size_t r = 0; r < kBlockRows; ++r) {
            const std::size_t row = (tile.nBlock + nn) * kBlockRows + r;
            const std::uint8_t* src = row < shape.rows ? nd + row * shape.rowBytes : nullptr;
            std::uint8_t* dst = out + nn * kBlockBytes + r * kBlockCols;
            for (std::size_t kk = 0; kk < tile.kBlocks; ++kk, dst += blockColStride)
                loadBlockRow(src, shape.rowBytes, tile.kBlock + kk, dst);
        }
    }
}

void gatherTileFromTransposed(const std::uint8_t* w, std::size_t wRows, std::size_t wCols,
                              std::size_t elementSize, const Tile& tile, std::uint8_t* scratch,
                              std::uint8_t* out) {
    // The tile's region of the byte matrix, [subRows, subRowBytes], is first built in
    // `scratch` by transposing the matching block of W (at most 256 x 128 elements), then
    // gathered like any ND tile. Both steps stay in cache; no transposed copy of W is made.
    const ByteShape shape{wCols, wRows * elementSize};
    const std::size_t firstRow = tile.nBlock * kBlockRows;
    const std::size_t firstByte = tile.kBlock * kBlockCols;
    const ByteShape sub{tile.nBlocks * kBlockRows, tile.kBlocks * kBlockCols};
    const std::size_t rows = std::min(shape.rows, firstRow + sub.rows) - firstRow;
    const std::size_t bytes = std::min(shape.rowBytes, firstByte + sub.rowBytes) - firstByte;
    if (rows < sub.rows || bytes < sub.rowBytes)
        std::memset(scratch, 0, sub.bytes()); // the tile reaches into the padding
    // Byte matrix rows are W columns; its row bytes are W rows of elementSize bytes each.
    const std::uint8_t* block = w + ((firstByte / elementSize) * wCols + firstRow) * elementSize;
    transposeStrided(block, wCols * elementSize, bytes / elementSize, rows, elementSize, scratch,
                     sub.rowBytes);
    Tile local = tile;
    local.kBlock = 0;
    local.nBlock = 0;
    gatherTileFromNd(scratch, sub, local, out);
}

void scatterTileToNz(const std::uint8_t* in, NzShape shape, const Tile& tile, std::uint8_t* nz) {
    const std::size_t run = tile.nBlocks * kBlockBytes;
    const std::size_t skip = tile.nSkip * kBlockBytes;
    for (std::size_t kk = 0; kk < tile.kBlocks; ++kk) {
        const std::size_t block = (tile.kBlock + kk) * shape.n1 + tile.nBlock;
        std::memcpy(nz + block * kBlockBytes + skip, in + kk * run + skip, run - skip);
    }
}

} // namespace nzc::layout::detail
