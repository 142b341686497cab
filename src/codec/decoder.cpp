// decompress(): the inverse of compress() for one call. Every length and offset read from
// the data is checked before use, so corrupt input yields a DecodeError naming the fractal,
// never an access outside the given spans.
#include "code_tables.h"
#include "decode_table.h"
#include "fractal_format.h"

#include <nzcompress/codec.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>

namespace nzc::codec {

namespace {

using namespace detail;

/// Decodes the four engine streams of one compressed fractal. Decoding a stream is a chain
/// (each code's length gives the next code's position), so two independent streams at a
/// time are decoded in lock-step, one code each per round, which lets the processor overlap
/// the two chains (two, because the state of two lanes still fits in registers).
class FractalDecoder {
public:
    FractalDecoder(CompressType type, std::size_t fractal)
        : type_(type), table_(fastDecodeTable(type)), fractal_(fractal) {
        for (std::size_t v = 0; v < 256; ++v)
            values_[FastEntry::kEscapeBase + v] = static_cast<std::uint8_t>(v);
    }

    /// streams[e] holds `streamBytes` bytes (padding included); engine e's `engineBytes`
    /// decoded bytes go to outs[e], which has 16 bytes of slack past the end for run stores.
    void decode(const std::array<const std::uint8_t*, kEngines>& streams, std::size_t streamBytes,
                std::size_t engineBytes, const std::array<std::uint8_t*, kEngines>& outs) {
        std::array<Lane, kEngines> lanes{};
        for (std::size_t e = 0; e < kEngines; ++e) {
            readHeader(streams[e], streamBytes, engineBytes, e);
            lanes[e] = {streams[e], outs[e], 0, 0, kEngineHeaderBytes, 0, 0, false};
            startPacket(lanes[e], streamBytes, engineBytes);
        }
        decodePair(lanes[0], lanes[1], streamBytes, engineBytes);
        decodePair(lanes[2], lanes[3], streamBytes, engineBytes);
        for (std::size_t e = 0; e < kEngines; ++e) {
            if (engineXor(outs[e], engineBytes) != expectedXor_[e])
                fail("checksum (byte XOR) mismatch in engine " + std::to_string(e));
        }
    }

    [[noreturn]] void fail(const std::string& reason) const { throw DecodeError(fractal_, reason); }

private:
    struct Lane;

    /// Decodes one code of a lane whose packet still has a code to give; returns false (and
    /// changes nothing) when the packet has stopped.
    static bool step(const std::uint32_t* table, const std::uint8_t* values, std::uint64_t packet,
                     std::size_t& bit, std::size_t& produced, std::size_t windowEnd,
                     std::uint8_t* out) {
        const std::uint32_t entry = table[(packet >> bit) & ((1u << kDecodeTableBits) - 1)];
        const std::size_t length = FastEntry::length(entry);
        if (produced >= windowEnd || bit + length > kPacketBits)
            return false;
        // One wide store serves a literal and the longest run alike (the output has slack).
        // Two fixed-size copies, not memset: GCC calls libc for a memset of a variable byte.
        const std::uint64_t splat = values[FastEntry::valueIndex(entry)] * 0x0101010101010101ull;
        std::memcpy(out + produced, &splat, 8);
        std::memcpy(out + produced + 8, &splat, 8);
        produced += FastEntry::count(entry);
        bit += length;
        return true;
    }

    void decodePair(Lane& a, Lane& b, std::size_t streamBytes, std::size_t engineBytes) const {
        const std::uint32_t* table = table_.data();
        const std::uint8_t* values = values_.data();
        while (!a.done || !b.done) {
            // Local copies keep both lanes' state in registers through the hot loop.
            std::uint64_t packetA = a.packet, packetB = b.packet;
            std::size_t bitA = a.bit, bitB = b.bit;
            std::size_t producedA = a.produced, producedB = b.produced;
            bool movingA = !a.done, movingB = !b.done;
            while (movingA && movingB) {
                movingA = step(table, values, packetA, bitA, producedA, a.windowEnd, a.out);
                movingB = step(table, values, packetB, bitB, producedB, b.windowEnd, b.out);
            }
            while (movingA)
                movingA = step(table, values, packetA, bitA, producedA, a.windowEnd, a.out);
            while (movingB)
                movingB = step(table, values, packetB, bitB, producedB, b.windowEnd, b.out);
            a.bit = bitA;
            b.bit = bitB;
            a.produced = producedA;
            b.produced = producedB;
            // Both lanes stopped (or were done): move each stopped lane to its next packet.
            for (Lane* lane : {&a, &b}) {
                if (lane->done)
                    continue;
                finishPacket(*lane, streamBytes, engineBytes);
                if (!lane->done)
                    startPacket(*lane, streamBytes, engineBytes);
            }
        }
    }

    struct Lane {
        const std::uint8_t* stream;
        std::uint8_t* out;
        std::uint64_t packet;
        std::size_t bit;
        std::size_t position; ///< byte offset of the next packet in the stream
        std::size_t produced;
        std::size_t windowEnd;
        bool done;
    };

    void startPacket(Lane& lane, std::size_t streamBytes, std::size_t engineBytes) const {
        if (lane.position >= streamBytes)
            fail("engine stream ends before its data is complete");
        // Packets are little-endian (asserted by the encoder). The last packet may be cut
        // short; bytes past the stream read as zero.
        lane.packet = 0;
        std::memcpy(&lane.packet, lane.stream + lane.position,
                    std::min(kPacketBytes, streamBytes - lane.position));
        lane.position += kPacketBytes;
        lane.bit = 0;
        lane.windowEnd = std::min(lane.produced + kBlockBytes, engineBytes);
    }

    /// The packet stopped: its window is complete or its next code does not fit.
    void finishPacket(Lane& lane, std::size_t streamBytes, std::size_t engineBytes) const {
        if (lane.produced > lane.windowEnd)
            fail("a run of zero bytes crosses its packet window");
        if (lane.produced < lane.windowEnd) {
            // An early-ended packet pads with ones; anything else is a bad code.
            const std::uint64_t padded = lane.packet | ((std::uint64_t{1} << lane.bit) - 1);
            if (lane.bit == 0 || padded != ~std::uint64_t{0})
                fail("invalid code in a packet");
            return;
        }
        if (lane.produced < engineBytes)
            return;
        // The stream's last packet: the end mark inline, or detached after a full packet.
        if (lane.bit <= kMaxBitsBeforeInlineEndMark) {
            if (((lane.packet >> lane.bit) & ((1u << kEndMark.length) - 1)) != kEndMark.bits)
                fail("missing end mark");
        } else if (lane.position + 2 > streamBytes ||
                   std::memcmp(lane.stream + lane.position, kDetachedEndMark.data(), 2) != 0) {
            fail("missing end mark after the last packet");
        }
        lane.done = true;
    }

    void readHeader(const std::uint8_t* stream, std::size_t streamBytes, std::size_t engineBytes,
                    std::size_t engine) {
        if (streamBytes < kEngineHeaderBytes)
            fail("engine stream shorter than its header");
        const bool low = type_ == CompressType::Low;
        if (stream[0] != (low ? kLowHeaderTag : kHighHeaderTag))
            fail("engine header tag does not match the compress type");
        if (stream[1] != engineBytes / kStoredUnit)
            fail("engine header length does not match the fractal size");
        if (!low && (stream[2] != 0 || stream[3] != 0))
            fail("engine header reserved bytes are not zero");
        expectedXor_[engine] = {stream[5], stream[4]}; // stored odd first
        std::array<std::uint8_t, kMaxDictionarySize> dictionary{};
        if (low) {
            dictionary[0] = stream[2];
            dictionary[1] = stream[3];
            std::memcpy(dictionary.data() + 2, stream + 6, kLowDictionarySize - 2);
        } else {
            std::memcpy(dictionary.data(), stream + 6, kHighDictionarySize);
        }
        // Every engine carries the call's dictionary; they must agree.
        if (engine == 0)
            std::copy(dictionary.begin(), dictionary.end(), values_.begin());
        else if (!std::equal(dictionary.begin(), dictionary.end(), values_.begin()))
            fail("engines disagree on the dictionary");
    }

    CompressType type_;
    const FastDecodeTable& table_;
    std::size_t fractal_;
    /// The dictionary's ranks, then every byte value (the targets of escape codes).
    std::array<std::uint8_t, FastEntry::kEscapeBase + 256> values_{};
    /// Per engine: the header's XOR of bytes at even and at odd offsets.
    std::array<EngineXor, kEngines> expectedXor_{};
};

/// Bytes past each engine's output that the wide run stores may touch.
constexpr std::size_t kRunSlack = 16;

/// Working memory of decompress(), kept per thread and reused across calls (a whole weight
/// is one call per tile), sized for the largest fractal seen.
struct Scratch {
    std::size_t fractalSize = 0;
    std::unique_ptr<std::uint8_t[]> streamMemory; ///< the four padded engine streams
    std::unique_ptr<std::uint8_t[]> engineMemory; ///< the four decoded engine streams + slack
    std::uint8_t* streams() { return streamMemory.get(); }
    std::uint8_t* engineBytes() { return engineMemory.get(); }
};

Scratch& scratchFor(std::size_t fractalSize) {
    thread_local Scratch work;
    if (work.fractalSize < fractalSize) {
        work.streamMemory =
            std::make_unique_for_overwrite<std::uint8_t[]>(fractalSize + kStoredUnit);
        work.engineMemory = std::make_unique_for_overwrite<std::uint8_t[]>(
            kEngines * (fractalSize / kEngines + kRunSlack));
        work.fractalSize = fractalSize;
    }
    return work;
}

void decodeBypass(const std::uint8_t* stored, std::size_t fractalSize, Scratch& scratch,
                  std::uint8_t* out) {
    const std::size_t engineBytes = fractalSize / kEngines;
    std::array<std::uint8_t*, kEngines> streams{};
    for (std::size_t e = 0; e < kEngines; ++e)
        streams[e] = scratch.streams() + e * engineBytes;
    deinterleave(stored, engineBytes, streams);
    for (std::size_t e = 0; e < kEngines; ++e)
        scatterEngine(streams[e], fractalSize, e, out);
}

void decodeCompressed(const std::uint8_t* stored, std::size_t storedBytes,
                      const CodecConfig& config, std::size_t fractal, Scratch& scratch,
                      std::uint8_t* out) {
    const std::size_t fractalSize = config.fractalSize;
    const std::size_t engineBytes = fractalSize / kEngines;
    const std::size_t padded = storedBytes / kEngines;
    std::array<std::uint8_t*, kEngines> streams{};
    std::array<const std::uint8_t*, kEngines> readOnlyStreams{};
    std::array<std::uint8_t*, kEngines> outs{};
    for (std::size_t e = 0; e < kEngines; ++e) {
        streams[e] = scratch.streams() + e * padded;
        readOnlyStreams[e] = streams[e];
        outs[e] = scratch.engineBytes() + e * (engineBytes + kRunSlack);
    }
    deinterleave(stored, padded, streams);
    FractalDecoder(config.type, fractal).decode(readOnlyStreams, padded, engineBytes, outs);
    for (std::size_t e = 0; e < kEngines; ++e)
        scatterEngine(outs[e], fractalSize, e, out);
}

} // namespace

void decompress(std::span<const std::uint8_t> weight, std::span<const std::uint8_t> index,
                const CodecConfig& config, std::span<std::uint8_t> output) {
    validateConfig(output.size(), config);
    const std::size_t fractalSize = config.fractalSize;
    const std::size_t fractals = output.size() / fractalSize;
    if (index.size() != fractals * kIndexEntryBytes)
        throw DecodeError(std::min(fractals, index.size() / kIndexEntryBytes),
                          "index has " + std::to_string(index.size()) + " bytes, expected " +
                              std::to_string(fractals * kIndexEntryBytes));
    const std::size_t maxStored = fractalSize + kStoredUnit;
    Scratch& scratch = scratchFor(fractalSize);
    std::size_t cursor = 0;
    for (std::size_t f = 0; f < fractals; ++f) {
        const std::uint8_t* entry = index.data() + f * kIndexEntryBytes;
        const unsigned field = entry[0] | (unsigned{entry[1]} << 8);
        const std::uint32_t offset = entry[4] | (std::uint32_t{entry[5]} << 8) |
                                     (std::uint32_t{entry[6]} << 16) |
                                     (std::uint32_t{entry[7]} << 24);
        if ((field & ~(kLengthMask | kCompressedFlag)) != 0 || entry[2] != 0 || entry[3] != 0)
            throw DecodeError(f, "index entry has reserved bits set");
        const std::size_t stored = (field & kLengthMask) * kStoredUnit;
        const bool compressed = (field & kCompressedFlag) != 0;
        if (offset != offsetUnits(cursor, config.initOffset))
            throw DecodeError(f, "index offset " + std::to_string(offset) +
                                     " does not follow the previous fractals");
        if (stored == 0 || stored > maxStored || (!compressed && stored != fractalSize))
            throw DecodeError(f, "stored length " + std::to_string(stored) +
                                     " is impossible for a fractal of " +
                                     std::to_string(fractalSize) + " bytes");
        if (stored > weight.size() - cursor)
            throw DecodeError(f, "stored length runs past the end of the compressed data");
        std::uint8_t* out = output.data() + f * fractalSize;
        if (compressed)
            decodeCompressed(weight.data() + cursor, stored, config, f, scratch, out);
        else
            decodeBypass(weight.data() + cursor, fractalSize, scratch, out);
        cursor += stored;
    }
    if (cursor != weight.size())
        throw DecodeError(fractals - 1, std::to_string(weight.size() - cursor) +
                                            " compressed bytes follow the last fractal");
}

} // namespace nzc::codec
