// The fixed code assignments of the Ascend format (docs/ASCEND_CODEC.md section 3). A code c
// of n bits occupies packet bits p .. p+n-1 with bit 0 of c at bit p. Local, header-only.
#pragma once

#include <nzcompress/codec.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace nzc::codec::detail {

struct Code {
    std::uint16_t bits = 0;
    std::uint8_t length = 0;
};

/// A code for a run of `zeros` consecutive zero bytes (the zero byte is dictionary rank 0).
struct RunCode {
    std::uint8_t zeros = 0;
    Code code;
};

inline constexpr std::size_t kLowDictionarySize = 36;
inline constexpr std::size_t kHighDictionarySize = 34;
inline constexpr std::size_t kMaxDictionarySize = kLowDictionarySize;
inline constexpr Code kEndMark{503, 9};
inline constexpr std::size_t kEscapeLength = 12;
inline constexpr std::size_t kPacketBits = 64;
inline constexpr std::size_t kPacketBytes = 8;
/// After the last packet the end mark goes into the same packet if at most this many bits are
/// used; otherwise it is appended on its own as these two bytes (503 as a little-endian u16).
inline constexpr std::size_t kMaxBitsBeforeInlineEndMark = 55;
inline constexpr std::array<std::uint8_t, 2> kDetachedEndMark{0xF7, 0x01};
inline constexpr std::uint8_t kLowHeaderTag = 0xA8;
inline constexpr std::uint8_t kHighHeaderTag = 0x88;

// Codes of the non-zero dictionary ranks 1, 2, ... in order.
// clang-format off
inline constexpr std::array<Code, 35> kLowRankCodes{{
    {2, 3},   {6, 3},   {1, 3},                                                     // 1-3
    {5, 6},   {37, 6},  {21, 6},  {53, 6},  {13, 6},  {45, 6},  {29, 6},  {61, 6},  // 4-11
    {3, 6},   {35, 6},  {19, 6},  {51, 6},  {11, 6},  {43, 6},  {27, 6},  {59, 6},  // 12-19
    {7, 6},   {39, 6},                                                              // 20-21
    {23, 9},  {279, 9}, {151, 9}, {407, 9}, {87, 9},  {343, 9}, {215, 9}, {471, 9}, // 22-29
    {55, 9},  {311, 9}, {183, 9}, {439, 9}, {119, 9}, {375, 9},                     // 30-35
}};
inline constexpr std::array<Code, 33> kHighRankCodes{{
    {1, 3},                                                                         // 1
    {37, 6},  {21, 6},  {53, 6},  {13, 6},  {45, 6},  {29, 6},  {61, 6},  {3, 6},   // 2-9
    {35, 6},  {19, 6},  {51, 6},  {11, 6},  {43, 6},  {27, 6},  {59, 6},  {7, 6},   // 10-17
    {39, 6},                                                                        // 18
    {23, 9},  {279, 9}, {151, 9}, {407, 9}, {87, 9},  {343, 9}, {215, 9}, {471, 9}, // 19-26
    {55, 9},  {311, 9}, {183, 9}, {439, 9}, {119, 9}, {375, 9}, {247, 9},           // 27-33
}};

// Run codes, longest run first (the order a run is emitted in, greedily).
inline constexpr std::array<RunCode, 2> kLowRunCodes{{{2, {4, 3}}, {1, {0, 3}}}};
inline constexpr std::array<RunCode, 5> kHighRunCodes{
    {{9, {5, 6}}, {4, {6, 3}}, {3, {2, 3}}, {2, {4, 3}}, {1, {0, 3}}}};
// clang-format on

inline constexpr std::uint8_t reverseBits8(std::uint8_t value) {
    std::uint8_t reversed = 0;
    for (int bit = 0; bit < 8; ++bit)
        reversed = static_cast<std::uint8_t>(reversed | (((value >> bit) & 1u) << (7 - bit)));
    return reversed;
}

/// A byte that is not in the dictionary: 0xF then the byte's bits in reverse order.
inline constexpr Code escapeCode(std::uint8_t value) {
    return {static_cast<std::uint16_t>(0xFu | (unsigned{reverseBits8(value)} << 4)),
            static_cast<std::uint8_t>(kEscapeLength)};
}

inline std::size_t dictionarySize(CompressType type) {
    return type == CompressType::Low ? kLowDictionarySize : kHighDictionarySize;
}
inline std::span<const Code> rankCodes(CompressType type) {
    if (type == CompressType::Low)
        return kLowRankCodes;
    return kHighRankCodes;
}
inline std::span<const RunCode> runCodes(CompressType type) {
    if (type == CompressType::Low)
        return kLowRunCodes;
    return kHighRunCodes;
}

} // namespace nzc::codec::detail
