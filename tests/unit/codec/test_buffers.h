// Deterministic test inputs of the kinds weights come in. Test-only.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace nzc::codec::test_data {

/// Kinds of synthetic buffer; each stresses a different part of the format.
enum class BufferKind {
    Zeros,        ///< one long run
    Dense,        ///< Gaussian, no zeros: mostly bypass
    Sparse,       ///< Gaussian with a fraction of zeros
    TwoOfFour,    ///< 2:4 structured sparsity
    Uniform,      ///< all 256 values equally likely: bypass
    ZeroByteNot0, ///< most frequent byte 0x7f
    ManyValues,   ///< sparse with a wide spread: many escapes
    TiedCounts,   ///< few values with equal counts: dictionary tie order matters
    LongRuns,     ///< long zero runs between short bursts
};

std::string kindName(BufferKind kind);
const std::vector<BufferKind>& allKinds();

/// `size` bytes of the given kind; `keep` is the fraction of non-zero elements where relevant.
std::vector<std::uint8_t> makeBuffer(BufferKind kind, std::size_t size, double keep,
                                     std::uint64_t seed);

/// Reads a whole file (throws std::runtime_error).
std::vector<std::uint8_t> readFile(const std::string& path);

} // namespace nzc::codec::test_data
