#include "decode_table.h"
#include "dictionary.h"

#include <gtest/gtest.h>

#include <vector>

namespace {

using nzc::codec::CompressType;
using namespace nzc::codec::detail;

TEST(CodecDictionary, ZeroBufferTieOrderIsLibstdcxxIntrosort) {
    // The vendor's header of an all-zero call lists 00 af a1 ae ad ...: the order unstable
    // std::sort leaves 255 equal counts in.
    const std::vector<std::uint8_t> zeros(4096, 0);
    const Dictionary dictionary = buildDictionary(zeros, CompressType::Low);
    ASSERT_EQ(dictionary.size, 36u);
    EXPECT_EQ(dictionary.values[0], 0x00);
    EXPECT_EQ(dictionary.values[1], 0xaf);
    EXPECT_EQ(dictionary.values[2], 0xa1);
    EXPECT_EQ(dictionary.values[3], 0xae);
    EXPECT_EQ(dictionary.values[4], 0xad);
}

TEST(CodecDictionary, MostFrequentByteIsRankZero) {
    std::vector<std::uint8_t> bytes(1000, 0x7f);
    for (std::size_t i = 0; i < 300; ++i)
        bytes[i] = 3;
    bytes[500] = 9;
    const Dictionary dictionary = buildDictionary(bytes, CompressType::High);
    EXPECT_EQ(dictionary.size, 34u);
    EXPECT_EQ(dictionary.zeroByte(), 0x7f);
    EXPECT_EQ(dictionary.values[1], 3);
    EXPECT_EQ(dictionary.values[2], 9);
}

TEST(CodecDecodeTable, CodeSetsArePrefixFreeAndCoverTheirSlots) {
    for (const auto type : {CompressType::Low, CompressType::High}) {
        std::size_t conflicts = 99;
        const DecodeTable table = buildDecodeTable(type, conflicts);
        EXPECT_EQ(conflicts, 0u) << "compress type " << static_cast<int>(type);
        std::size_t escapes = 0;
        for (const auto& entry : table)
            escapes += entry.kind == DecodeEntry::Escape;
        EXPECT_EQ(escapes, 256u);
    }
}

TEST(CodecDecodeTable, EscapeReversesTheByte) {
    EXPECT_EQ(escapeCode(0x01).bits, 0xF | (0x80 << 4));
    EXPECT_EQ(escapeCode(0xF0).bits, 0xF | (0x0F << 4));
    EXPECT_EQ(escapeCode(0x01).length, 12);
}

} // namespace
