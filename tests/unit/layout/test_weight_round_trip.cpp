// Property tests: for random shapes (1..1100 on each side, every residue of 16 and 32 that
// changes the padding or the tiling), random sparsity and values, both compress types, int8 and
// 2-byte elements, with and without transpose, ND -> compressed -> ND is the identity, and
// gathering tiles from ND gives the same bytes as going through a full Nz copy.
#include <nzcompress/layout.h>

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

namespace {

using namespace nzc::layout;
using nzc::codec::CompressType;

struct Shape {
    std::size_t rows, cols, elementSize;
    bool transpose;
    CompressType type;
};

/// Sparse weight: each element kept with probability `keep`, kept bytes Gaussian(sigma) or,
/// for a quarter of the weights, uniform (which does not compress and so hits bypass tiles).
std::vector<std::uint8_t> makeWeight(const Shape& s, std::mt19937_64& random) {
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    const double keep = unit(random);
    const double sigma = 1.0 + 40.0 * unit(random);
    const bool uniform = unit(random) < 0.25;
    std::normal_distribution<double> gauss(0.0, sigma);
    std::vector<std::uint8_t> bytes(s.rows * s.cols * s.elementSize);
    for (auto& byte : bytes) {
        if (unit(random) >= keep) {
            byte = 0;
        } else if (uniform) {
            byte = static_cast<std::uint8_t>(random() & 0xFF);
        } else {
            const double v = std::clamp(std::round(gauss(random)), -128.0, 127.0);
            byte = static_cast<std::uint8_t>(static_cast<std::int8_t>(v));
        }
    }
    return bytes;
}

void checkRoundTrip(const Shape& s, std::uint64_t seed) {
    std::mt19937_64 random(seed);
    const auto data = makeWeight(s, random);
    const NdWeight weight{data, s.rows, s.cols, s.elementSize, s.transpose};
    const CompressedWeight compressed = compressWeight(weight, s.type);

    const ByteShape shape = byteShapeOf(weight);
    EXPECT_EQ(compressed.info, infoOf(shape));
    EXPECT_EQ(compressed.index.size(), tileCount(nzShapeOf(shape)) * 8);
    EXPECT_EQ(compressed.weight.size() % 128, 0u);

    // The direct ND gather and the full Nz copy must agree byte for byte.
    const auto nd = s.transpose ? transposeElements(data, s.rows, s.cols, s.elementSize) : data;
    const CompressedWeight viaNz = compressNzWeight(toNz(nd, shape), shape, s.type);
    EXPECT_TRUE(viaNz.weight == compressed.weight) << "ND gather and Nz path differ";
    EXPECT_EQ(viaNz.index, compressed.index);

    const auto back = decompressWeight(compressed, s.type, s.elementSize, s.transpose);
    ASSERT_EQ(back.size(), data.size());
    EXPECT_TRUE(back == data) << "round trip changed the weight";
}

std::string describe(const Shape& s) {
    return std::to_string(s.rows) + "x" + std::to_string(s.cols) + " es" +
           std::to_string(s.elementSize) + (s.transpose ? " T" : "") + " type" +
           std::to_string(static_cast<int>(s.type));
}

class LayoutRoundTrip : public testing::TestWithParam<int> {};

TEST_P(LayoutRoundTrip, RandomShapeIsRestored) {
    const auto seed = static_cast<std::uint64_t>(GetParam());
    std::mt19937_64 random(1000 + seed);
    std::uniform_int_distribution<std::size_t> dim(1, 1100);
    Shape s{dim(random), dim(random), (random() % 3 == 0) ? 2u : 1u, random() % 2 == 0,
            random() % 2 == 0 ? CompressType::Low : CompressType::High};
    if (s.elementSize == 2)
        s.cols = (s.cols + 1) / 2; // keep the byte view within 1100
    SCOPED_TRACE(describe(s));
    checkRoundTrip(s, seed);
}

INSTANTIATE_TEST_SUITE_P(Seeds, LayoutRoundTrip, testing::Range(0, 48));

TEST(LayoutRoundTripEdges, EveryTilingCaseIsRestored) {
    // rows: < one block, one block +-1, N1 < 8, N1 == 8, N1 = 9 (overlap of 7), N1 = 13, N1 = 17;
    // row bytes: < one block, one block +-1, K1 = 8, K1 = 9 (narrow k tail of one).
    const std::size_t rowsList[] = {1, 15, 16, 17, 100, 128, 129, 136, 200, 272};
    const std::size_t colsList[] = {1, 31, 32, 33, 256, 257, 300};
    int seed = 0;
    for (std::size_t rows : rowsList)
        for (std::size_t cols : colsList)
            for (bool transpose : {false, true}) {
                const Shape s{rows, cols, 1, transpose,
                              seed % 2 == 0 ? CompressType::Low : CompressType::High};
                SCOPED_TRACE(describe(s));
                checkRoundTrip(s, static_cast<std::uint64_t>(++seed));
            }
}

TEST(LayoutRoundTripEdges, Fp16ViewDoublesTheRowLength) {
    const Shape s{48, 80, 2, false, CompressType::High};
    std::mt19937_64 random(5);
    const auto data = makeWeight(s, random);
    const auto compressed = compressWeight({data, 48, 80, 2, false}, s.type);
    EXPECT_EQ(compressed.info, (std::array<std::int64_t, 5>{8, 8, 160, 48, 1}));
    const auto transposed = compressWeight({data, 48, 80, 2, true}, s.type);
    EXPECT_EQ(transposed.info, (std::array<std::int64_t, 5>{8, 8, 96, 80, 1}));
    EXPECT_TRUE(decompressWeight(transposed, s.type, 2, true) == data);
}

TEST(LayoutRoundTripEdges, WideAndOddElementsTransposeToo) {
    // 4-byte elements take the direct transposed gather, 3-byte ones (which straddle block
    // columns) the full-transpose fallback; both must match the plain Nz path.
    for (std::size_t elementSize : {3u, 4u}) {
        for (auto [rows, cols] : {std::pair<std::size_t, std::size_t>{37, 150}, {200, 11}}) {
            const Shape s{rows, cols, elementSize, true, CompressType::Low};
            SCOPED_TRACE(describe(s));
            checkRoundTrip(s, rows + elementSize);
        }
    }
}

TEST(LayoutWeightErrors, RejectsInconsistentInput) {
    const std::vector<std::uint8_t> data(100);
    EXPECT_THROW(compressWeight({data, 10, 11, 1, false}, CompressType::Low), LayoutError);
    EXPECT_THROW(compressWeight({data, 0, 0, 1, false}, CompressType::Low), LayoutError);
    EXPECT_THROW(compressNzWeight(data, {16, 32}, CompressType::Low), LayoutError);

    const std::vector<std::uint8_t> block(512, 0);
    const auto compressed = compressNzWeight(block, {16, 32}, CompressType::Low);
    auto shortIndex = compressed.index;
    shortIndex.pop_back();
    EXPECT_THROW(
        decompressNzWeight(compressed.weight, shortIndex, compressed.info, CompressType::Low),
        LayoutError);
    auto truncated = compressed.weight;
    truncated.resize(truncated.size() - 128);
    EXPECT_THROW(
        decompressNzWeight(truncated, compressed.index, compressed.info, CompressType::Low),
        LayoutError);
    auto badInfo = compressed.info;
    badInfo[0] = 4;
    EXPECT_THROW(
        decompressNzWeight(compressed.weight, compressed.index, badInfo, CompressType::Low),
        LayoutError);
}

} // namespace
