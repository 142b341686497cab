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
        claim(table, ranks[r], {DecodeEntry::Rank, 0, static_cast<std::uint8_t>(r + 1)}, conflicts);
    for (const RunCode& run : runCodes(type))
        claim(table, run.code, {DecodeEntry::Run, 0, run.zeros}, conflicts);
    claim(table, kEndMark, {DecodeEntry::EndMark, 0, 0}, conflicts);
    for (unsigned v = 0; v < 256; ++v) {
        const auto byte = static_cast<std::uint8_t>(v);
        claim(table, escapeCode(byte), {DecodeEntry::Escape, 0, byte}, conflicts);
    }
    return table;
}

namespace {

FastDecodeTable buildFastTable(CompressType type) {
    std::size_t conflicts = 0;
    const DecodeTable table = buildDecodeTable(type, conflicts);
    FastDecodeTable fast{};
    for (std::size_t slot = 0; slot < table.size(); ++slot) {
        const DecodeEntry& entry = table[slot];
        switch (entry.kind) {
        case DecodeEntry::Rank:
            fast[slot] = FastEntry::pack(entry.value, 1, entry.length);
            break;
        case DecodeEntry::Run:
            fast[slot] = FastEntry::pack(0, entry.value, entry.length);
            break;
        case DecodeEntry::Escape:
            fast[slot] = FastEntry::pack(FastEntry::kEscapeBase + entry.value, 1, entry.length);
            break;
        default:
            fast[slot] = FastEntry::pack(0, 0, FastEntry::kNeverFits);
        }
    }
    return fast;
}

} // namespace

const FastDecodeTable& fastDecodeTable(CompressType type) {
    static const FastDecodeTable low = buildFastTable(CompressType::Low);
    static const FastDecodeTable high = buildFastTable(CompressType::High);
    return type == CompressType::Low ? low : high;
}

} // namespace nzc::codec::detail
