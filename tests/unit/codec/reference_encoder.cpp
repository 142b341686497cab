#include "reference_encoder.h"

namespace nzc::codec::test_data {

namespace {

struct BitWriter {
    std::uint64_t word = 0;
    std::uint32_t used = 0;
    bool tryPut(ModelCode code) {
        if (used + code.length > 64)
            return false;
        word |= std::uint64_t{code.bits} << used;
        used += code.length;
        return true;
    }
};

void append(std::vector<std::uint8_t>& out, std::uint64_t word, std::size_t bytes) {
    for (std::size_t b = 0; b < bytes; ++b)
        out.push_back(static_cast<std::uint8_t>(word >> (8 * b)));
}

} // namespace

std::vector<std::uint8_t> modelEncodePackets(const std::vector<std::uint8_t>& engine,
                                             std::uint8_t zeroByte,
                                             const std::vector<ModelCode>& codeOf,
                                             const std::vector<ModelRun>& runs) {
    const std::size_t size = engine.size();
    std::vector<std::uint8_t> out(40, 0); // the header is compared separately
    std::size_t next = 0;                 // first byte not yet encoded
    while (next < size) {
        if (out.size() >= size)
            return {};
        const std::size_t end = next + 64 < size ? next + 64 : size;
        BitWriter packet;
        bool stopped = false;
        std::size_t cursor = next;
        while (cursor < end && !stopped) {
            // Measure the zero run starting here (bounded by the window).
            std::size_t runEnd = cursor;
            while (runEnd < end && engine[runEnd] == zeroByte)
                ++runEnd;
            std::size_t left = runEnd - cursor;
            while (left > 0) {
                std::size_t k = 0;
                while (runs[k].zeros > left)
                    ++k;
                bool put = packet.tryPut(runs[k].code);
                if (!put && k + 1 < runs.size()) {
                    ++k;
                    put = packet.tryPut(runs[k].code);
                }
                if (!put) {
                    stopped = true;
                    break;
                }
                left -= runs[k].zeros;
                cursor += runs[k].zeros;
            }
            if (stopped || cursor == end)
                break;
            if (!packet.tryPut(codeOf[engine[cursor]])) {
                stopped = true;
                break;
            }
            ++cursor;
        }
        next = cursor;
        if (stopped) {
            packet.word |= ~std::uint64_t{0} << packet.used;
            append(out, packet.word, 8);
        } else if (next < size) {
            append(out, packet.word, 8);
        } else if (packet.used <= 55) {
            packet.word |= std::uint64_t{503} << packet.used;
            append(out, packet.word, (packet.used + 9 + 7) / 8);
            return out;
        } else {
            packet.word |= ~std::uint64_t{0} << packet.used;
            append(out, packet.word, 8);
            if (out.size() >= size)
                return {};
            out.push_back(0xF7);
            out.push_back(0x01);
            return out;
        }
    }
    return {};
}

} // namespace nzc::codec::test_data
