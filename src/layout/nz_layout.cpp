// ND <-> Nz. Both directions walk the byte matrix row by row (sequential reads of the large
// side) and scatter 32-byte block rows into the Nz blocks of the current 16-row strip, whose
// K1 blocks of 512 B stay in cache while the strip's 16 rows fill them.
#include "block_copy.h"

#include <algorithm>
#include <array>

#include <string>
#include <vector>

namespace nzc::layout {

namespace {

void checkSizes(std::size_t nd, std::size_t nz, ByteShape shape, NzShape nzShape) {
    if (nd != shape.bytes())
        throw LayoutError("ND buffer holds " + std::to_string(nd) + " bytes, a [" +
                          std::to_string(shape.rows) + ", " + std::to_string(shape.rowBytes) +
                          "] byte matrix needs " + std::to_string(shape.bytes()));
    if (nz != nzShape.bytes())
        throw LayoutError("Nz buffer holds " + std::to_string(nz) + " bytes, shape (" +
                          std::to_string(nzShape.k1) + ", " + std::to_string(nzShape.n1) +
                          ", 16, 32) needs " + std::to_string(nzShape.bytes()));
}

} // namespace

NzShape nzShapeOf(ByteShape shape) {
    if (shape.rows == 0 || shape.rowBytes == 0)
        throw LayoutError("empty byte matrix [" + std::to_string(shape.rows) + ", " +
                          std::to_string(shape.rowBytes) + "]");
    return {(shape.rowBytes + kBlockCols - 1) / kBlockCols,
            (shape.rows + kBlockRows - 1) / kBlockRows};
}

void toNz(std::span<const std::uint8_t> nd, ByteShape shape, std::span<std::uint8_t> nz) {
    const NzShape nzShape = nzShapeOf(shape);
    checkSizes(nd.size(), nz.size(), shape, nzShape);
    const std::size_t blockColStride = nzShape.n1 * kBlockBytes; // bytes between k blocks
    for (std::size_t blockRow = 0; blockRow < nzShape.n1; ++blockRow) {
        for (std::size_t r = 0; r < kBlockRows; ++r) {
            const std::size_t row = blockRow * kBlockRows + r;
            const std::uint8_t* src = row < shape.rows ? nd.data() + row * shape.rowBytes : nullptr;
            std::uint8_t* dst = nz.data() + blockRow * kBlockBytes + r * kBlockCols;
            for (std::size_t kb = 0; kb < nzShape.k1; ++kb, dst += blockColStride)
                detail::loadBlockRow(src, shape.rowBytes, kb, dst);
        }
    }
}

std::vector<std::uint8_t> toNz(std::span<const std::uint8_t> nd, ByteShape shape) {
    std::vector<std::uint8_t> nz(nzShapeOf(shape).bytes());
    toNz(nd, shape, nz);
    return nz;
}

void forEachNzColumn(std::span<const std::uint8_t> nd, ByteShape shape,
                     const std::function<void(std::span<const std::uint8_t>)>& visit) {
    const NzShape nzShape = nzShapeOf(shape);
    checkSizes(nd.size(), nzShape.bytes(), shape, nzShape);
    // A block column alone uses 32 bytes of each 64-byte line it reads, and the next column
    // would read the line again after it left the cache: 4 columns per pass read 128 bytes of
    // each row. The gathered columns (N1 x 512 B each) are reused from call to call.
    constexpr std::size_t kColumnsPerPass = 4;
    const std::size_t columnBytes = nzShape.n1 * kBlockBytes;
    thread_local std::vector<std::uint8_t> gathered;
    if (gathered.size() < kColumnsPerPass * columnBytes)
        gathered.resize(kColumnsPerPass * columnBytes);
    for (std::size_t first = 0; first < nzShape.k1; first += kColumnsPerPass) {
        const std::size_t columns = std::min(kColumnsPerPass, nzShape.k1 - first);
        for (std::size_t row = 0; row < nzShape.n1 * kBlockRows; ++row) {
            const std::uint8_t* src = row < shape.rows ? nd.data() + row * shape.rowBytes : nullptr;
            for (std::size_t c = 0; c < columns; ++c)
                detail::loadBlockRow(src, shape.rowBytes, first + c,
                                     gathered.data() + c * columnBytes + row * kBlockCols);
        }
        for (std::size_t c = 0; c < columns; ++c)
            visit(std::span<const std::uint8_t>(gathered.data() + c * columnBytes, columnBytes));
    }
}

void fromNz(std::span<const std::uint8_t> nz, ByteShape shape, std::span<std::uint8_t> nd) {
    const NzShape nzShape = nzShapeOf(shape);
    checkSizes(nd.size(), nz.size(), shape, nzShape);
    const std::size_t blockColStride = nzShape.n1 * kBlockBytes;
    for (std::size_t row = 0; row < shape.rows; ++row) {
        const std::uint8_t* src =
            nz.data() + (row / kBlockRows) * kBlockBytes + (row % kBlockRows) * kBlockCols;
        std::uint8_t* dst = nd.data() + row * shape.rowBytes;
        for (std::size_t kb = 0; kb < nzShape.k1; ++kb, src += blockColStride)
            detail::storeBlockRow(src, kb, dst, shape.rowBytes);
    }
}

std::vector<std::uint8_t> fromNz(std::span<const std::uint8_t> nz, ByteShape shape) {
    std::vector<std::uint8_t> nd(shape.bytes());
    fromNz(nz, shape, nd);
    return nd;
}

} // namespace nzc::layout
