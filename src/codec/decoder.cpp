// decompress(): the inverse of compress() for one call. Every length and offset read from
// the data is checked before use, so corrupt input yields a DecodeError naming the fractal,
// never an access outside the given spans.
#include "code_tables.h"
#include "decode_table.h"
#include "fractal_format.h"

#include <nzcompress/codec.h>

#include <cstring>
#include <string>

namespace nzc::codec {

namespace {

using namespace detail;

/// Decodes one engine stream (`streamBytes` bytes, padding included) into `engineBytes` bytes
/// at `out`, which has 16 bytes of slack past the end for the run stores.
class EngineDecoder {
public:
    EngineDecoder(CompressType type, std::size_t fractal)
        : type_(type), table_(decodeTable(type)), fractal_(fractal) {}

    void decode(const std::uint8_t* stream, std::size_t streamBytes, std::size_t engineBytes,
                std::uint8_t* out) {
        readHeader(stream, streamBytes, engineBytes);
        const std::uint8_t* values = dictionary_.data();
        std::size_t position = kEngineHeaderBytes;
        std::size_t produced = 0;
        while (produced < engineBytes) {
            if (position >= streamBytes)
                fail("engine stream ends before its data is complete");
            const std::uint64_t packet = loadPacket(stream, streamBytes, position);
            const std::size_t windowEnd = std::min(produced + kBlockBytes, engineBytes);
            std::size_t bit = 0;
            while (produced < windowEnd) {
                const std::uint64_t ahead = bit < kPacketBits ? packet >> bit : 0;
                const DecodeEntry entry = table_[ahead & ((1u << kDecodeTableBits) - 1)];
                if (bit + entry.length > kPacketBits)
                    break; // the packet ended early; its unused bits are padding
                std::uint8_t byte = 0;
                std::size_t count = 1;
                switch (entry.kind) {
                case DecodeEntry::Rank:
                    byte = values[entry.value];
                    break;
                case DecodeEntry::Escape:
                    byte = entry.value;
                    break;
                case DecodeEntry::Run:
                    byte = values[0];
                    count = entry.value;
                    break;
                default:
                    fail("invalid code in a packet");
                }
                if (produced + count > windowEnd)
                    fail("a run of zero bytes crosses its packet window");
                std::memset(out + produced, byte, 16); // slack covers the widest run (9)
                produced += count;
                bit += entry.length;
            }
            if (bit == 0)
                fail("a packet holds no code");
            position += kPacketBytes;
            if (produced < engineBytes)
                continue;
            // The stream's last packet: the end mark inline, or detached after a full packet.
            if (bit <= kMaxBitsBeforeInlineEndMark) {
                if (((packet >> bit) & ((1u << kEndMark.length) - 1)) != kEndMark.bits)
                    fail("missing end mark");
            } else if (position + 2 > streamBytes ||
                       std::memcmp(stream + position, kDetachedEndMark.data(), 2) != 0) {
                fail("missing end mark after the last packet");
            }
        }
        if (xorOf(out, engineBytes, 0) != expectedXorEven_ ||
            xorOf(out, engineBytes, 1) != expectedXorOdd_)
            fail("checksum (byte XOR) mismatch");
    }

    const std::array<std::uint8_t, kMaxDictionarySize>& dictionary() const { return dictionary_; }

    [[noreturn]] void fail(const std::string& reason) const { throw DecodeError(fractal_, reason); }

private:
    void readHeader(const std::uint8_t* stream, std::size_t streamBytes, std::size_t engineBytes) {
        if (streamBytes < kEngineHeaderBytes)
            fail("engine stream shorter than its header");
        const bool low = type_ == CompressType::Low;
        if (stream[0] != (low ? kLowHeaderTag : kHighHeaderTag))
            fail("engine header tag does not match the compress type");
        if (stream[1] != engineBytes / kStoredUnit)
            fail("engine header length does not match the fractal size");
        expectedXorOdd_ = stream[4];
        expectedXorEven_ = stream[5];
        if (low) {
            dictionary_[0] = stream[2];
            dictionary_[1] = stream[3];
            std::memcpy(dictionary_.data() + 2, stream + 6, kLowDictionarySize - 2);
        } else {
            std::memcpy(dictionary_.data(), stream + 6, kHighDictionarySize);
        }
    }

    static std::uint64_t loadPacket(const std::uint8_t* stream, std::size_t streamBytes,
                                    std::size_t position) {
        // The last packet may be cut short; bytes past the stream read as zero.
        std::uint8_t bytes[kPacketBytes] = {};
        std::memcpy(bytes, stream + position, std::min(kPacketBytes, streamBytes - position));
        std::uint64_t packet = 0;
        for (std::size_t b = 0; b < kPacketBytes; ++b)
            packet |= std::uint64_t{bytes[b]} << (8 * b);
        return packet;
    }

    static std::uint8_t xorOf(const std::uint8_t* bytes, std::size_t size, std::size_t first) {
        std::uint8_t result = 0;
        for (std::size_t i = first; i < size; i += 2)
            result ^= bytes[i];
        return result;
    }

    CompressType type_;
    const DecodeTable& table_;
    std::size_t fractal_;
    std::array<std::uint8_t, kMaxDictionarySize> dictionary_{};
    std::uint8_t expectedXorEven_ = 0;
    std::uint8_t expectedXorOdd_ = 0;
};

/// Buffers reused across the fractals of a call.
struct Scratch {
    std::vector<std::uint8_t> streams;
    std::vector<std::uint8_t> engineBytes;
};

void decodeBypass(const std::uint8_t* stored, std::size_t fractalSize, Scratch& scratch,
                  std::uint8_t* out) {
    const std::size_t engineBytes = fractalSize / kEngines;
    std::array<std::uint8_t*, kEngines> streams{};
    for (std::size_t e = 0; e < kEngines; ++e)
        streams[e] = scratch.streams.data() + e * engineBytes;
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
    for (std::size_t e = 0; e < kEngines; ++e)
        streams[e] = scratch.streams.data() + e * padded;
    deinterleave(stored, padded, streams);
    EngineDecoder decoder(config.type, fractal);
    std::array<std::uint8_t, kMaxDictionarySize> dictionary{};
    for (std::size_t e = 0; e < kEngines; ++e) {
        decoder.decode(streams[e], padded, engineBytes, scratch.engineBytes.data());
        if (e == 0)
            dictionary = decoder.dictionary();
        else if (dictionary != decoder.dictionary())
            decoder.fail("engines disagree on the dictionary");
        scatterEngine(scratch.engineBytes.data(), fractalSize, e, out);
    }
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
    Scratch scratch;
    scratch.streams.resize(maxStored);
    scratch.engineBytes.resize(fractalSize / kEngines + 16);
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
