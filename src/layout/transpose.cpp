// Element-aware transpose. Works in square blocks so that both the rows read and the rows
// written stay in cache while a block is moved (a plain double loop misses on every element
// of one side for weights of a few MB).
#include <nzcompress/layout.h>

#include <algorithm>
#include <cstring>
#include <string>

namespace nzc::layout {

namespace {

constexpr std::size_t kTransposeBlock = 64; // elements per side: 64 rows of <= 512 B each side

template <std::size_t ElementSize>
void transposeBlocked(const std::uint8_t *in, std::size_t rows, std::size_t cols,
                      std::size_t elementSize, std::uint8_t *out) {
    // ElementSize 0 means "run-time size": one memcpy per element.
    const std::size_t size = ElementSize != 0 ? ElementSize : elementSize;
    for (std::size_t r0 = 0; r0 < rows; r0 += kTransposeBlock) {
        const std::size_t r1 = std::min(rows, r0 + kTransposeBlock);
        for (std::size_t c0 = 0; c0 < cols; c0 += kTransposeBlock) {
            const std::size_t c1 = std::min(cols, c0 + kTransposeBlock);
            for (std::size_t c = c0; c < c1; ++c) {
                std::uint8_t *dst = out + (c * rows + r0) * size;
                const std::uint8_t *src = in + (r0 * cols + c) * size;
                for (std::size_t r = r0; r < r1; ++r, dst += size, src += cols * size)
                    std::memcpy(dst, src, size);
            }
        }
    }
}

} // namespace

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
    switch (elementSize) {
    case 1:
        transposeBlocked<1>(input.data(), rows, cols, 1, output.data());
        break;
    case 2:
        transposeBlocked<2>(input.data(), rows, cols, 2, output.data());
        break;
    case 4:
        transposeBlocked<4>(input.data(), rows, cols, 4, output.data());
        break;
    default:
        transposeBlocked<0>(input.data(), rows, cols, elementSize, output.data());
        break;
    }
}

std::vector<std::uint8_t> transposeElements(std::span<const std::uint8_t> input, std::size_t rows,
                                            std::size_t cols, std::size_t elementSize) {
    std::vector<std::uint8_t> output(input.size());
    transposeElements(input, rows, cols, elementSize, output);
    return output;
}

} // namespace nzc::layout
