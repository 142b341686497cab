// Whole weights in the Ascend W8A8SC / W16A16SC layout: ND <-> Nz (16 x 32-byte blocks,
// zero-padded), the optional element-aware transpose, and the 8x8-block tiling that turns a
// weight into `weight`, `index` and `info` with one codec call per tile (spec section 6 and
// NZ_LAYOUT of docs/ASCEND_CODEC.md). Local (no MPI, no HDF5), thread-compatible, no global
// state.
//
// Terms: a *byte matrix* is [rows, rowBytes] row-major, the int8 view of a weight (an fp16 or
// bf16 weight [n, k] is the byte matrix [n, 2k], low byte first). Its Nz form has shape
// (K1, N1, 16, 32) with N1 = ceil(rows / 16) and K1 = ceil(rowBytes / 32).
#pragma once

#include <nzcompress/codec.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace nzc::layout {

inline constexpr std::size_t kBlockRows = 16;                       ///< rows of a Nz block (n0)
inline constexpr std::size_t kBlockCols = 32;                       ///< bytes per block row (k0)
inline constexpr std::size_t kBlockBytes = kBlockRows * kBlockCols; ///< 512
inline constexpr std::size_t kTileBlocks = 8; ///< tiling_k = tiling_n = 8 blocks
inline constexpr std::size_t kInfoSize = 5;   ///< entries of `info`

/// A shape or buffer size that does not match what the call expects (checked before any work).
class LayoutError : public std::invalid_argument {
public:
    using std::invalid_argument::invalid_argument;
};

/// A byte matrix: `rows` rows of `rowBytes` bytes each (rows = n, rowBytes = k of the int8 view).
struct ByteShape {
    std::size_t rows = 0;
    std::size_t rowBytes = 0;
    std::size_t bytes() const noexcept { return rows * rowBytes; }
    friend bool operator==(const ByteShape&, const ByteShape&) = default;
};

/// The Nz shape (K1, N1, 16, 32) in blocks.
struct NzShape {
    std::size_t k1 = 0; ///< blocks along the row (rowBytes / 32, rounded up)
    std::size_t n1 = 0; ///< blocks along the rows (rows / 16, rounded up)
    std::size_t blocks() const noexcept { return k1 * n1; }
    std::size_t bytes() const noexcept { return blocks() * kBlockBytes; }
    friend bool operator==(const NzShape&, const NzShape&) = default;
};

/// The Nz shape that holds `shape` once padded. Throws LayoutError if a dimension is 0.
NzShape nzShapeOf(ByteShape shape);

/// ND -> Nz: writes all `nzShapeOf(shape).bytes()` bytes of `nz` (padding zeroed).
/// Throws LayoutError if `nd` or `nz` has the wrong size.
void toNz(std::span<const std::uint8_t> nd, ByteShape shape, std::span<std::uint8_t> nz);
std::vector<std::uint8_t> toNz(std::span<const std::uint8_t> nd, ByteShape shape);

/// Calls `visit` with the Nz bytes of each block column of an ND matrix in Nz order (k block
/// 0 first; one call holds the N1 blocks of 512 B of that k block), so that the calls
/// concatenated are exactly toNz(nd, shape), without building that copy: a checksum of the Nz
/// bytes can be taken straight from ND. Gathers several block columns per pass over the rows,
/// so that every cache line of ND is read once. Throws LayoutError if `nd` has the wrong size.
void forEachNzColumn(std::span<const std::uint8_t> nd, ByteShape shape,
                     const std::function<void(std::span<const std::uint8_t>)>& visit);

/// Nz -> ND: the inverse of toNz (the padding is dropped).
void fromNz(std::span<const std::uint8_t> nz, ByteShape shape, std::span<std::uint8_t> nd);
std::vector<std::uint8_t> fromNz(std::span<const std::uint8_t> nz, ByteShape shape);

/// Transposes a row-major [rows, cols] matrix of `elementSize`-byte elements into [cols, rows],
/// moving whole elements (an fp16 element keeps its two bytes in order).
void transposeElements(std::span<const std::uint8_t> input, std::size_t rows, std::size_t cols,
                       std::size_t elementSize, std::span<std::uint8_t> output);
std::vector<std::uint8_t> transposeElements(std::span<const std::uint8_t> input, std::size_t rows,
                                            std::size_t cols, std::size_t elementSize);

/// A weight as stored in a checkpoint: row-major [rows, cols] elements of `elementSize` bytes
/// (1 for int8, 2 for fp16/bf16, little-endian). With `transpose` the matrix is transposed
/// (msModelSlim's weight_transpose) before it is viewed as bytes.
struct NdWeight {
    std::span<const std::uint8_t> data;
    std::size_t rows = 0;
    std::size_t cols = 0;
    std::size_t elementSize = 1;
    bool transpose = false;
};

/// The byte matrix a weight is compressed as: after the optional transpose, elements as bytes.
ByteShape byteShapeOf(const NdWeight& weight);

/// What a compressed weight is stored as.
struct CompressedWeight {
    std::vector<std::uint8_t> weight;           ///< the tiles' compressed bytes, back to back
    std::vector<std::uint8_t> index;            ///< 8 bytes per tile, n-tile major
    std::array<std::int64_t, kInfoSize> info{}; ///< [8, 8, k, n, 1]: k = rowBytes, n = rows
};

/// `info` for a byte matrix: [tiling_k, tiling_n, rowBytes, rows, 1].
std::array<std::int64_t, kInfoSize> infoOf(ByteShape shape);

/// The byte matrix `info` describes. Throws LayoutError unless info is [8, 8, k > 0, n > 0, 1].
ByteShape byteShapeOfInfo(const std::array<std::int64_t, kInfoSize>& info);

/// Number of 8x8-block tiles (= index entries) of a Nz weight.
std::size_t tileCount(NzShape shape);

/// Compresses a weight given in Nz layout (`nz` holds nzShapeOf(shape).bytes() bytes; `shape`
/// is the byte matrix before padding, used for `info`). One codec call per tile.
/// Throws LayoutError on a size mismatch.
CompressedWeight compressNzWeight(std::span<const std::uint8_t> nz, ByteShape shape,
                                  codec::CompressType type);

/// Compresses a weight given as a checkpoint stores it: transposes if asked, views it as bytes
/// and gathers each tile straight from the ND bytes, transposing tile by tile (no full Nz or
/// transposed copy; element sizes that do not divide 32 are transposed whole first). Same bytes
/// as compressNzWeight(toNz(transposed byte view)).
CompressedWeight compressWeight(const NdWeight& weight, codec::CompressType type);

/// Decompresses `weight` + `index` back to the Nz bytes of the byte matrix `info` describes.
/// The overlapping columns of the last n-tile are not written twice. Throws LayoutError if the
/// index does not fit the weight or the shape, codec::DecodeError (naming the tile's fractal)
/// for data that does not decode.
std::vector<std::uint8_t> decompressNzWeight(std::span<const std::uint8_t> weight,
                                             std::span<const std::uint8_t> index,
                                             const std::array<std::int64_t, kInfoSize>& info,
                                             codec::CompressType type);

/// Decompresses back to the weight as given to compressWeight: [rows, cols] elements of
/// `elementSize` bytes in the original orientation (transposed back when `transpose`).
std::vector<std::uint8_t> decompressWeight(const CompressedWeight& compressed,
                                           codec::CompressType type, std::size_t elementSize,
                                           bool transpose);

/// Whether the card's W8A8SC kernel documents this many rows (n a multiple of 64 and >= 128).
bool isKernelDocumentedShape(ByteShape shape) noexcept;

/// Why a shape is outside what the kernel documents (for a warning), or nothing if it is not.
std::optional<std::string> describeKernelShapeIssue(ByteShape shape);

} // namespace nzc::layout
