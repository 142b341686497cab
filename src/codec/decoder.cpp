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
/// (each lookup's length gives the next position), so two independent streams at a time are
/// decoded in lock-step, one lookup each per round, which lets the processor overlap the two
/// chains. A lookup in the multi-code table usually gives two codes; where it would overrun
/// the packet or its window (about once per packet), the lane finishes the packet one code at
/// a time, checks the packet's end and moves to the next packet without leaving the loop.
class FractalDecoder {
public:
    FractalDecoder(CompressType type, std::size_t fractal)
        : type_(type), multi_(multiDecodeTable(type)), single_(fastDecodeTable(type)),
          fractal_(fractal) {
        for (std::size_t v = 0; v < 256; ++v)
            values_[FastEntry::kEscapeBase + v].fill(static_cast<std::uint8_t>(v));
    }

    /// streams[e] holds `streamBytes` bytes (padding included); engine e's `engineBytes`
    /// decoded bytes go to outs[e], which has 16 bytes of slack past the end for run stores.
    void decode(const std::array<const std::uint8_t*, kEngines>& streams, std::size_t streamBytes,
                std::size_t engineBytes, const std::array<std::uint8_t*, kEngines>& outs) {
        std::array<Lane, kEngines> lanes{};
        for (std::size_t e = 0; e < kEngines; ++e) {
            readHeader(streams[e], streamBytes, engineBytes, e);
            lanes[e] = {streams[e] + kEngineHeaderBytes, streams[e] + streamBytes,
                        outs[e] + engineBytes, outs[e], false};
        }
        decodePair(lanes[0], lanes[1]);
        decodePair(lanes[2], lanes[3]);
        for (std::size_t e = 0; e < kEngines; ++e) {
            if (engineXor(outs[e], engineBytes) != expectedXor_[e])
                fail("checksum (byte XOR) mismatch in engine " + std::to_string(e));
        }
    }

    [[noreturn, gnu::cold, gnu::noinline]] void fail(const std::string& reason) const {
        throw DecodeError(fractal_, reason);
    }

private:
    using ValueCopies = std::array<std::uint8_t, 16>;

    /// What a lane needs only between packets (kept in memory).
    struct Lane {
        const std::uint8_t* next; ///< the next packet
        const std::uint8_t* streamEnd;
        std::uint8_t* outEnd; ///< the end of the engine's decoded bytes
        std::uint8_t* out;    ///< the next decoded byte (at the start and after endPacket)
        bool done;
    };

    /// What a lane needs for every lookup, three registers: the packet shifted down to the
    /// next code, the next output byte, and a budget holding the packet's bits left (bits
    /// 0-15) and the window's bytes left (bits 16-31), each offset by kGuard. Subtracting an
    /// entry's cost (length and count, same places) leaves both guard bits set exactly when
    /// both codes fit, so one subtraction and one test check the two limits. No field can
    /// borrow from the next: each is at least kGuard before the subtraction and a cost's
    /// field at most 127.
    struct Hot {
        std::uint64_t packet;
        std::uint32_t budget;
        std::uint8_t* out;
    };
    static constexpr std::uint32_t kGuard = 0x8000;
    static constexpr std::uint32_t kGuards = kGuard | (kGuard << 16);

    static std::uint32_t bitsLeft(std::uint32_t budget) { return (budget & 0xFFFF) - kGuard; }
    static std::int32_t bytesLeft(std::uint32_t budget) {
        return static_cast<std::int32_t>(budget >> 16) - static_cast<std::int32_t>(kGuard);
    }
    static std::uint32_t makeBudget(std::uint32_t bits, std::int32_t bytes) {
        return (bits + kGuard) |
               (static_cast<std::uint32_t>(bytes + static_cast<std::int32_t>(kGuard)) << 16);
    }

    /// Writes 16 copies of a value at out (the output has the slack): one store serves a
    /// literal and the longest run alike.
    static void splat(const ValueCopies* values, std::uint32_t index, std::uint8_t* out) {
        std::memcpy(out, values[index].data(), 16);
    }

    void decodePair(Lane& laneA, Lane& laneB) const {
        // Locals, not members, so that they stay in registers: the output stores could alias
        // anything reached through `this`.
        const std::uint64_t* const multi = multi_.data();
        const ValueCopies* const values = values_.data();
        // One lookup of a lane that is not done: both codes when they fit, else the packet's
        // end (once per packet). Returns false once the lane is done.
        const auto advance = [&](Hot& hot, Lane& lane) {
            const std::uint64_t entry = multi[hot.packet & kWindowMask];
            const std::uint32_t budget = hot.budget - MultiEntry::cost(entry);
            if ((budget & kGuards) == kGuards) [[likely]] {
                // The second code's store overwrites what the first wrote past its own bytes
                // (a one-code entry's second store writes bytes the next codes overwrite).
                splat(values, MultiEntry::index1(entry), hot.out);
                splat(values, MultiEntry::index2(entry), hot.out + MultiEntry::count1(entry));
                hot.out += MultiEntry::count(entry);
                hot.packet >>= MultiEntry::length(entry);
                hot.budget = budget;
                return true;
            }
            const PacketState state = endPacket(hot.packet, hot.budget, hot.out, lane);
            hot = {state.packet, state.budget, lane.out};
            return !lane.done;
        };
        Hot a{0, 0, laneA.out};
        Hot b{0, 0, laneB.out};
        startPacket(a, laneA);
        startPacket(b, laneB);
        for (;;) {
            const bool movingA = advance(a, laneA);
            const bool movingB = advance(b, laneB);
            if (!movingA || !movingB)
                break;
        }
        if (!laneA.done)
            while (advance(a, laneA)) {
            }
        if (!laneB.done)
            while (advance(b, laneB)) {
            }
    }

    struct PacketState {
        std::uint64_t packet;
        std::uint32_t budget;
    };

    /// The packet's last codes one at a time, the checks of its end, and the next packet.
    /// Out of line, returning the packet and budget in registers and the output position in
    /// the lane, so that the hot loop keeps its state in registers.
    [[gnu::noinline]] PacketState endPacket(std::uint64_t packet, std::uint32_t budget,
                                            std::uint8_t* out, Lane& lane) const {
        Hot hot{packet, budget, out};
        std::uint32_t bits = bitsLeft(hot.budget);
        std::int32_t bytes = bytesLeft(hot.budget);
        // Decode while the window is not complete and the next code fits.
        for (;;) {
            const std::uint32_t entry = single_[hot.packet & kWindowMask];
            const std::uint32_t length = FastEntry::length(entry);
            if (bytes <= 0 || length > bits)
                break;
            splat(values_.data(), FastEntry::valueIndex(entry), hot.out);
            hot.out += FastEntry::count(entry);
            bytes -= static_cast<std::int32_t>(FastEntry::count(entry));
            hot.packet >>= length;
            bits -= length;
        }
        lane.out = hot.out;
        if (bytes < 0)
            fail("a run of zero bytes crosses its packet window");
        if (bytes > 0) {
            // An early-ended packet pads with ones; anything else is a bad code. (Code
            // lengths are multiples of 3, so a packet never uses exactly 64 bits.)
            if (bits == kPacketBits || bits == 0 ||
                hot.packet != ~std::uint64_t{0} >> (kPacketBits - bits))
                fail("invalid code in a packet");
        } else if (hot.out == lane.outEnd) {
            // The stream's last packet: the end mark inline, or detached after a full packet.
            if (kPacketBits - bits <= kMaxBitsBeforeInlineEndMark) {
                if ((hot.packet & ((1u << kEndMark.length) - 1)) != kEndMark.bits)
                    fail("missing end mark");
            } else if (lane.streamEnd - lane.next < 2 ||
                       std::memcmp(lane.next, kDetachedEndMark.data(), 2) != 0) {
                fail("missing end mark after the last packet");
            }
            lane.done = true;
            return {hot.packet, hot.budget};
        }
        startPacket(hot, lane);
        return {hot.packet, hot.budget};
    }

    void startPacket(Hot& hot, Lane& lane) const {
        if (lane.next >= lane.streamEnd)
            fail("engine stream ends before its data is complete");
        // Packets are little-endian (asserted by the encoder). The last packet may be cut
        // short; bytes past the stream read as zero.
        hot.packet = 0;
        std::memcpy(&hot.packet, lane.next,
                    std::min<std::size_t>(kPacketBytes, lane.streamEnd - lane.next));
        lane.next += kPacketBytes;
        hot.budget = makeBudget(kPacketBits, static_cast<std::int32_t>(std::min<std::ptrdiff_t>(
                                                 kBlockBytes, lane.outEnd - hot.out)));
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
        if (engine == 0) {
            dictionary_ = dictionary;
            for (std::size_t r = 0; r < kMaxDictionarySize; ++r)
                values_[r].fill(dictionary[r]);
        } else if (dictionary != dictionary_) {
            fail("engines disagree on the dictionary");
        }
    }

    static constexpr std::uint32_t kWindowMask = (1u << kDecodeTableBits) - 1;

    CompressType type_;
    const MultiDecodeTable& multi_;
    const FastDecodeTable& single_;
    std::size_t fractal_;
    std::array<std::uint8_t, kMaxDictionarySize> dictionary_{};
    /// 16 copies each of the dictionary's ranks, then of every byte value (the targets of
    /// escape codes), so that one load and one store write a code's bytes.
    std::array<ValueCopies, FastEntry::kEscapeBase + 256> values_{};
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
