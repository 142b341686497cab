// The packer. The reference emits a run of zero bytes when it ends, greedily, longest code
// first. Because the longest run code comes first, emitting it as soon as enough zeros have
// been read gives the same bits; so the state between bytes is only the number of zeros
// still pending (below the longest run), and each byte becomes one table step. Only when a
// step does not fit into the packet does the exact, code-by-code rule decide where the
// packet ends; that rule depends only on the zeros pending and the bits left, so it is
// looked up too (its loop of data-dependent branches ran once per packet).
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
    codes.zeroMask[codes.zeroByte] = ~std::uint32_t{0};
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

/// What a run of zeros pending at a packet's end becomes: the codes emitRun puts into the
/// bits left, and how many of the zeros they cover. Indexed [zeros * 65 + room].
struct RunFit {
    std::uint16_t bits = 0;
    std::uint8_t length = 0;
    std::uint8_t emitted = 0;
};
using RunFitTable = std::array<RunFit, (kMaxRunStates + 1) * (kPacketBits + 1)>;

RunFitTable buildRunFits(std::span<const RunCode> runs) {
    RunFitTable table{};
    for (std::size_t zeros = 0; zeros <= kMaxRunStates; ++zeros) {
        for (std::size_t room = 0; room <= kPacketBits; ++room) {
            Packet packet{0, kPacketBits - room};
            const std::size_t emitted = emitRun(packet, zeros, runs);
            RunFit& fit = table[zeros * (kPacketBits + 1) + room];
            fit.bits =
                room == 0 ? 0 : static_cast<std::uint16_t>(packet.bits >> (kPacketBits - room));
            fit.length = static_cast<std::uint8_t>(packet.used - (kPacketBits - room));
            fit.emitted = static_cast<std::uint8_t>(emitted);
        }
    }
    return table;
}

/// The table depends only on the compress type: built once.
template <CompressType Type> const RunFitTable& runFits() {
    static const RunFitTable table = buildRunFits(runCodes(Type));
    return table;
}

/// The packer for one compress type; the type is a template parameter so that the run
/// counter below compiles to a constant-bound update (it is on the loop's critical path).
template <CompressType Type>
std::size_t packEngine(const std::uint8_t* input, std::size_t engineBytes, const CallCodes& codes,
                       std::uint8_t* out) {
    writeHeader(input, engineBytes, codes, out);
    const RunFit* fits = runFits<Type>().data();
    const std::uint32_t* stepBits = codes.stepBits.data();
    const std::uint8_t* stepLengths = codes.stepLengths.data();
    constexpr std::size_t longestRun =
        Type == CompressType::Low ? kLowRunCodes.front().zeros : kHighRunCodes.front().zeros;
    const std::uint32_t* zeroMask = codes.zeroMask.data();
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
            // The run counter is computed, not looked up from its old value, so that the
            // next table load does not wait for this one; the mask (all ones for the zero
            // byte) resets it without a compare. Low-sparse counts 0, 1 as 0, 256: one xor.
            std::size_t afterZero = pendingRow ^ 256;
            if constexpr (longestRun != 2)
                afterZero = pendingRow + 256 == longestRun * 256 ? 0 : pendingRow + 256;
            pendingRow = afterZero & zeroMask[byte];
        }
        // End the packet's run: a zero byte that did not fit completes the longest run, whose
        // code did not fit (a non-zero byte whose flushed run fits cannot fit itself, or the
        // step would have). The table replaces the code-by-code rule and its branches.
        const std::size_t pending = pendingRow / 256;
        const std::size_t run = full ? pending + (zeroMask[input[i]] & 1) : pending;
        const RunFit fit = fits[run * (kPacketBits + 1) + (kPacketBits - used)];
        // used is 64 only when nothing fits (fit.bits is 0); the mask keeps the shift defined.
        bits |= std::uint64_t{fit.bits} << (used & (kPacketBits - 1));
        used += fit.length;
        position = i - pending + fit.emitted;
        full = full || fit.emitted < run;
        Packet packet{bits, used};
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
