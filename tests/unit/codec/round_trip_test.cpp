// compress -> decompress is the identity on every kind of input, both compress types, several
// fractal sizes and init offsets; and the stored layout obeys the format's invariants.
#include "test_buffers.h"

#include <nzcompress/codec.h>

#include <gtest/gtest.h>

#include <tuple>

namespace {

using namespace nzc::codec;
using nzc::codec::test_data::BufferKind;
namespace test_data = nzc::codec::test_data;

struct RoundTripCase {
    BufferKind kind;
    CompressType type;
    std::size_t fractalSize;
    std::uint64_t initOffset;
};

class CodecRoundTrip : public ::testing::TestWithParam<RoundTripCase> {};

std::uint32_t readU32(const std::uint8_t* p) {
    return p[0] | (std::uint32_t{p[1]} << 8) | (std::uint32_t{p[2]} << 16) |
           (std::uint32_t{p[3]} << 24);
}

TEST_P(CodecRoundTrip, DecodeGivesBackTheInput) {
    const auto& param = GetParam();
    const std::size_t size = param.fractalSize * 5;
    for (const double keep : {0.1, 0.5, 0.9}) {
        const auto input = test_data::makeBuffer(param.kind, size, keep, 17 + size);
        const CodecConfig config{param.fractalSize, param.type, param.initOffset};
        std::vector<std::uint8_t> weight{0xAB}; // compress appends after existing bytes
        std::vector<std::uint8_t> index;
        const std::size_t length = compress(input, config, weight, index);
        ASSERT_EQ(weight.size(), length + 1);
        ASSERT_EQ(index.size(), 5 * kIndexEntryBytes);
        EXPECT_LE(length, maxCompressedSize(size, param.fractalSize));

        std::uint64_t cursor = 0;
        for (std::size_t f = 0; f < 5; ++f) {
            const std::uint8_t* entry = index.data() + f * kIndexEntryBytes;
            const unsigned field = entry[0] | (unsigned{entry[1]} << 8);
            const std::size_t stored = (field & 0x1FF) * kStoredUnit;
            if ((field & 0x8000) == 0)
                EXPECT_EQ(stored, param.fractalSize) << "bypass stores the fractal raw";
            EXPECT_EQ(readU32(entry + 4), (cursor + param.initOffset + 127) / 128);
            cursor += stored;
        }
        EXPECT_EQ(cursor, length);

        std::vector<std::uint8_t> restored(size, 0x55);
        decompress(std::span(weight).subspan(1), index, config, restored);
        EXPECT_TRUE(restored == input) << "keep " << keep;
    }
}

std::vector<RoundTripCase> roundTripCases() {
    std::vector<RoundTripCase> cases;
    for (const auto kind : test_data::allKinds())
        for (const auto type : {CompressType::Low, CompressType::High})
            for (const std::size_t fractal :
                 {std::size_t{512}, std::size_t{1536}, std::size_t{8192}, std::size_t{32768}})
                cases.push_back({kind, type, fractal, std::uint64_t{fractal == 1536 ? 300u : 0u}});
    return cases;
}

INSTANTIATE_TEST_SUITE_P(Kinds, CodecRoundTrip, ::testing::ValuesIn(roundTripCases()),
                         [](const auto& info) {
                             return test_data::kindName(info.param.kind) +
                                    (info.param.type == CompressType::Low ? "_low_" : "_high_") +
                                    std::to_string(info.param.fractalSize);
                         });

TEST(CodecRoundTrip, SparseDataCompressesAndUniformDataBypasses) {
    const CodecConfig config{32768, CompressType::Low, 0};
    std::vector<std::uint8_t> weight, index;
    const auto sparse = test_data::makeBuffer(BufferKind::Sparse, 32768, 0.5, 1);
    EXPECT_LT(compress(sparse, config, weight, index), 32768u * 3 / 4);
    EXPECT_EQ(index[1] & 0x80, 0x80);
    weight.clear();
    index.clear();
    const auto uniform = test_data::makeBuffer(BufferKind::Uniform, 32768, 0.5, 1);
    EXPECT_EQ(compress(uniform, config, weight, index), 32768u);
    EXPECT_EQ(index[1] & 0x80, 0);
}

TEST(CodecConfigCheck, RejectsSizesTheFormatCannotExpress) {
    std::vector<std::uint8_t> weight, index;
    const std::vector<std::uint8_t> input(1024, 0);
    EXPECT_THROW(compress(input, {500, CompressType::Low, 0}, weight, index), CodecError);
    EXPECT_THROW(compress(input, {65536, CompressType::Low, 0}, weight, index), CodecError);
    EXPECT_THROW(compress(std::span(input).first(1000), {512, CompressType::Low, 0}, weight, index),
                 CodecError);
    EXPECT_THROW(compress({}, {512, CompressType::Low, 0}, weight, index), CodecError);
    EXPECT_TRUE(weight.empty());
}

} // namespace
