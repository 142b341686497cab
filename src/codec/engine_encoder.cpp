// The packer. The reference emits a run of zero bytes when it ends, greedily, longest code
// first. Because the longest run code comes first, emitting it as soon as enough zeros have
// been read gives the same bits; so the state between bytes is only the number of zeros
// still pending (below the longest run), and each byte becomes one table step. Only when a
// step does not fit into the packet does the exact, code-by-code rule decide where the
// packet ends.
#include "engine_encoder.h"
#include "fractal_format.h"

#include <algorithm>
#include <bit>
#include <cstring>

namespace nzc::codec::detail {

static_assert(std::endian::native == std::endian::little,
              "packets are stored little-endian by a plain copy");

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
    void fillUnusedWithOnes() { bits |= ~std::uint64_t{0} << used; }
};

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

/// The bits of a run of `zeros` zero bytes when everything fits.
Code runBits(std::size_t zeros, std::span<const RunCode> runs) {
    Packet packet;
    emitRun(packet, zeros, runs);
    return {static_cast<std::uint16_t>(packet.bits), static_cast<std::uint8_t>(packet.used)};
}

void writeHeader(const std::uint8_t* input, std::size_t engineBytes, const CallCodes& codes,
                 std::uint8_t* out) {
    const EngineXor checksum = engineXor(input, engineBytes);
    const auto& values = codes.dictionary.values;
    out[1] = static_cast<std::uint8_t>(engineBytes / kStoredUnit);
    out[4] = checksum.odd;
    out[5] = checksum.even;
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

void store(std::uint64_t bits, std::size_t bytes, std::uint8_t* out) {
    std::memcpy(out, &bits, bytes);
}

} // namespace

CallCodes buildCallCodes(const Dictionary& dictionary, CompressType type) {
    CallCodes codes;
    codes.type = type;
    codes.dictionary = dictionary;
    codes.zeroByte = dictionary.zeroByte();
    for (std::size_t v = 0; v < 256; ++v)
        codes.byteCodes[v] = escapeCode(static_cast<std::uint8_t>(v));
    const auto ranks = rankCodes(type);
    for (std::size_t r = dictionary.size - 1; r >= 1; --r)
        codes.byteCodes[dictionary.values[r]] = ranks[r - 1];

    const auto runs = runCodes(type);
    const std::size_t longestRun = runs.front().zeros;
    for (std::size_t pending = 0; pending < longestRun; ++pending) {
        const Code flush = runBits(pending, runs);
        for (std::size_t v = 0; v < 256; ++v) {
            // Up to 18 bits (6 of flushed run, 12 of escape): wider than a Code holds.
            std::uint32_t bits = 0;
            std::uint32_t length = 0;
            if (v == codes.zeroByte) {
                // The zero that completes the longest run emits its code; others wait.
                if (pending + 1 == longestRun) {
                    bits = runs.front().code.bits;
                    length = runs.front().code.length;
                }
            } else {
                const Code literal = codes.byteCodes[v];
                bits = flush.bits | (std::uint32_t{literal.bits} << flush.length);
                length = flush.length + literal.length;
            }
            codes.stepBits[pending * 256 + v] = bits;
            codes.stepLengths[pending * 256 + v] = static_cast<std::uint8_t>(length);
        }
    }
    return codes;
}

namespace {

/// The packer for one compress type; the type is a template parameter so that the run
/// counter below compiles to a constant-bound update (it is on the loop's critical path).
template <CompressType Type>
std::size_t packEngine(const std::uint8_t* input, std::size_t engineBytes, const CallCodes& codes,
                       std::uint8_t* out) {
    writeHeader(input, engineBytes, codes, out);
    const auto runs = runCodes(Type);
    const std::uint32_t* stepBits = codes.stepBits.data();
    const std::uint8_t* stepLengths = codes.stepLengths.data();
    constexpr std::size_t longestRun =
        Type == CompressType::Low ? kLowRunCodes.front().zeros : kHighRunCodes.front().zeros;
    const std::uint8_t zeroByte = codes.zeroByte;
    std::size_t written = kEngineHeaderBytes;
    std::size_t position = 0;
    while (position < engineBytes) {
        if (written >= engineBytes)
            return 0;
        const std::size_t windowEnd = std::min(position + kBlockBytes, engineBytes);
        std::uint64_t bits = 0;
        std::size_t used = 0;
        std::size_t pendingRow = 0; // pending zero bytes * 256: the row of the step tables
        std::size_t i = position;
        bool full = false;
        for (; i < windowEnd; ++i) {
            const std::uint8_t byte = input[i];
            const std::size_t length = stepLengths[pendingRow + byte];
            if (used + length > kPacketBits) {
                full = true;
                break;
            }
            bits |= std::uint64_t{stepBits[pendingRow + byte]} << used;
            used += length;
            // The run counter is computed from the byte, not looked up, so that the next
            // table load does not wait for this one.
            const std::size_t afterZero =
                pendingRow + 256 == longestRun * 256 ? 0 : pendingRow + 256;
            pendingRow = byte == zeroByte ? afterZero : 0;
        }
        const std::size_t pending = pendingRow / 256;
        Packet packet{bits, used};
        if (full) {
            // This byte's step does not fit: replay it code by code to find where the packet
            // ends. A zero byte here completes the longest run, whose code did not fit.
            const bool zero = input[i] == codes.zeroByte;
            const std::size_t run = pending + (zero ? 1 : 0);
            const std::size_t emitted = emitRun(packet, run, runs);
            // A non-zero byte whose flushed run fits cannot fit itself, or the step would have.
            position = i - pending + emitted;
        } else {
            const std::size_t emitted = emitRun(packet, pending, runs);
            position = windowEnd - pending + emitted;
            full = emitted < pending;
        }
        if (full) {
            packet.fillUnusedWithOnes();
            store(packet.bits, kPacketBytes, out + written);
            written += kPacketBytes;
        } else if (position < engineBytes) {
            store(packet.bits, kPacketBytes, out + written);
            written += kPacketBytes;
        } else if (packet.used <= kMaxBitsBeforeInlineEndMark) {
            packet.put(kEndMark);
            const std::size_t bytes = (packet.used + 7) / 8;
            store(packet.bits, bytes, out + written);
            return written + bytes;
        } else {
            packet.fillUnusedWithOnes();
            store(packet.bits, kPacketBytes, out + written);
            written += kPacketBytes;
            if (written >= engineBytes)
                return 0;
            std::memcpy(out + written, kDetachedEndMark.data(), kDetachedEndMark.size());
            return written + kDetachedEndMark.size();
        }
    }
    return 0; // unreachable: engineBytes > 0 always ends in the last-packet branches
}

} // namespace

std::size_t encodeEngine(const std::uint8_t* input, std::size_t engineBytes, const CallCodes& codes,
                         std::uint8_t* out) {
    if (codes.type == CompressType::Low)
        return packEngine<CompressType::Low>(input, engineBytes, codes, out);
    return packEngine<CompressType::High>(input, engineBytes, codes, out);
}

} // namespace nzc::codec::detail
