// Element-aware transpose. Works in square blocks staged through two small local buffers: the
// block's source rows are read whole into one, transposed inside L1 into the other, and its
// rows written out whole. Every access to the large matrices is then a run of whole cache
// lines, which matters because weight dimensions are powers of two: walking a column of a
// matrix with a 4096-byte row stride hits one L1 set over and over and runs at a few hundred
// MB/s.
#include "transpose_strided.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <string>
#include <vector>

namespace nzc::layout {

namespace {

constexpr std::size_t kTransposeBlock = 64; // elements per side of a block
constexpr std::size_t kMaxStagedElementSize = 8;

/// Transposes the 64 x 64-element block in `source` (row pitch 64 elements) into `transposed`.
/// On little-endian hosts, W x W sub-blocks (W = 8 / ElementSize elements, one 64-bit word per
/// row) are transposed inside registers with three, two or one rounds of masked swaps: a
/// byte-by-byte loop here would dominate the whole transpose.
template <std::size_t ElementSize>
void transposeLocalBlock(const std::uint8_t* source, std::uint8_t* transposed) {
    constexpr std::size_t pitch = kTransposeBlock * ElementSize;
    constexpr std::size_t words = 8 / ElementSize; // elements per 64-bit word = sub-block side
    if constexpr (std::endian::native == std::endian::little && words > 1) {
        for (std::size_t r0 = 0; r0 < kTransposeBlock; r0 += words) {
            for (std::size_t c0 = 0; c0 < kTransposeBlock; c0 += words) {
                std::array<std::uint64_t, words> a;
                for (std::size_t i = 0; i < words; ++i)
                    std::memcpy(&a[i], source + (r0 + i) * pitch + c0 * ElementSize, 8);
                // Round with unit u bits: in every pair of rows (i, i + span), swap the upper
                // unit of each 2u-bit group of row i with the lower unit of row i + span.
                for (std::size_t unit = ElementSize * 8, span = 1; unit < 64;
                     unit *= 2, span *= 2) {
                    std::uint64_t mask = 0;
                    for (std::size_t bit = 0; bit < 64; bit += 2 * unit)
                        mask |= ((std::uint64_t{1} << unit) - 1) << bit;
                    for (std::size_t i = 0; i < words; ++i) {
                        if ((i & span) != 0)
                            continue;
                        const std::uint64_t t = ((a[i] >> unit) ^ a[i + span]) & mask;
                        a[i + span] ^= t;
                        a[i] ^= t << unit;
                    }
                }
                for (std::size_t i = 0; i < words; ++i)
                    std::memcpy(transposed + (c0 + i) * pitch + r0 * ElementSize, &a[i], 8);
            }
        }
    } else {
        for (std::size_t c = 0; c < kTransposeBlock; ++c)
            for (std::size_t r = 0; r < kTransposeBlock; ++r)
                std::memcpy(transposed + c * pitch + r * ElementSize,
                            source + r * pitch + c * ElementSize, ElementSize);
    }
}

/// Pitches are in bytes: `inPitch` between rows of `in`, `outPitch` between rows of `out`.
template <std::size_t ElementSize>
void transposeBlocked(const std::uint8_t* in, std::size_t inPitch, std::size_t rows,
                      std::size_t cols, std::uint8_t* out, std::size_t outPitch) {
    constexpr std::size_t pitch = kTransposeBlock * ElementSize;
    // Edge blocks transpose the whole local block too; zeroing keeps the unused part defined.
    // Only the block's own elements are copied out.
    std::array<std::uint8_t, kTransposeBlock * pitch> source{};
    std::array<std::uint8_t, kTransposeBlock * pitch> transposed{};
    for (std::size_t r0 = 0; r0 < rows; r0 += kTransposeBlock) {
        const std::size_t height = std::min(kTransposeBlock, rows - r0);
        for (std::size_t c0 = 0; c0 < cols; c0 += kTransposeBlock) {
            const std::size_t width = std::min(kTransposeBlock, cols - c0);
            for (std::size_t r = 0; r < height; ++r)
                std::memcpy(source.data() + r * pitch, in + (r0 + r) * inPitch + c0 * ElementSize,
                            width * ElementSize);
            transposeLocalBlock<ElementSize>(source.data(), transposed.data());
            for (std::size_t c = 0; c < width; ++c)
                std::memcpy(out + (c0 + c) * outPitch + r0 * ElementSize,
                            transposed.data() + c * pitch, height * ElementSize);
        }
    }
}

/// Elements too large to stage: one copy per element, column by column.
void transposeLargeElements(const std::uint8_t* in, std::size_t inPitch, std::size_t rows,
                            std::size_t cols, std::size_t elementSize, std::uint8_t* out,
                            std::size_t outPitch) {
    for (std::size_t c = 0; c < cols; ++c)
        for (std::size_t r = 0; r < rows; ++r)
            std::memcpy(out + c * outPitch + r * elementSize, in + r * inPitch + c * elementSize,
                        elementSize);
}

} // namespace

namespace detail {

void transposeStrided(const std::uint8_t* in, std::size_t inPitch, std::size_t rows,
                      std::size_t cols, std::size_t elementSize, std::uint8_t* out,
                      std::size_t outPitch) {
    switch (elementSize) {
    case 1:
        transposeBlocked<1>(in, inPitch, rows, cols, out, outPitch);
        break;
    case 2:
        transposeBlocked<2>(in, inPitch, rows, cols, out, outPitch);
        break;
    case 4:
        transposeBlocked<4>(in, inPitch, rows, cols, out, outPitch);
        break;
    case kMaxStagedElementSize:
        transposeBlocked<kMaxStagedElementSize>(in, inPitch, rows, cols, out, outPitch);
        break;
    default:
        transposeLargeElements(in, inPitch, rows, cols, elementSize, out, outPitch);
        break;
    }
}

} // namespace detail

void transposeElements(std::span<const std::uint8_t> input, std::size_t rows, std::size_t cols,
                       std::size_t elementSize, std::span<std::uint8_t> output) {
    if (elementSize == 0)
        throw LayoutError("element size must be at least 1 byte");
    const std::size_t bytes = rows * cols * elementSize;
    if (input.size() != bytes || output.size() != bytes)
        throw LayoutError("transpose of [" + std::to_string(rows) + ", " + std::to_string(cols) +
                          "] elements of " + std::to_string(elementSize) + " B needs " +
                          std::to_string(bytes) + " bytes in and out, got " +
                          std::to_string(input.size()) + " and " + std::to_string(output.size()));
    detail::transposeStrided(input.data(), cols * elementSize, rows, cols, elementSize,
                             output.data(), rows * elementSize);
}

std::vector<std::uint8_t> transposeElements(std::span<const std::uint8_t> input, std::size_t rows,
                                            std::size_t cols, std::size_t elementSize) {
    std::vector<std::uint8_t> output(input.size());
    transposeElements(input, rows, cols, elementSize, output);
    return output;
}

} // namespace nzc::layout
