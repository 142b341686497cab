// The transpose behind transposeElements, on sub-matrices of larger buffers (row pitches in
// bytes), so that a tile can be transposed straight out of a weight. Internal.
#pragma once

#include <nzcompress/layout.h>

#include <cstddef>
#include <cstdint>

namespace nzc::layout::detail {

/// Transposes [rows, cols] elements of `elementSize` bytes at `in` (rows `inPitch` bytes apart)
/// into [cols, rows] at `out` (rows `outPitch` bytes apart). No checks.
void transposeStrided(const std::uint8_t* in, std::size_t inPitch, std::size_t rows,
                      std::size_t cols, std::size_t elementSize, std::uint8_t* out,
                      std::size_t outPitch);

} // namespace nzc::layout::detail
