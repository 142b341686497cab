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

/// The decoder's main table: one lookup gives up to two consecutive codes that lie wholly in
/// the 12-bit window, so one step of the decoding chain (code length -> next position) often
/// covers two codes. A window that starts with a code that may not appear inside a packet
/// gets kNeverFits, like FastEntry; a second code is only taken when it is a rank or a run (an
/// escape fills the window alone).
///
/// Layout, 64 bits: the total length in bits 0-15 and the total byte count in bits 16-31,
/// so that one 32-bit subtraction charges both to a lane's budget (see the decoder); then
/// the first code's value index (9 bits), its byte count (4 bits: where the second code's
/// bytes start), and the second code's value index (6 bits).
struct MultiEntry {
    static std::uint64_t pack(std::uint64_t length, std::uint64_t count, std::uint64_t index1,
                              std::uint64_t count1, std::uint64_t index2) {
        return length | (count << 16) | (index1 << 32) | (count1 << 41) | (index2 << 45);
    }
    static std::uint32_t cost(std::uint64_t e) { return static_cast<std::uint32_t>(e); }
    static std::uint32_t length(std::uint64_t e) { return e & 0xFFFF; }
    static std::uint32_t count(std::uint64_t e) { return (e >> 16) & 0xFFFF; }
    static std::uint32_t index1(std::uint64_t e) { return (e >> 32) & 0x1FF; }
    static std::uint32_t count1(std::uint64_t e) { return (e >> 41) & 0xF; }
    static std::uint32_t index2(std::uint64_t e) { return static_cast<std::uint32_t>(e >> 45); }
};
using MultiDecodeTable = std::array<std::uint64_t, 1u << kDecodeTableBits>;

/// The multi-code table of a compress type (built once, then shared; thread-safe).
const MultiDecodeTable& multiDecodeTable(CompressType type);

/// Builds a table; `conflicts` counts table slots claimed by two codes (0 for a prefix-free
/// code set; exposed so a test can prove it).
DecodeTable buildDecodeTable(CompressType type, std::size_t& conflicts);

} // namespace nzc::codec::detail
