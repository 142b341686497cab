#include "decode_table.h"

namespace nzc::codec::detail {

namespace {

void claim(DecodeTable& table, Code code, DecodeEntry entry, std::size_t& conflicts) {
    entry.length = code.length;
    // Every 12-bit pattern whose low `length` bits are the code decodes to it.
    for (std::uint32_t high = 0; high < (1u << (kDecodeTableBits - code.length)); ++high) {
        auto& slot = table[code.bits | (high << code.length)];
        if (slot.kind != DecodeEntry::Invalid)
            ++conflicts;
        slot = entry;
    }
}

} // namespace

DecodeTable buildDecodeTable(CompressType type, std::size_t& conflicts) {
    DecodeTable table{};
    conflicts = 0;
    const auto ranks = rankCodes(type);
    for (std::size_t r = 0; r < ranks.size(); ++r)
        claim(table, ranks[r], {DecodeEntry::Rank, 0, static_cast<std::uint8_t>(r + 1)},
              conflicts);
    for (const RunCode& run : runCodes(type))
        claim(table, run.code, {DecodeEntry::Run, 0, run.zeros}, conflicts);
    claim(table, kEndMark, {DecodeEntry::EndMark, 0, 0}, conflicts);
    for (unsigned v = 0; v < 256; ++v) {
        const auto byte = static_cast<std::uint8_t>(v);
        claim(table, escapeCode(byte), {DecodeEntry::Escape, 0, byte}, conflicts);
    }
    return table;
}

const DecodeTable& decodeTable(CompressType type) {
    static const DecodeTable low = [] {
        std::size_t conflicts = 0;
        return buildDecodeTable(CompressType::Low, conflicts);
    }();
    static const DecodeTable high = [] {
        std::size_t conflicts = 0;
        return buildDecodeTable(CompressType::High, conflicts);
    }();
    return type == CompressType::Low ? low : high;
}

} // namespace nzc::codec::detail
