#include "engine_encoder.h"

#include <algorithm>
#include <cstring>

namespace nzc::codec::detail {

CallCodes buildCallCodes(const Dictionary& dictionary, CompressType type) {
    CallCodes codes;
    codes.type = type;
    codes.dictionary = dictionary;
    codes.zeroByte = dictionary.zeroByte();
    for (std::size_t v = 0; v < 256; ++v)
        codes.byteCodes[v] = escapeCode(static_cast<std::uint8_t>(v));
    const auto ranks = rankCodes(type);
    // Assign from the last rank down so that a value listed twice (impossible from a
    // histogram, but cheap to make well-defined) keeps its best rank.
    for (std::size_t r = dictionary.size - 1; r >= 1; --r)
        codes.byteCodes[dictionary.values[r]] = ranks[r - 1];
    return codes;
}

namespace {

/// A 64-bit packet being filled from bit 0 upwards.
struct Packet {
    std::uint64_t bits = 0;
    std::size_t used = 0;

    bool fits(Code code) const { return used + code.length <= kPacketBits; }
    void put(Code code) {
        bits |= std::uint64_t{code.bits} << used;
        used += code.length;
    }
    /// An early-ended packet marks its unused high bits with ones.
    void fillUnusedWithOnes() {
        if (used < kPacketBits)
            bits |= ~std::uint64_t{0} << used;
    }
};

void storeLittleEndian(std::uint64_t value, std::size_t bytes, std::uint8_t* out) {
    for (std::size_t b = 0; b < bytes; ++b)
        out[b] = static_cast<std::uint8_t>(value >> (8 * b));
}

/// Emits a run of `zeros` zero bytes greedily, longest code first; when the chosen code does
/// not fit, the next shorter one is tried. Returns how many zero bytes were emitted.
std::size_t emitRun(Packet& packet, std::size_t zeros, std::span<const RunCode> runs) {
    std::size_t emitted = 0;
    while (emitted < zeros) {
        const std::size_t remaining = zeros - emitted;
        std::size_t choice = 0;
        while (runs[choice].zeros > remaining)
            ++choice;
        if (!packet.fits(runs[choice].code)) {
            ++choice;
            if (choice == runs.size() || !packet.fits(runs[choice].code))
                return emitted;
        }
        packet.put(runs[choice].code);
        emitted += runs[choice].zeros;
    }
    return emitted;
}

void writeHeader(const std::uint8_t* input, std::size_t engineBytes, const CallCodes& codes,
                 std::uint8_t* out) {
    std::uint8_t xorEven = 0;
    std::uint8_t xorOdd = 0;
    for (std::size_t i = 0; i < engineBytes; i += 2) {
        xorEven ^= input[i];
        xorOdd ^= input[i + 1];
    }
    const auto& values = codes.dictionary.values;
    out[1] = static_cast<std::uint8_t>(engineBytes / kStoredUnit);
    out[4] = xorOdd;
    out[5] = xorEven;
    if (codes.type == CompressType::Low) {
        out[0] = kLowHeaderTag;
        out[2] = values[0];
        out[3] = values[1];
        std::memcpy(out + 6, values.data() + 2, kLowDictionarySize - 2);
    } else {
        out[0] = kHighHeaderTag;
        out[2] = 0;
        out[3] = 0;
        std::memcpy(out + 6, values.data(), kHighDictionarySize);
    }
}

} // namespace

std::size_t encodeEngine(const std::uint8_t* input, std::size_t engineBytes, const CallCodes& codes,
                         std::uint8_t* out) {
    writeHeader(input, engineBytes, codes, out);
    const auto runs = runCodes(codes.type);
    const std::uint8_t zeroByte = codes.zeroByte;
    std::size_t written = kEngineHeaderBytes;
    std::size_t position = 0;
    while (position < engineBytes) {
        if (written >= engineBytes)
            return 0;
        const std::size_t windowEnd = std::min(position + kBlockBytes, engineBytes);
        Packet packet;
        std::size_t run = 0;
        bool full = false;
        std::size_t i = position;
        for (; i < windowEnd; ++i) {
            const std::uint8_t byte = input[i];
            if (byte == zeroByte) {
                ++run;
                continue;
            }
            const std::size_t emitted = emitRun(packet, run, runs);
            if (emitted < run) {
                i = i - run + emitted;
                full = true;
                break;
            }
            run = 0;
            const Code code = codes.byteCodes[byte];
            if (!packet.fits(code)) {
                full = true;
                break;
            }
            packet.put(code);
        }
        if (!full) {
            const std::size_t emitted = emitRun(packet, run, runs);
            i = windowEnd - run + emitted;
            full = emitted < run;
        }
        position = i;
        if (full) {
            packet.fillUnusedWithOnes();
            storeLittleEndian(packet.bits, kPacketBytes, out + written);
            written += kPacketBytes;
        } else if (position < engineBytes) {
            storeLittleEndian(packet.bits, kPacketBytes, out + written);
            written += kPacketBytes;
        } else if (packet.used <= kMaxBitsBeforeInlineEndMark) {
            packet.put(kEndMark);
            const std::size_t bytes = (packet.used + 7) / 8;
            storeLittleEndian(packet.bits, bytes, out + written);
            return written + bytes;
        } else {
            packet.fillUnusedWithOnes();
            storeLittleEndian(packet.bits, kPacketBytes, out + written);
            written += kPacketBytes;
            if (written >= engineBytes)
                return 0;
            std::memcpy(out + written, kDetachedEndMark.data(), kDetachedEndMark.size());
            return written + kDetachedEndMark.size();
        }
    }
    return 0; // unreachable: engineBytes > 0 always ends in the last-packet branches
}

} // namespace nzc::codec::detail
