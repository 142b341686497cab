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

/// The decoder's hot-loop form of an entry, 32 bits: which byte to write (an index into a
/// per-fractal array holding the dictionary's ranks, then every byte value for escapes), how
/// many copies (a run writes several zero bytes), and the code length. Codes that may not
/// appear inside a window (the end mark, unused patterns) get a length no packet can hold,
/// so the loop stops on them and the padding check that follows rejects them.
struct FastEntry {
    static constexpr std::uint32_t kEscapeBase = kMaxDictionarySize;
    static constexpr std::uint32_t kNeverFits = 127;
    static std::uint32_t pack(std::uint32_t valueIndex, std::uint32_t count, std::uint32_t length) {
        return valueIndex | (count << 9) | (length << 16);
    }
    static std::uint32_t valueIndex(std::uint32_t e) { return e & 0x1FF; }
    static std::uint32_t count(std::uint32_t e) { return (e >> 9) & 0xF; }
    static std::uint32_t length(std::uint32_t e) { return e >> 16; }
};
using FastDecodeTable = std::array<std::uint32_t, 1u << kDecodeTableBits>;

/// The hot-loop table of a compress type (built once, then shared; thread-safe).
const FastDecodeTable& fastDecodeTable(CompressType type);

/// The table of a compress type (built once, then shared; thread-safe).

/// Builds a table; `conflicts` counts table slots claimed by two codes (0 for a prefix-free
/// code set; exposed so a test can prove it).
DecodeTable buildDecodeTable(CompressType type, std::size_t& conflicts);

} // namespace nzc::codec::detail
