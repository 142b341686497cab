// Copies of one 32-byte block row between a byte matrix row and a Nz block, with the zero
// padding of the last, partial block column. Shared by toNz/fromNz and the tile gather so that
// both paths pad the same way. Internal to the layout module.
#pragma once

#include <nzcompress/layout.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace nzc::layout::detail {

/// Writes block column `blockCol` of a matrix row (`row` holds `rowBytes` bytes, or is null for
/// a padding row) into the 32 bytes at `dst`, zero-filling past the end of the row.
inline void loadBlockRow(const std::uint8_t* row, std::size_t rowBytes, std::size_t blockCol,
                         std::uint8_t* dst) {
    const std::size_t begin = blockCol * kBlockCols;
    if (row != nullptr && begin + kBlockCols <= rowBytes) {
        // The common case: a fixed-size copy the compiler turns into one or two vector moves.
        std::memcpy(dst, row + begin, kBlockCols);
        return;
    }
    const std::size_t have = (row != nullptr && begin < rowBytes) ? rowBytes - begin : 0;
    if (have > 0)
        std::memcpy(dst, row + begin, have);
    std::memset(dst + have, 0, kBlockCols - have);
}

/// Writes the 32 bytes at `src` back into block column `blockCol` of a matrix row, dropping
/// what lies past the end of the row.
inline void storeBlockRow(const std::uint8_t* src, std::size_t blockCol, std::uint8_t* row,
                          std::size_t rowBytes) {
    const std::size_t begin = blockCol * kBlockCols;
    if (begin + kBlockCols <= rowBytes) {
        std::memcpy(row + begin, src, kBlockCols);
        return;
    }
    if (begin < rowBytes)
        std::memcpy(row + begin, src, rowBytes - begin);
}

} // namespace nzc::layout::detail
