// The decoder on damaged data: it must report a DecodeError naming a fractal or (where the
// damage happens to decode) return, and never touch memory outside its spans (the suite also
// runs under AddressSanitizer).
#include "test_buffers.h"

#include <nzcompress/codec.h>

#include <gtest/gtest.h>

#include <random>
#include <set>
#include <string>
#include <vector>

namespace {

using namespace nzc::codec;
using nzc::codec::test_data::BufferKind;
namespace test_data = nzc::codec::test_data;

struct Compressed {
    CodecConfig config;
    std::vector<std::uint8_t> input, weight, index;
};

Compressed compressSample(BufferKind kind, CompressType type) {
    Compressed c;
    c.config = {2048, type, 0};
    c.input = test_data::makeBuffer(kind, 2048 * 4, 0.4, 5);
    compress(c.input, c.config, c.weight, c.index);
    return c;
}

TEST(CodecCorruptInput, TruncatedDataNamesTheFractal) {
    const Compressed c = compressSample(BufferKind::Sparse, CompressType::Low);
    std::vector<std::uint8_t> out(c.input.size());
    const auto truncated = std::span(c.weight).first(c.weight.size() - 128);
    try {
        decompress(truncated, c.index, c.config, out);
        FAIL() << "truncated data decoded";
    } catch (const DecodeError& error) {
        EXPECT_EQ(error.fractal(), 3u);
        EXPECT_NE(std::string(error.what()).find("fractal 3"), std::string::npos);
    }
}

TEST(CodecCorruptInput, WrongIndexSizeIsAnError) {
    const Compressed c = compressSample(BufferKind::Sparse, CompressType::High);
    std::vector<std::uint8_t> out(c.input.size());
    EXPECT_THROW(decompress(c.weight, std::span(c.index).first(8), c.config, out), DecodeError);
}

TEST(CodecCorruptInput, BadOffsetIsAnError) {
    Compressed c = compressSample(BufferKind::Sparse, CompressType::Low);
    c.index[8 + 4] ^= 1;
    std::vector<std::uint8_t> out(c.input.size());
    EXPECT_THROW(decompress(c.weight, c.index, c.config, out), DecodeError);
}

TEST(CodecCorruptInput, FlippedHeaderOrPayloadBitsNeverEscapeTheBuffers) {
    std::mt19937_64 rng(99);
    std::size_t errors = 0;
    for (const auto type : {CompressType::Low, CompressType::High}) {
        for (const auto kind : {BufferKind::Sparse, BufferKind::Zeros, BufferKind::ManyValues,
                                BufferKind::LongRuns}) {
            const Compressed c = compressSample(kind, type);
            for (int trial = 0; trial < 300; ++trial) {
                auto weight = c.weight;
                auto index = c.index;
                const int flips = 1 + static_cast<int>(rng() % 4);
                for (int i = 0; i < flips; ++i) {
                    if (rng() % 8 == 0)
                        index[rng() % index.size()] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
                    else
                        weight[rng() % weight.size()] ^=
                            static_cast<std::uint8_t>(1u << (rng() % 8));
                }
                std::vector<std::uint8_t> out(c.input.size());
                try {
                    decompress(weight, index, c.config, out);
                } catch (const DecodeError&) {
                    ++errors;
                }
            }
        }
    }
    // Most damage is detected (the engine XOR check catches payload flips).
    EXPECT_GT(errors, 8u * 300u / 2);
}

// Single damaged bytes in small fractals (so that many packets are a stream's last) must
// reach every check at the end of a packet, in both compress types: if a decoding path
// skipped one, its message would never appear.
TEST(CodecCorruptInput, SingleByteDamageReachesEveryPacketCheck) {
    const std::vector<std::string> reasons = {
        "invalid code in a packet", "a run of zero bytes crosses its packet window",
        "missing end mark", "missing end mark after the last packet", "checksum (byte XOR)"};
    std::mt19937_64 rng(7);
    for (const auto type : {CompressType::Low, CompressType::High}) {
        std::set<std::string> seen;
        for (int trial = 0; trial < 4000; ++trial) {
            const std::size_t fractalSize = 512 * (1 + trial % 4);
            const auto kind = trial % 3 == 0 ? BufferKind::LongRuns : BufferKind::Sparse;
            const CodecConfig config{fractalSize, type, 0};
            const auto input =
                test_data::makeBuffer(kind, fractalSize, 0.4, static_cast<std::uint32_t>(trial));
            std::vector<std::uint8_t> weight, index;
            compress(input, config, weight, index);
            weight[rng() % weight.size()] ^= static_cast<std::uint8_t>(1 + rng() % 255);
            std::vector<std::uint8_t> out(input.size());
            try {
                decompress(weight, index, config, out);
            } catch (const DecodeError& error) {
                const std::string what = error.what();
                for (const auto& reason : reasons)
                    if (what.find(reason) != std::string::npos)
                        seen.insert(reason);
            }
        }
        for (const auto& reason : reasons)
            EXPECT_TRUE(seen.contains(reason))
                << "type " << static_cast<int>(type) << ": " << reason;
    }
}

} // namespace
