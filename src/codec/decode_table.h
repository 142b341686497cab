// A 12-bit lookup table for decoding: the low 12 bits of a packet at the current bit give the
// next code's meaning and length (the code set is prefix-free and no code is longer than 12
// bits). One table per compress type, independent of the call's dictionary. Local.
#pragma once

#include "code_tables.h"

#include <array>
#include <cstdint>

namespace nzc::codec::detail {

struct DecodeEntry {
    enum Kind : std::uint8_t { Invalid, Rank, Run, Escape, EndMark };
    Kind kind = Invalid;
    std::uint8_t length = 0; ///< code length in bits
    std::uint8_t value = 0;  ///< Rank: dictionary rank; Run: zero bytes; Escape: the byte
};

inline constexpr std::size_t kDecodeTableBits = 12;
using DecodeTable = std::array<DecodeEntry, 1u << kDecodeTableBits>;

/// The table of a compress type (built once, then shared; thread-safe).
const DecodeTable& decodeTable(CompressType type);

/// Builds a table; `conflicts` counts table slots claimed by two codes (0 for a prefix-free
/// code set; exposed so a test can prove it).
DecodeTable buildDecodeTable(CompressType type, std::size_t& conflicts);

} // namespace nzc::codec::detail
