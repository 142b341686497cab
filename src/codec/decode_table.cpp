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

MultiDecodeTable buildMultiTable(const FastDecodeTable& fast) {
    MultiDecodeTable multi{};
    for (std::uint32_t slot = 0; slot < multi.size(); ++slot) {
        const std::uint32_t first = fast[slot];
        const std::uint32_t length1 = FastEntry::length(first);
        if (length1 > kDecodeTableBits) {
            multi[slot] = MultiEntry::pack(FastEntry::kNeverFits, 0, 0, 0, 0);
            continue;
        }
        std::uint32_t length = length1;
        std::uint32_t count = FastEntry::count(first);
        std::uint32_t index2 = 0;
        // The bits above the first code, zero-filled; a code that ends inside them is decided
        // by them alone (the code set is prefix-free).
        const std::uint32_t second = fast[slot >> length1];
        if (FastEntry::length(second) <= kDecodeTableBits - length1 &&
            FastEntry::valueIndex(second) < FastEntry::kEscapeBase) {
            length += FastEntry::length(second);
            count += FastEntry::count(second);
            index2 = FastEntry::valueIndex(second);
        }
        multi[slot] = MultiEntry::pack(length, count, FastEntry::valueIndex(first),
                                       FastEntry::count(first), index2);
    }
    return multi;
}

} // namespace

const MultiDecodeTable& multiDecodeTable(CompressType type) {
    static const MultiDecodeTable low = buildMultiTable(fastDecodeTable(CompressType::Low));
    static const MultiDecodeTable high = buildMultiTable(fastDecodeTable(CompressType::High));
    return type == CompressType::Low ? low : high;
}

const FastDecodeTable& fastDecodeTable(CompressType type) {
    static const FastDecodeTable low = buildFastTable(CompressType::Low);
    static const FastDecodeTable high = buildFastTable(CompressType::High);
    return type == CompressType::Low ? low : high;
}

} // namespace nzc::codec::detail
