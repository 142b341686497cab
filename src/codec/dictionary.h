// The per-call dictionary: the most frequent byte values of the whole call input, in the
// order the reference compressor ranks them. Local.
#pragma once

#include "code_tables.h"

#include <array>
#include <cstdint>
#include <span>

namespace nzc::codec::detail {

struct Dictionary {
    /// values[r] is the byte of rank r; rank 0 is the "zero byte" (the most frequent value).
    std::array<std::uint8_t, kMaxDictionarySize> values{};
    std::size_t size = 0;

    std::uint8_t zeroByte() const { return values[0]; }
};

/// Ranks all 256 byte values of `input` by count, exactly as the reference does (see the .cpp
/// for why the sort algorithm matters), and keeps the first 36 (low) or 34 (high).
Dictionary buildDictionary(std::span<const std::uint8_t> input, CompressType type);

} // namespace nzc::codec::detail
