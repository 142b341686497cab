// ND <-> Nz and the element-aware transpose against straightforward reference loops written
// from the NZ_LAYOUT formula: nz = transpose(reshape(pad(W), (n/16, 16, k/32, 32)), (2,0,1,3)).
#include <nzcompress/layout.h>

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

namespace {

using namespace nzc::layout;

std::vector<std::uint8_t> randomBytes(std::size_t count, std::mt19937_64& random) {
    std::vector<std::uint8_t> bytes(count);
    for (auto& byte : bytes)
        byte = static_cast<std::uint8_t>(random() & 0xFF);
    return bytes;
}

/// nz[kb][nb][r][c] = W[nb*16 + r][kb*32 + c], 0 in the padding.
std::vector<std::uint8_t> referenceNz(const std::vector<std::uint8_t>& nd, ByteShape shape) {
    const std::size_t n1 = (shape.rows + 15) / 16;
    const std::size_t k1 = (shape.rowBytes + 31) / 32;
    std::vector<std::uint8_t> nz(k1 * n1 * 512, 0xEE);
    for (std::size_t kb = 0; kb < k1; ++kb)
        for (std::size_t nb = 0; nb < n1; ++nb)
            for (std::size_t r = 0; r < 16; ++r)
                for (std::size_t c = 0; c < 32; ++c) {
                    const std::size_t row = nb * 16 + r;
                    const std::size_t col = kb * 32 + c;
                    const bool inside = row < shape.rows && col < shape.rowBytes;
                    nz[((kb * n1 + nb) * 16 + r) * 32 + c] =
                        inside ? nd[row * shape.rowBytes + col] : 0;
                }
    return nz;
}

TEST(LayoutNz, ShapeRoundsUpToWholeBlocks) {
    EXPECT_EQ(nzShapeOf({1, 1}), (NzShape{1, 1}));
    EXPECT_EQ(nzShapeOf({16, 32}), (NzShape{1, 1}));
    EXPECT_EQ(nzShapeOf({17, 33}), (NzShape{2, 2}));
    EXPECT_EQ(nzShapeOf({200, 352}), (NzShape{11, 13}));
    EXPECT_EQ(nzShapeOf({144, 1000}), (NzShape{32, 9}));
    EXPECT_EQ(nzShapeOf({11008, 4096}).bytes(), std::size_t{11008} * 4096);
}

TEST(LayoutNz, RejectsEmptyMatrix) {
    EXPECT_THROW(nzShapeOf({0, 32}), LayoutError);
    EXPECT_THROW(nzShapeOf({16, 0}), LayoutError);
}

TEST(LayoutNz, MatchesReferenceOnEveryResidue) {
    std::mt19937_64 random(7);
    // Every residue of 16 for the rows and of 32 for the row length, around one and a few blocks.
    for (std::size_t rows : {1, 2, 7, 15, 16, 17, 31, 33, 47, 129, 143}) {
        for (std::size_t rowBytes : {1, 3, 31, 32, 33, 63, 64, 65, 95, 250, 257}) {
            const ByteShape shape{rows, rowBytes};
            const auto nd = randomBytes(shape.bytes(), random);
            const auto nz = toNz(nd, shape);
            ASSERT_EQ(nz, referenceNz(nd, shape)) << rows << " x " << rowBytes;
            ASSERT_EQ(fromNz(nz, shape), nd) << rows << " x " << rowBytes;
        }
    }
}

TEST(LayoutNz, MatchesReferenceOnRandomShapes) {
    std::mt19937_64 random(11);
    std::uniform_int_distribution<std::size_t> dim(1, 1100);
    for (int i = 0; i < 40; ++i) {
        const ByteShape shape{dim(random), dim(random)};
        const auto nd = randomBytes(shape.bytes(), random);
        const auto nz = toNz(nd, shape);
        ASSERT_EQ(nz, referenceNz(nd, shape)) << shape.rows << " x " << shape.rowBytes;
        ASSERT_EQ(fromNz(nz, shape), nd) << shape.rows << " x " << shape.rowBytes;
    }
}

TEST(LayoutNz, ColumnVisitorSeesExactlyTheNzBytes) {
    std::mt19937_64 random(12);
    std::uniform_int_distribution<std::size_t> dim(1, 300);
    for (int i = 0; i < 30; ++i) {
        const ByteShape shape{dim(random), dim(random)};
        const auto nd = randomBytes(shape.bytes(), random);
        std::vector<std::uint8_t> visited;
        std::size_t calls = 0;
        forEachNzColumn(nd, shape, [&](std::span<const std::uint8_t> column) {
            EXPECT_EQ(column.size(), nzShapeOf(shape).n1 * kBlockBytes);
            visited.insert(visited.end(), column.begin(), column.end());
            ++calls;
        });
        EXPECT_EQ(calls, nzShapeOf(shape).k1);
        ASSERT_EQ(visited, referenceNz(nd, shape)) << shape.rows << " x " << shape.rowBytes;
    }
}

TEST(LayoutNz, SingleByteBecomesOnePaddedBlock) {
    const std::vector<std::uint8_t> nd{0x5A};
    const auto nz = toNz(nd, {1, 1});
    ASSERT_EQ(nz.size(), kBlockBytes);
    EXPECT_EQ(nz[0], 0x5A);
    for (std::size_t i = 1; i < nz.size(); ++i)
        ASSERT_EQ(nz[i], 0) << "padding byte " << i;
    EXPECT_EQ(fromNz(nz, {1, 1}), nd);
}

TEST(LayoutNz, OverwritesStaleOutputPadding) {
    const ByteShape shape{3, 5};
    const std::vector<std::uint8_t> nd(shape.bytes(), 1);
    std::vector<std::uint8_t> nz(kBlockBytes, 0xFF);
    toNz(nd, shape, nz);
    EXPECT_EQ(nz, referenceNz(nd, shape));
}

TEST(LayoutNz, RejectsWrongBufferSizes) {
    std::vector<std::uint8_t> nd(16 * 32);
    std::vector<std::uint8_t> nz(512);
    EXPECT_THROW(toNz(std::span<const std::uint8_t>(nd).first(100), {16, 32}, nz), LayoutError);
    EXPECT_THROW(toNz(nd, {16, 32}, std::span<std::uint8_t>(nz).first(500)), LayoutError);
    EXPECT_THROW(fromNz(std::span<const std::uint8_t>(nz).first(511), {16, 32}, nd), LayoutError);
}

TEST(LayoutTranspose, MovesWholeTwoByteElements) {
    // fp16 [2, 3] = {{a, b, c}, {d, e, f}}, each element two bytes (low, high).
    const std::vector<std::uint8_t> in{0xA0, 0xA1, 0xB0, 0xB1, 0xC0, 0xC1,
                                       0xD0, 0xD1, 0xE0, 0xE1, 0xF0, 0xF1};
    const std::vector<std::uint8_t> expected{0xA0, 0xA1, 0xD0, 0xD1, 0xB0, 0xB1,
                                             0xE0, 0xE1, 0xC0, 0xC1, 0xF0, 0xF1};
    EXPECT_EQ(transposeElements(in, 2, 3, 2), expected);
}

TEST(LayoutTranspose, MatchesReferenceForSeveralElementSizes) {
    std::mt19937_64 random(3);
    for (std::size_t elementSize : {1, 2, 3, 4, 8}) {
        for (auto [rows, cols] : {std::pair<std::size_t, std::size_t>{1, 1},
                                  {1, 200},
                                  {200, 1},
                                  {63, 65},
                                  {130, 257}}) {
            const auto in = randomBytes(rows * cols * elementSize, random);
            const auto out = transposeElements(in, rows, cols, elementSize);
            for (std::size_t r = 0; r < rows; ++r)
                for (std::size_t c = 0; c < cols; ++c)
                    for (std::size_t b = 0; b < elementSize; ++b)
                        ASSERT_EQ(out[(c * rows + r) * elementSize + b],
                                  in[(r * cols + c) * elementSize + b])
                            << rows << "x" << cols << " size " << elementSize;
            ASSERT_EQ(transposeElements(out, cols, rows, elementSize), in);
        }
    }
}

TEST(LayoutTranspose, RejectsWrongSize) {
    const std::vector<std::uint8_t> in(10);
    EXPECT_THROW(transposeElements(in, 2, 3, 2), LayoutError);
    EXPECT_THROW(transposeElements(in, 2, 5, 0), LayoutError);
}

TEST(LayoutKernelShape, FlagsRowsOutsideTheDocumentedRange) {
    EXPECT_TRUE(isKernelDocumentedShape({128, 7}));
    EXPECT_TRUE(isKernelDocumentedShape({11008, 4096}));
    EXPECT_TRUE(isKernelDocumentedShape({192, 32}));
    EXPECT_FALSE(isKernelDocumentedShape({64, 64}));   // a multiple of 64 but below 128
    EXPECT_FALSE(isKernelDocumentedShape({200, 352})); // not a multiple of 64
    EXPECT_FALSE(isKernelDocumentedShape({1, 1}));
    EXPECT_FALSE(describeKernelShapeIssue({4096, 11008}).has_value());
    const auto issue = describeKernelShapeIssue({200, 352});
    ASSERT_TRUE(issue.has_value());
    EXPECT_NE(issue->find("200"), std::string::npos);
}

} // namespace
